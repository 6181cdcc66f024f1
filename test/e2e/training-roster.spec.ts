import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { addDays } from '../../src/common/dates';
import { EnrollmentsService } from '../../src/modules/training/enrollments.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** Importing a roster CSV: the whole file or nothing, every bad row reported by its line. */
describeEachEngine('Training: roster import', (engine) => {
  let t: TestApp;
  let trainer: string;
  let courseId: string;

  const cohort = async (capacity: number) =>
    (
      await t
        .withBearer(trainer)
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name: 'Roster cohort',
          location: 'Hall',
          setting: 'jail',
          startsOn: t.config.today(),
          endsOn: addDays(t.config.today(), 5),
          capacity,
          trainerIds: [me],
        })
        .expect(201)
    ).body.id as string;
  let me: string;
  const upload = (cohortId: string, csv: string) =>
    t.withBearer(trainer).post(`/api/v1/cohorts/${cohortId}/roster`).attach('file', Buffer.from(csv), 'roster.csv');
  const counts = async () => {
    const [[people], [enrollments], [links]] = await Promise.all([
      t.dataSource.query('SELECT COUNT(*) AS n FROM people'),
      t.dataSource.query('SELECT COUNT(*) AS n FROM enrollments'),
      t.dataSource.query('SELECT COUNT(*) AS n FROM account_links'),
    ]);
    return { people: Number(people.n), enrollments: Number(enrollments.n), links: Number(links.n) };
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    const admin = (await t.token(['admin'])).bearer;
    const tr = await t.token(['trainer']);
    trainer = tr.bearer;
    me = tr.person.id;
    courseId = (
      await t
        .withBearer(admin)
        .post('/api/v1/courses')
        .send({
          code: 'ROSTER-1',
          title: 'Jail services orientation',
          requiredHours: 4,
          modules: [{ title: 'Orientation', hours: 4, required: true }],
        })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => t?.close());

  it('rejects a file with every kind of bad row, reports each by line, and imports nothing', async () => {
    const inactive = await t.person(['peer'], { email: `gone.${randomUUID().slice(0, 6)}@example.org` });
    await t.dataSource.query(`UPDATE people SET status = 'inactive' WHERE id = '${inactive.id}'`);
    const enrolled = await t.person(['peer']);
    const cohortId = await cohort(5);
    await t
      .withBearer(trainer)
      .post(`/api/v1/cohorts/${cohortId}/enrollments`)
      .send({ personId: enrolled.id })
      .expect(201);
    const before = await counts();

    const csv = [
      'Name,E-mail,Phone',
      'Ada Goodrider,ada.goodrider@example.org,406-555-0101', // 2: fine
      'Ben Two Feathers,not-an-email,', // 3: bad e-mail
      ',nameless@example.org,', // 4: no name
      'Ada Again,ADA.GOODRIDER@example.org,', // 5: duplicate of line 2 (case ignored)
      `Already Here,${enrolled.email},`, // 6: already on the cohort
      `Gone Person,${inactive.email},`, // 7: inactive
      'Cal Phone,cal@example.org,call me maybe', // 8: bad phone
      '', // 9: blank line, skipped
      'Dee Ok,dee@example.org,', // 10: fine
      'Eve Ok,eve@example.org,', // 11: fine
      'Fay Ok,fay@example.org,', // 12: fine
      'Gus Over,gus@example.org,', // 13: fine but the cohort (5 places, 1 taken) is full by now
      'Hal,', // 14: short row: no e-mail
    ].join('\n');
    const res = await upload(cohortId, csv).expect(400);
    expect(res.body.message).toBe('8 row(s) have problems; nothing was imported.');
    expect(res.body.errors).toEqual([
      { field: 'line 3', message: '"not-an-email" is not an e-mail address' },
      { field: 'line 4', message: 'name is missing' },
      { field: 'line 5', message: 'duplicate: the same e-mail is on line 2' },
      { field: 'line 6', message: `${enrolled.name} is already on this cohort` },
      { field: 'line 7', message: `${inactive.name} is inactive` },
      { field: 'line 8', message: '"call me maybe" is not a phone number' },
      { field: 'line 13', message: 'over capacity: the cohort has room for 5' },
      { field: 'line 14', message: 'e-mail is missing' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('says what is wrong with a file that is not a roster at all', async () => {
    const cohortId = await cohort(5);
    expect((await upload(cohortId, 'first,last\nAda,Goodrider\n').expect(400)).body.message).toBe(
      'The first line must name the columns: name, email and (optionally) phone.',
    );
    expect((await upload(cohortId, 'name,email\n').expect(400)).body.message).toBe(
      'The file has a header but no people.',
    );
    expect((await upload(cohortId, 'name,email\n"Ada,ada@example.org\n').expect(400)).body.message).toMatch(
      /^The file is not readable CSV/,
    );
    expect((await t.withBearer(trainer).post(`/api/v1/cohorts/${cohortId}/roster`).expect(400)).body.errors).toEqual([
      { field: 'file', message: 'is required' },
    ]);
  });

  it('imports a good 2,000-row file in one go: creates and invites new people as peers, enrolls everyone, audits it', async () => {
    const known = await t.person(['peer', 'trainer']);
    const cohortId = await cohort(2500);
    const before = await counts();
    const tag = randomUUID().slice(0, 6);
    const rows = Array.from(
      { length: 1999 },
      (_, i) => `Person ${i} Ñuñez-Wolf Robe,p${i}.${tag}@example.org,406-555-${String(i).padStart(4, '0')}`,
    );
    const csv = ['name,email,phone', `${known.name},${known.email.toUpperCase()},`, ...rows].join('\r\n');

    const res = await upload(cohortId, csv).expect(201);
    expect(res.body).toEqual({ ok: true, fileError: null, errors: [], enrolled: 2000, created: 1999, invited: 1999 });
    expect(await counts()).toEqual({
      people: before.people + 1999,
      enrollments: before.enrollments + 2000,
      links: before.links + 1999,
    });
    const [peers] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM person_roles r JOIN people p ON p.id = r.person_id WHERE r.role = 'peer' AND p.email LIKE '%.${tag}@example.org'`,
    );
    expect(Number(peers.n)).toBe(1999);
    const [known2] = await t.dataSource.query(`SELECT name FROM people WHERE id = '${known.id}'`);
    expect(known2.name).toBe(known.name);
    const newPeople = `SELECT CAST(id AS TEXT) FROM people WHERE email LIKE '%.${tag}@example.org'`;
    const audit: Array<{ action: string; n: string | number }> = await t.dataSource.query(
      `SELECT action, COUNT(*) AS n FROM audit_log
        WHERE (action = 'enrollment.created' AND entity_id = '${cohortId}') OR (action IN ('person.created', 'invitation.created') AND entity_id IN (${newPeople}))
        GROUP BY action ORDER BY action`,
    );
    expect(audit.map((a) => [a.action, Number(a.n)])).toEqual([
      ['enrollment.created', 2000],
      ['invitation.created', 1999],
      ['person.created', 1999],
    ]);
    // The invitation e-mails go out behind the answer; each new person gets one.
    await t.app.get(EnrollmentsService).onApplicationShutdown();
    const mails = readdirSync((t.config.mail as { dir: string }).dir).length;
    expect(mails).toBeGreaterThanOrEqual(1999);
  }, 60_000);
});
