import { randomUUID } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import { addDays, instantInZone, type IsoDate } from '../../common/dates';
import { CredentialType } from '../../modules/catalog/credential-type.entity';
import { expiryFor } from '../../modules/catalog/credential-validity';
import { Credential } from '../../modules/credentials/credential.entity';
import type { Person } from '../../modules/people/person.entity';
import { Attendance, type AttendanceStatus } from '../../modules/training/attendance.entity';
import { Cohort, type CohortSetting, type CohortStatus } from '../../modules/training/cohort.entity';
import { evaluateCompletion, type CompletionResult, type SessionFact } from '../../modules/training/completion-rules';
import type { CourseModule } from '../../modules/training/course-module.entity';
import { Course } from '../../modules/training/course.entity';
import { Enrollment, type EnrollmentStatus } from '../../modules/training/enrollment.entity';
import { ExamAttempt } from '../../modules/training/exam-attempt.entity';
import { TrainingSession } from '../../modules/training/training-session.entity';
import { PEER_SUPPORT_COURSE_CODE } from './course-data';

/**
 * The demo program's training, dated relative to the demo's today like the rest of it:
 * - "Billings" (clinic): a 40-hour course cohort that ended about two months ago; its five graduates
 *   attended everything, passed the exam (one at the second attempt) and were awarded PS-40 by it
 *   (their entries in demo.seed.ts hold no PS-40 of their own for that reason).
 * - "Great Falls" (community): running, a week in, full at 12 with one person on the wait list, one
 *   withdrawn (her place went to the first on the wait list), attendance taken for the three past
 *   days with two absences and a partial day, and one failed exam attempt.
 * - "Yellowstone County Detention Facility" (jail): planned, two of its days scheduled, three enrolled.
 * - A Perinatal Training Hub "Eat, Sleep, Console" class completed three weeks ago by six doulas and
 *   peers, whose hours count as continuing education.
 * Rows are written directly, as the services would leave them (one audit entry covers the whole demo).
 */

export interface DemoTrainingContext {
  tx: EntityManager;
  today: IsoDate;
  timeZone: string;
  /** A person the demo already created, by full name. */
  person: (name: string) => Person;
  /** Creates a new demo peer (same style as the others), with lived experience verified when asked. */
  addPeer: (name: string, livedExperience: boolean) => Promise<Person>;
}

export interface DemoTrainingReport {
  people: number;
  credentials: number;
  cohorts: number;
  enrollments: number;
}

/** Completed the Billings cohort; PS-40 is awarded to them by it. Exam scores in order of attempts. */
const BILLINGS_GRADUATES: Array<{ name: string; scores: number[] }> = [
  { name: 'Crystal Bird Rattler', scores: [92] },
  { name: 'Eli Hawkins', scores: [76, 88] },
  { name: 'Kateri Wolf Child', scores: [84] },
  { name: 'Luis Ortega', scores: [96] },
  { name: 'Hannah Schrøder', scores: [88] },
];

/** New peers in the running Great Falls cohort (Owen Sundquist, already in the demo, joins them). */
const GREAT_FALLS_TRAINEES: Array<{ name: string; livedExperience: boolean }> = [
  { name: 'Travis Big Spring', livedExperience: true },
  { name: 'Monica Heavy Runner', livedExperience: true },
  { name: 'Kelsey Aakre', livedExperience: true },
  { name: 'Raymond Calf Looking', livedExperience: true },
  { name: 'Lorena Castillo', livedExperience: true },
  { name: 'Dustin Hjelmstad', livedExperience: true },
  { name: 'Brianna Running Rabbit', livedExperience: true },
  { name: 'Colt Zimmerman', livedExperience: false },
  { name: 'Sierra Little Dog', livedExperience: true },
  { name: 'Garrett Pfister', livedExperience: true },
];
/** Enrolled at first, withdrew after the first day. */
const GREAT_FALLS_WITHDRAWN = 'Amber Kipp';
/** First on the wait list, given Amber's place. */
const GREAT_FALLS_PROMOTED = 'Joaquín Reyes';
/** Still waiting. */
const GREAT_FALLS_WAITING = 'Leah Sure Chief';

const JAIL_ENROLLED = ['Dale Stiffarm', 'Marlene Spotted Wolf', 'Cody Lampi'];

const ESC_PARTICIPANTS = [
  'Renée Two Feathers',
  'Tanya Old Elk',
  'Aaliyah Grant',
  'Nizhoni Begay',
  'Rosalind Spotted Bear',
  'Angela Yellowrobe',
];

const BILLINGS_CLINIC = 'Yellowstone Valley Clinic, Billings (conference room B)';
/** A 40-hour day runs 09:00–17:00. */
const DAY_HOURS = 8;

/** "fall 2026", "winter 2026/27": how the program names a cohort by the season it starts in. */
export function seasonOf(date: IsoDate): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const winter = (from: number) => `winter ${from}/${String((from + 1) % 100).padStart(2, '0')}`;
  if (month === 12) return winter(year);
  if (month <= 2) return winter(year - 1);
  if (month <= 5) return `spring ${year}`;
  if (month <= 8) return `summer ${year}`;
  return `fall ${year}`;
}

/** Groups a course's modules, in order, into days of at most `dayHours` (the last day may be shorter). */
function planDays(modules: CourseModule[], dayHours: number): CourseModule[][] {
  const days: CourseModule[][] = [];
  let hours = Infinity;
  for (const m of modules) {
    if (hours + m.hours > dayHours) {
      days.push([]);
      hours = 0;
    }
    days[days.length - 1].push(m);
    hours += m.hours;
  }
  return days;
}

/** Session dates from day offsets after the start; days beyond the offsets follow daily. */
function scheduleDates(startsOn: IsoDate, offsets: number[], count: number): IsoDate[] {
  return Array.from({ length: count }, (_, i) =>
    addDays(startsOn, i < offsets.length ? offsets[i] : offsets[offsets.length - 1] + i - offsets.length + 1),
  );
}

const sumHours = (modules: CourseModule[]) => modules.reduce((n, m) => n + Math.round(m.hours * 100), 0) / 100;

/** "HH:MM" plus whole or quarter hours. */
function timeAfter(start: string, hours: number): string {
  const minutes = Number(start.slice(0, 2)) * 60 + Number(start.slice(3, 5)) + Math.round(hours * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export async function seedDemoTraining(ctx: DemoTrainingContext): Promise<DemoTrainingReport> {
  const { tx, today, timeZone } = ctx;
  const report: DemoTrainingReport = { people: 0, credentials: 0, cohorts: 0, enrollments: 0 };
  const at = (date: IsoDate, time: string) => instantInZone(date, time, timeZone);
  const corey = ctx.person('Corey Whitehorse');
  const majo = ctx.person('María José Núñez');
  const admin = ctx.person('Jolene Ashby');
  const newPeer = async (name: string, livedExperience = true) => {
    report.people++;
    return ctx.addPeer(name, livedExperience);
  };

  const cohort = async (fields: {
    course: Course;
    name: string;
    location: string;
    setting: CohortSetting;
    startsOn: IsoDate;
    endsOn: IsoDate;
    capacity: number;
    status: CohortStatus;
    completedOn?: IsoDate;
    trainer: Person;
  }): Promise<Cohort> => {
    const { course, trainer, ...columns } = fields;
    const row = tx.getRepository(Cohort).create({
      id: randomUUID(),
      courseId: course.id,
      completedOn: null,
      ...columns,
      createdAt: at(addDays(fields.startsOn, -45), '10:00'),
    });
    await tx.getRepository(Cohort).insert(row);
    await tx
      .createQueryBuilder()
      .insert()
      .into('cohort_trainers')
      .values({ cohort_id: row.id, trainer_id: trainer.id })
      .execute();
    row.course = course;
    row.trainers = [trainer];
    report.cohorts++;
    return row;
  };

  const session = async (
    c: Cohort,
    heldOn: IsoDate,
    startsAt: string,
    modules: CourseModule[],
  ): Promise<TrainingSession> => {
    const hours = sumHours(modules);
    const row = tx.getRepository(TrainingSession).create({
      id: randomUUID(),
      cohortId: c.id,
      heldOn,
      startsAt,
      endsAt: timeAfter(startsAt, hours),
      hours,
      cancelledAt: null,
    });
    await tx.getRepository(TrainingSession).insert(row);
    await tx
      .createQueryBuilder()
      .insert()
      .into('training_session_modules')
      .values(modules.map((m) => ({ session_id: row.id, module_id: m.id })))
      .execute();
    row.modules = modules;
    return row;
  };

  const enroll = async (
    c: Cohort,
    person: Person,
    status: EnrollmentStatus,
    requestedOn: IsoDate,
    more: { enrolledOn?: IsoDate; withdrawnOn?: IsoDate; completedOn?: IsoDate } = {},
  ): Promise<Enrollment> => {
    const row = tx.getRepository(Enrollment).create({
      id: randomUUID(),
      cohortId: c.id,
      personId: person.id,
      status,
      requestedAt: at(requestedOn, '11:00'),
      enrolledAt: status === 'waitlisted' ? null : at(more.enrolledOn ?? requestedOn, '11:00'),
      withdrawnAt: more.withdrawnOn ? at(more.withdrawnOn, '08:30') : null,
      completedOn: more.completedOn ?? null,
      createdById: c.trainers[0]?.id ?? admin.id,
    });
    await tx.getRepository(Enrollment).insert(row);
    report.enrollments++;
    return row;
  };

  /** Marks everyone present at a session except the exceptions given (absent, or partial with hours). */
  const attendance = async (
    s: TrainingSession,
    people: Person[],
    recordedBy: Person,
    exceptions: Map<string, { status: AttendanceStatus; hours?: number }> = new Map(),
  ) => {
    const rows = people.map((p) => {
      const exception = exceptions.get(p.id);
      const status = exception?.status ?? 'present';
      const hours = status === 'present' ? s.hours : status === 'partial' ? (exception?.hours ?? 0) : 0;
      return {
        sessionId: s.id,
        personId: p.id,
        status,
        hours,
        recordedById: recordedBy.id,
        recordedAt: at(s.heldOn, s.endsAt),
      };
    });
    if (rows.length) await tx.getRepository(Attendance).insert(rows);
  };

  const exam = async (
    c: Cohort,
    person: Person,
    attempt: number,
    score: number,
    takenOn: IsoDate,
    recordedBy: Person,
  ) => {
    const passMark = c.course.examPassMark ?? 0;
    await tx.getRepository(ExamAttempt).insert({
      id: randomUUID(),
      cohortId: c.id,
      personId: person.id,
      attempt,
      score,
      passed: score >= passMark,
      takenOn,
      recordedById: recordedBy.id,
      createdAt: at(takenOn, '17:30'),
    });
  };

  const course = async (code: string): Promise<Course | null> => {
    const found = await tx
      .getRepository(Course)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.modules', 'm')
      .where('upper(c.code) = :code', { code: code.toUpperCase() })
      .orderBy('m.position', 'ASC')
      .getOne();
    return found && found.modules.length ? found : null;
  };

  // ---- The 40-hour course ------------------------------------------------------------------------
  const ps40 = await course(PEER_SUPPORT_COURSE_CODE);
  if (ps40) {
    const days = planDays(ps40.modules, DAY_HOURS);
    const ps40Type = ps40.awardsCredentialTypeId
      ? await tx.getRepository(CredentialType).findOneBy({ id: ps40.awardsCredentialTypeId })
      : null;

    // Billings: five days over two weeks, ended about two months ago; completed two days later, after Eli's retake.
    {
      const startsOn = addDays(today, -77);
      const dates = scheduleDates(startsOn, [0, 2, 7, 9, 14], days.length);
      const endsOn = dates[dates.length - 1];
      const completedOn = addDays(endsOn, 2);
      const c = await cohort({
        course: ps40,
        name: `Billings ${seasonOf(startsOn)}`,
        location: BILLINGS_CLINIC,
        setting: 'clinic',
        startsOn,
        endsOn,
        capacity: 12,
        status: 'completed',
        completedOn,
        trainer: majo,
      });
      const graduates = BILLINGS_GRADUATES.map((g) => ({ ...g, person: ctx.person(g.name) }));
      const enrollments = new Map<string, Enrollment>();
      for (const [i, g] of graduates.entries())
        enrollments.set(
          g.person.id,
          await enroll(c, g.person, 'enrolled', addDays(startsOn, -40 + i * 3), { completedOn }),
        );
      const sessions: TrainingSession[] = [];
      for (const [i, modules] of days.entries()) sessions.push(await session(c, dates[i], '09:00', modules));
      for (const s of sessions)
        await attendance(
          s,
          graduates.map((g) => g.person),
          majo,
        );
      const sessionFacts = new Map<string, SessionFact>(
        sessions.map((s) => [
          s.id,
          { id: s.id, cohortId: c.id, hours: s.hours, moduleIds: s.modules.map((m) => m.id), cancelled: false },
        ]),
      );
      for (const g of graduates) {
        const takenOn = (attempt: number) => (attempt === 1 ? endsOn : completedOn);
        for (const [i, score] of g.scores.entries()) await exam(c, g.person, i + 1, score, takenOn(i + 1), majo);
        // The same rules the trainer's completion page applies: the demo must say what it shows.
        const result: CompletionResult = evaluateCompletion(
          {
            requiredHours: ps40.requiredHours,
            modules: ps40.modules.map((m) => ({ id: m.id, title: m.title, required: m.required })),
            exam:
              ps40.examPassMark != null && ps40.examMaxAttempts != null
                ? { passMark: ps40.examPassMark, maxAttempts: ps40.examMaxAttempts }
                : null,
          },
          c.id,
          sessionFacts,
          sessions.map((s) => ({ sessionId: s.id, status: 'present' as const, hours: s.hours })),
          g.scores.map((score, i) => ({ attempt: i + 1, score, passed: score >= (ps40.examPassMark ?? 0) })),
        );
        if (!result.met)
          throw new Error(`Demo data: ${g.name} should have completed the Billings cohort (${result.summary})`);
        if (ps40Type)
          report.credentials += await award(
            tx,
            ps40Type,
            c,
            g.person,
            completedOn,
            `Completed ${ps40.code} (${c.name}): ${result.summary}`,
          );
      }
    }

    // Great Falls: a week in, two more weeks to go; full, with a wait list.
    {
      const startsOn = addDays(today, -7);
      const dates = scheduleDates(startsOn, [0, 2, 5, 14, 21], days.length);
      const endsOn = dates[dates.length - 1];
      const c = await cohort({
        course: ps40,
        name: `Great Falls ${seasonOf(startsOn)}`,
        location: 'Missouri River Recovery Center, Great Falls (community room)',
        setting: 'community',
        startsOn,
        endsOn,
        capacity: 12,
        status: 'running',
        trainer: corey,
      });
      const trainees: Person[] = [ctx.person('Owen Sundquist')];
      for (const t of GREAT_FALLS_TRAINEES) trainees.push(await newPeer(t.name, t.livedExperience));
      const withdrawn = await newPeer(GREAT_FALLS_WITHDRAWN);
      const promoted = await newPeer(GREAT_FALLS_PROMOTED);
      const waiting = await newPeer(GREAT_FALLS_WAITING, false);
      // The twelve places filled a month ahead and a wait list formed; Amber withdrew after the first day.
      const withdrewOn = addDays(startsOn, 1);
      for (const [i, p] of trainees.entries())
        await enroll(c, p, 'enrolled', addDays(startsOn, -35 + i * 2 + (i >= 6 ? 2 : 0)));
      await enroll(c, withdrawn, 'withdrawn', addDays(startsOn, -23), { withdrawnOn: withdrewOn });
      await enroll(c, promoted, 'enrolled', addDays(startsOn, -10), { enrolledOn: withdrewOn });
      await enroll(c, waiting, 'waitlisted', addDays(startsOn, -4));

      const sessions: TrainingSession[] = [];
      for (const [i, modules] of days.entries()) sessions.push(await session(c, dates[i], '09:00', modules));
      const past = sessions.filter((s) => s.heldOn < today);
      const byName = (name: string) => trainees.find((p) => p.name === name)!;
      for (const [i, s] of past.entries()) {
        const exceptions = new Map<string, { status: AttendanceStatus; hours?: number }>();
        if (i === 0) exceptions.set(byName('Colt Zimmerman').id, { status: 'absent' });
        // Sierra misses the Ethics and Boundaries day: a required module she must make up.
        if (i === 1) exceptions.set(byName('Sierra Little Dog').id, { status: 'absent' });
        if (i === 2)
          exceptions.set(byName('Dustin Hjelmstad').id, { status: 'partial', hours: Math.min(5, s.hours - 1) });
        // Amber sat the first day before withdrawing; Joaquín joined from the second.
        const present = i === 0 ? [...trainees, withdrawn] : [...trainees, promoted];
        await attendance(s, present, corey, exceptions);
      }
      // Travis will miss the last day, so he sat the exam early; he has two attempts left.
      if (ps40.examPassMark != null && past.length)
        await exam(c, byName('Travis Big Spring'), 1, 68, past[past.length - 1].heldOn, corey);
    }

    // Yellowstone County Detention Facility: planned for next month, the first two days scheduled.
    {
      const startsOn = addDays(today, 35);
      const c = await cohort({
        course: ps40,
        name: `Yellowstone County Detention Facility, ${seasonOf(startsOn)}`,
        location: 'Yellowstone County Detention Facility, Billings (program room)',
        setting: 'jail',
        startsOn,
        endsOn: addDays(startsOn, 16),
        capacity: 8,
        status: 'planned',
        trainer: corey,
      });
      for (const [i, modules] of days.slice(0, 2).entries())
        await session(c, addDays(startsOn, i * 2), '09:00', modules);
      for (const [i, name] of JAIL_ENROLLED.entries())
        await enroll(c, await newPeer(name), 'enrolled', addDays(today, -12 + i));
    }
  }

  // ---- Perinatal Training Hub: Eat, Sleep, Console ------------------------------------------------
  const esc = await course('PTH-ESC');
  if (esc) {
    const heldOn = addDays(today, -21);
    const c = await cohort({
      course: esc,
      name: `Eat, Sleep, Console, ${seasonOf(heldOn)}`,
      location: BILLINGS_CLINIC,
      setting: 'clinic',
      startsOn: heldOn,
      endsOn: heldOn,
      capacity: 15,
      status: 'completed',
      completedOn: heldOn,
      trainer: majo,
    });
    const s = await session(c, heldOn, '13:00', esc.modules);
    const people = ESC_PARTICIPANTS.map((name) => ctx.person(name));
    for (const [i, p] of people.entries())
      await enroll(c, p, 'enrolled', addDays(heldOn, -20 + i), { completedOn: heldOn });
    await attendance(s, people, majo);
  }

  return report;
}

/**
 * The course's credential for one graduate, linked to the cohort. Someone who already holds an
 * unlinked one of that type (entered by hand before) has it linked instead: at most one per cohort.
 */
async function award(
  tx: EntityManager,
  type: CredentialType,
  cohort: Cohort,
  person: Person,
  issuedOn: IsoDate,
  note: string,
): Promise<number> {
  const repo = tx.getRepository(Credential);
  const existing = await repo.findOneBy({
    personId: person.id,
    credentialTypeId: type.id,
    cohortId: IsNull(),
    revokedOn: IsNull(),
  });
  if (existing) {
    await repo.update(existing.id, { cohortId: cohort.id });
    return 0;
  }
  await repo.insert({
    personId: person.id,
    credentialTypeId: type.id,
    cohortId: cohort.id,
    source: 'course',
    issuedOn,
    expiresOn: expiryFor(type, issuedOn),
    issuingBody: type.issuer,
    evidenceNote: note.slice(0, 200),
  });
  return 1;
}
