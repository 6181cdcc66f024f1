import type { DataSource, EntityManager } from 'typeorm';
import { addDays, addMonths, dateInZone, type IsoDate } from '../../common/dates';
import type { AppConfig } from '../../config/app-config';
import { CredentialType } from '../../modules/catalog/credential-type.entity';
import { expiryFor } from '../../modules/catalog/credential-validity';
import { Credential } from '../../modules/credentials/credential.entity';
import { LivedExperienceAttestation } from '../../modules/people/lived-experience-attestation.entity';
import { PersonRole } from '../../modules/people/person-role.entity';
import { type Role } from '../../common/auth/roles';
import { Person } from '../../modules/people/person.entity';
import { SupervisionAssignment } from '../../modules/supervision/supervision-assignment.entity';
import { SupervisorQualification } from '../../modules/supervision/supervisor-qualification.entity';
import { SupervisionSession } from '../../modules/supervision/supervision-session.entity';
import { systemActor } from '../../common/auth/actor';
import { AuditService } from '../../modules/audit/audit.service';
import type { AccountLinksService } from '../../modules/auth/account-links.service';
import { seedDemoTraining } from './demo-training.seed';
import { seedDemoPracticeRoles } from './demo-practice-roles.seed';

/**
 * A small, believable, entirely fictional program (addresses on example.org), dated relative to
 * today so it always shows something expiring soon and something lapsed. Deterministic: the same
 * day gives the same data.
 */

/** How a credential is placed in time: issued N days ago, or issued so that it expires in N days. */
type When = { issuedDaysAgo: number } | { expiresInDays: number };
type Held = [code: string, when: When, licence?: string];

interface DemoPerson {
  name: string;
  preferredName?: string;
  roles: Role[];
  livedExperience?: boolean;
  credentials?: Held[];
}

const ago = (days: number): When => ({ issuedDaysAgo: days });
const expiresIn = (days: number): When => ({ expiresInDays: days });

/** The core every practising peer holds; `cbhpss` says where their state certification stands. */
function peerCore(n: number, cbhpss: When): Held[] {
  return [
    ['PS-40', ago(400 + n * 37)],
    ['MT-CBHPSS', cbhpss, `CBHPSS-${(4100 + n * 13).toString()}`],
  ];
}

/**
 * Trained in the demo's Billings cohort about two months ago, which awarded their PS-40
 * (demo-training.seed.ts), and certified by the state since.
 */
function billingsGraduate(n: number, cbhpss: When): Held[] {
  return [['MT-CBHPSS', cbhpss, `CBHPSS-${(4100 + n * 13).toString()}`]];
}

const PEOPLE: DemoPerson[] = [
  { name: 'Jolene Ashby', roles: ['admin'] },
  {
    name: 'Corey Whitehorse',
    roles: ['trainer', 'peer'],
    livedExperience: true,
    credentials: [...peerCore(1, ago(200)), ['NARCAN-MT', ago(300)], ['CPR', ago(100)]],
  },
  {
    name: 'María José Núñez',
    preferredName: 'Majo Núñez',
    roles: ['trainer'],
    credentials: [
      ['MHFA', ago(500)],
      ['BT-W', ago(900)],
    ],
  },
  { name: 'Ellen Brightwater', roles: ['supervisor'] },
  {
    name: 'Samuel Kicking Woman',
    preferredName: 'Sam Kicking Woman',
    roles: ['supervisor', 'peer'],
    livedExperience: true,
    credentials: [...peerCore(2, ago(150)), ['ET-M', ago(700)]],
  },
  {
    name: 'Renée Two Feathers',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(3, ago(250)), ['DOULA-IND', ago(420)], ['MIS', ago(380)]],
  },
  {
    name: 'Dakota Running Crane',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(4, ago(240)), ['CORR', expiresIn(12)], ['CPR', expiresIn(45)]],
  },
  {
    name: 'Tanya Old Elk',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(5, ago(230)), ['DOULA', expiresIn(70)], ['CPR', ago(800)]],
  },
  {
    name: 'Marcus Littlebear',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(6, ago(220)), ['FIS', ago(600)], ['CORR', ago(120)]],
  },
  {
    name: 'Shelby Lindqvist',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(7, ago(210)), ['MHFA', expiresIn(25)]],
  },
  {
    name: 'Jesse Redcloud',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(8, ago(400 + 200)), ['CPR', expiresIn(-20)]],
  },
  {
    name: 'Aaliyah Grant',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(9, ago(190)), ['DOULA', ago(300)], ['CPR', ago(200)]],
  },
  {
    name: 'Wyatt Ferguson',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(10, ago(180)), ['CORR', expiresIn(-40)]],
  },
  {
    name: 'Nizhoni Begay',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(11, ago(170)), ['DOULA-IND', ago(200)], ['DOULA', expiresIn(5)]],
  },
  {
    name: 'Brandon Tallbull',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(12, ago(160)), ['NARCAN-MT', expiresIn(60)]],
  },
  {
    name: 'Kateri Wolf Child',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...billingsGraduate(13, ago(45)), ['MIS', ago(100)], ['BT-W', ago(90)]],
  },
  {
    name: 'Luis Ortega',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...billingsGraduate(14, ago(30)), ['CPR', ago(30)]],
  },
  {
    name: 'Hannah Schrøder',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...billingsGraduate(15, ago(20)), ['MHFA', ago(1000)]],
  },
  {
    name: 'Darnell Weasel Head',
    roles: ['peer'],
    livedExperience: true,
    credentials: [
      ['PS-40', ago(700)],
      ['MT-CBHPSS', { issuedDaysAgo: 700 }, 'CBHPSS-3391'],
    ],
  },
  // PS-40 from the Billings cohort, not yet state certified.
  { name: 'Crystal Bird Rattler', roles: ['peer'], livedExperience: true },
  {
    name: 'Trevor McAllister',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(16, ago(140)), ['ET-M', ago(50)], ['CORR', expiresIn(28)]],
  },
  {
    name: 'Angela Yellowrobe',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(17, ago(130)), ['FIS', ago(40)], ['MIS', ago(40)]],
  },
  {
    name: 'Mateo Álvarez',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(18, ago(120)), ['CPR', expiresIn(8)]],
  },
  {
    name: 'Rosalind Spotted Bear',
    preferredName: 'Roz Spotted Bear',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(19, ago(110)), ['DOULA-IND', ago(80)]],
  },
  {
    name: 'Kyle Nordby',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(20, ago(100)), ['MHFA', expiresIn(85)]],
  },
  { name: 'Savannah Pretty On Top', roles: ['peer'], livedExperience: true, credentials: [...peerCore(21, ago(95))] },
  // PS-40 from the Billings cohort; no lived experience recorded.
  { name: 'Eli Hawkins', roles: ['peer'], livedExperience: false },
  {
    name: 'Jade Morningstar',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(22, ago(85)), ['CORR', ago(200)], ['CPR', expiresIn(-3)]],
  },
  // Taking the 40-hour course in the running Great Falls cohort.
  { name: 'Owen Sundquist', roles: ['peer'], livedExperience: false },
  {
    name: 'Faith Many Hides',
    roles: ['peer'],
    livedExperience: true,
    credentials: [...peerCore(23, ago(75)), ['NARCAN-MT', ago(400)]],
  },
];

function emailFor(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .toLowerCase();
  const parts = ascii.split(/\s+/);
  return `${parts[0]}.${parts.slice(1).join('')}@example.org`.replace(/[^a-z0-9.@]/g, '');
}

function issueDate(type: CredentialType, when: When, today: IsoDate): IsoDate {
  if ('issuedDaysAgo' in when) return addDays(today, -when.issuedDaysAgo);
  const expires = addDays(today, when.expiresInDays);
  if (type.validityKind === 'months') return addMonths(expires, -(type.validityMonths ?? 0));
  return addDays(expires, -365);
}

/** Who gets a one-time sign-in link printed when the demo is seeded: one person per role. */
const DEMO_SIGN_INS: Array<{ name: string; role: Role }> = [
  { name: 'Jolene Ashby', role: 'admin' },
  { name: 'Corey Whitehorse', role: 'trainer' },
  { name: 'Ellen Brightwater', role: 'supervisor' },
  { name: 'Renée Two Feathers', role: 'peer' },
];

export interface DemoReport {
  people: number;
  credentials: number;
  /** Single-use links to set a password, for trying each role; never a default password. */
  links: Array<{ role: Role; name: string; link: string }>;
}

export async function seedDemo(
  dataSource: DataSource,
  config: AppConfig,
  accountLinks?: AccountLinksService,
): Promise<DemoReport> {
  const today = dateInZone(new Date(), config.timeZone);
  const seeded = await dataSource.transaction(async (tx: EntityManager) => {
    const types = new Map((await tx.getRepository(CredentialType).find()).map((t) => [t.code, t]));
    /** The i-th demo person, with their roles (and the same made-up phone number pattern for all). */
    const createPerson = async (p: Pick<DemoPerson, 'name' | 'preferredName' | 'roles'>, i: number) => {
      const person = await tx.getRepository(Person).save(
        tx.getRepository(Person).create({
          name: p.name,
          preferredName: p.preferredName ?? null,
          email: emailFor(p.name),
          phone: `(406) 555-${String(100 + i * 7).padStart(4, '0')}`,
          status: 'active',
        }),
      );
      await tx.getRepository(PersonRole).insert(p.roles.map((role) => ({ personId: person.id, role })));
      return person;
    };
    const attestLivedExperience = (person: Person, verifiedOn: IsoDate) =>
      tx
        .getRepository(LivedExperienceAttestation)
        .insert({ personId: person.id, verifiedById: admin.id, verifiedOn, evidenceLocation: 'HR file' });
    const saved: Person[] = [];
    for (const [i, p] of PEOPLE.entries()) saved.push(await createPerson(p, i));
    const admin = saved[0];
    let credentials = 0;
    for (const [i, p] of PEOPLE.entries()) {
      const person = saved[i];
      if (p.livedExperience) await attestLivedExperience(person, addDays(today, -(500 + i * 11)));
      for (const [code, when, licence] of p.credentials ?? []) {
        const type = types.get(code);
        if (!type) continue; // an admin removed or renamed it before the demo was loaded
        const issuedOn = issueDate(type, when, today);
        await tx.getRepository(Credential).insert({
          personId: person.id,
          credentialTypeId: type.id,
          source: type.kind === 'internal' ? 'course' : 'external',
          issuedOn,
          expiresOn: expiryFor(type, issuedOn),
          licenceNumber: licence ?? null,
          issuingBody: type.kind === 'external' ? type.issuer : null,
          evidenceNote: type.kind === 'external' ? 'Copy in HR file' : null,
        });
        credentials++;
      }
    }
    // Ellen supervises the first half of the practising peers, Sam (himself a peer) the rest.
    const supervisors = [
      saved[PEOPLE.findIndex((p) => p.name === 'Ellen Brightwater')],
      saved[PEOPLE.findIndex((p) => p.name === 'Samuel Kicking Woman')],
    ];
    const supervised = PEOPLE.map((p, i) => ({ p, person: saved[i] })).filter(
      ({ p, person }) => p.roles.includes('peer') && p.livedExperience && person.id !== supervisors[1].id,
    );
    for (const [i, { person }] of supervised.entries()) {
      const supervisor = i < supervised.length / 2 ? supervisors[0] : supervisors[1];
      await tx.getRepository(SupervisionAssignment).insert({
        peerId: person.id,
        supervisorId: supervisor.id,
        startsOn: addDays(today, -(200 + i * 5)),
        endsOn: null,
      });
    }
    await tx.getRepository(SupervisionAssignment).insert({
      peerId: supervisors[1].id,
      supervisorId: supervisors[0].id,
      startsOn: addDays(today, -400),
      endsOn: null,
    });
    // Monthly sessions for Ellen's team; Sam's peers have none logged lately, which the board flags.
    for (const [i, { person }] of supervised.entries()) {
      if (i >= supervised.length / 2) continue;
      for (const daysAgo of [10 + (i % 9), 40 + (i % 9), 70 + (i % 9)]) {
        await tx.getRepository(SupervisionSession).insert({
          peerId: person.id,
          supervisorId: supervisors[0].id,
          heldOn: addDays(today, -daysAgo),
          minutes: 60,
          summary: 'Boundaries and self-disclosure; documenting a warm handoff.',
          attestedAt: new Date(),
        });
      }
    }
    await tx.getRepository(SupervisorQualification).insert([
      {
        personId: supervisors[0].id,
        licence: 'LCPC #MT-20417',
        qualifiedFrom: addDays(today, -2000),
        qualifiedUntil: null,
      },
      // Sam's qualification lapsed two weeks ago: his supervisees show why they are not cleared.
      {
        personId: supervisors[1].id,
        licence: 'LAC #MT-31882',
        qualifiedFrom: addDays(today, -900),
        qualifiedUntil: addDays(today, -14),
      },
    ]);
    // Training: cohorts of the 40-hour course and a Perinatal Training Hub class, with a few new trainees.
    const byName = new Map(PEOPLE.map((p, i) => [p.name, saved[i]]));
    const training = await seedDemoTraining({
      tx,
      today,
      timeZone: config.timeZone,
      person: (name) => {
        const person = byName.get(name);
        if (!person) throw new Error(`Demo data: no demo person named ${name}`);
        return person;
      },
      addPeer: async (name, livedExperience) => {
        const person = await createPerson({ name, roles: ['peer'] }, saved.length);
        saved.push(person);
        // Verified when they applied for the course.
        if (livedExperience) await attestLivedExperience(person, addDays(today, -(60 + saved.length)));
        return person;
      },
    });
    credentials += training.credentials;
    await seedDemoPracticeRoles(tx, today, (name) => byName.get(name)?.id, admin.id);
    await new AuditService(dataSource).record(tx, systemActor('demo data'), {
      action: 'demo.seeded',
      entityType: 'program',
      after: { people: saved.length, credentials, cohorts: training.cohorts, enrollments: training.enrollments },
    });
    return { people: saved.length, credentials, ids: new Map(saved.map((p) => [p.name, p.id])) };
  });
  const links: DemoReport['links'] = [];
  if (accountLinks) {
    for (const { name, role } of DEMO_SIGN_INS) {
      const { link } = await accountLinks.invite(seeded.ids.get(name)!, systemActor('demo data'), { send: false });
      links.push({ role, name, link });
    }
  }
  return { people: seeded.people, credentials: seeded.credentials, links };
}
