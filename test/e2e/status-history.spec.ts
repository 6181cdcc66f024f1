import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { addDays } from '../../src/common/dates';
import { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { PersonStatusPeriods1796860000000 } from '../../src/database/migrations/1796860000000-person-status-periods';
import type { Person } from '../../src/modules/people/person.entity';
import { programFactory } from '../factories/program';
import { createTestApp, type TestApp } from '../helpers/app';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines';

type Body = Record<string, unknown>;

/**
 * Issue 21 §4: status has history. Two peers cleared as Narcan class instructors (NARCAN-MT, issued two years
 * before "last June" and current until a year from now) and a third never active in the window. Dates are
 * worked out from the app's today, since a deactivation is dated today.
 */
describeEachEngine('Status history: a past date is judged by the status then', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  let ava: Person;
  let ben: Person;
  let today: string;
  let lastJune: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = t.config.today();
    const year = Number(today.slice(0, 4));
    lastJune = `${today.slice(5) > '06-30' ? year : year - 1}-06-30`;
    const f = programFactory(t.dataSource);
    ava = await f.person('Ava Peer', ['peer']);
    ben = await f.person('Ben Peer', ['peer']);
    for (const p of [ava, ben]) await f.credential(p, 'NARCAN-MT', addDays(lastJune, -730), addDays(today, 365));
    // Ava's record was made long ago, before status had history; Ben's today.
    await t.dataSource.query(
      `UPDATE people SET created_at = '2024-01-01 12:00:00' WHERE id = ${engine === 'postgres' ? '$1' : '?'}`,
      [ava.id],
    );
    admin = t.withBearer((await t.token(['admin'])).bearer);
  });
  afterAll(async () => t?.close());

  const narcan = (d: Body) =>
    (d.clearedToday as Array<{ code: string; cleared: number }>).find((r) => r.code === 'NARCAN-INSTRUCTOR')!.cleared;
  const dashboard = async (date: string) =>
    (await admin.get(`/api/v1/reports/dashboard?date=${date}`).expect(200)).body as Body;
  const clearanceReport = async (date: string) =>
    ((await admin.get(`/api/v1/reports/clearance?date=${date}&role=NARCAN-INSTRUCTOR`).expect(200)).body as Body)
      .rows as Array<Record<string, string | null>>;
  const personOn = async (person: Person, date: string) =>
    (
      (await admin.get(`/api/v1/people/${person.id}/clearance?date=${date}&role=NARCAN-INSTRUCTOR`).expect(200))
        .body as { results: Array<{ status: string; clearedUntil: string | null }> }
    ).results[0];

  it('keeps a report of last June, the dashboard history and a past board when someone is deactivated today', async () => {
    const juneDashboard = await dashboard(lastJune);
    const juneReport = await clearanceReport(lastJune);
    const todayBefore = await dashboard(today);
    expect(narcan(juneDashboard)).toBe(2);
    expect(juneDashboard.peers).toBe(2);
    expect(juneReport.map((r) => [r.person, r.status])).toEqual([
      ['Ava Peer', 'cleared'],
      ['Ben Peer', 'cleared'],
    ]);

    const res = await admin
      .patch(`/api/v1/people/${ava.id}`)
      .send({ status: 'inactive', statusReason: 'left' })
      .expect(200);
    expect(res.body.status).toBe('inactive');

    // Last June, as it was: both counted, both listed, the dashboard's every figure the same.
    expect(await dashboard(lastJune)).toEqual(juneDashboard);
    const after = await clearanceReport(lastJune);
    expect(after.map((r) => [r.person, r.status])).toEqual([
      ['Ava Peer', 'cleared'],
      ['Ben Peer', 'cleared'],
    ]);
    // Ava was cleared then, but only until her last active day (yesterday).
    expect(after[0].cleared_until).toBe(addDays(today, -1));
    expect(await personOn(ava, lastJune)).toMatchObject({ status: 'cleared', clearedUntil: addDays(today, -1) });
    const board = (await admin.get(`/api/v1/clearance/board?date=${lastJune}&roles=all`).expect(200)).body as Body;
    expect((board.rows as Array<{ person: { name: string } }>).map((r) => r.person.name)).toEqual([
      'Ava Peer',
      'Ben Peer',
    ]);

    // Today: Ava is neither counted nor on the board, and not cleared.
    const todayAfter = await dashboard(today);
    expect(todayAfter.peers).toBe((todayBefore.peers as number) - 1);
    expect(narcan(todayAfter)).toBe(narcan(todayBefore) - 1);
    const charts = todayAfter.charts as Record<string, { series: Array<{ key: string; values: number[] }> }>;
    const before = todayBefore.charts as typeof charts;
    const line = (c: typeof charts) => c.cleared.series.find((s) => s.key === 'NARCAN-INSTRUCTOR')!.values;
    // Every month end before today keeps its count; Ava leaves the figures only from today.
    expect(line(charts).slice(0, -1)).toEqual(line(before).slice(0, -1));
    const boardToday = (await admin.get(`/api/v1/clearance/board?date=${today}&roles=all`).expect(200)).body as Body;
    expect((boardToday.rows as Array<{ person: { name: string } }>).map((r) => r.person.name)).toEqual(['Ben Peer']);
    expect((await personOn(ava, today)).status).toBe('not_cleared');
  });

  it('keeps the periods: the one since the record was made ends yesterday, a change on the same day replaces that day', async () => {
    const rows = () =>
      t.dataSource.query(
        `SELECT status, CAST(from_date AS TEXT) AS from_date, CAST(to_date AS TEXT) AS to_date, reason
           FROM person_status_periods WHERE person_id = ${engine === 'postgres' ? '$1' : '?'} ORDER BY from_date`,
        [ava.id],
      ) as Promise<Array<Record<string, string | null>>>;
    expect(await rows()).toEqual([
      { status: 'active', from_date: '2024-01-01', to_date: addDays(today, -1), reason: 'joined' },
      { status: 'inactive', from_date: today, to_date: null, reason: 'left' },
    ]);
    await admin.patch(`/api/v1/people/${ava.id}`).send({ status: 'active', statusReason: 'joined' }).expect(200);
    expect(await rows()).toEqual([
      { status: 'active', from_date: '2024-01-01', to_date: addDays(today, -1), reason: 'joined' },
      { status: 'active', from_date: today, to_date: null, reason: 'joined' },
    ]);
    expect((await personOn(ava, lastJune)).clearedUntil).toBe(addDays(today, 365));
    const audit = (await t.dataSource.query(
      `SELECT "after" FROM audit_log WHERE entity_id = ${engine === 'postgres' ? '$1' : '?'} AND action = 'person.updated' ORDER BY id`,
      [ava.id],
    )) as Array<{ after: string | Record<string, unknown> }>;
    const afters = audit.map((a) => (typeof a.after === 'string' ? JSON.parse(a.after) : a.after));
    expect(afters.map((a) => [a.status, a.statusReason])).toEqual([
      ['inactive', 'left'],
      ['active', 'joined'],
    ]);
  });

  it('refuses a reason that is not one of the work reasons', async () => {
    const res = await admin.patch(`/api/v1/people/${ben.id}`).send({ status: 'inactive', statusReason: 'ill' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'statusReason', message: 'must be joined, left, leave or other' }]);
  });

  it('changes status through the edit form with a reason, and shows the history on the person page', async () => {
    const web = t.as(await t.browser(['admin']));
    const form = await web.get(`/people/${ben.id}/edit`).expect(200);
    expect(form.text).toContain('name="statusReason"');
    const bad = await web
      .post(`/people/${ben.id}`)
      .type('form')
      .send(`name=Ben+Peer&email=${encodeURIComponent(ben.email)}&roles=peer&status=inactive&statusReason=sick`)
      .expect(400);
    expect(bad.text).toContain('must be joined, left, leave or other');
    await web
      .post(`/people/${ben.id}`)
      .type('form')
      .send(`name=Ben+Peer&email=${encodeURIComponent(ben.email)}&roles=peer&status=inactive&statusReason=leave`)
      .expect(303);
    const page = await web.get(`/people/${ben.id}`).expect(200);
    const history = page.text.slice(page.text.indexOf('id="status-history"'));
    expect(history).toContain('Status history');
    const cells = [...history.slice(0, history.indexOf('</table>')).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) =>
      m[1].replace(/<[^>]+>/g, '').trim(),
    );
    // Newest first: on leave from today, active before (through yesterday).
    expect(cells).toEqual([
      'inactive',
      expect.any(String),
      'now',
      'On leave',
      'active',
      expect.any(String),
      expect.any(String),
      // Made today with no history: when Ben joined is not known.
      'Other',
    ]);
    // An empty reason is "not given": the change still saves.
    await web
      .post(`/people/${ben.id}`)
      .type('form')
      .send(`name=Ben+Peer&email=${encodeURIComponent(ben.email)}&roles=peer&status=active&statusReason=`)
      .expect(303);
  });

  it('starts a period for each person a spreadsheet adds', async () => {
    const upload = async (csv: string) => {
      const res = await admin
        .post('/api/v1/imports')
        .field('kind', 'people')
        .attach('file', Buffer.from(csv), 'staff.csv')
        .expect(201);
      await admin.post(`/api/v1/imports/${res.body.id}/commit`).send({}).expect(202);
      for (let i = 0; i < 300; i++) {
        const got = (await admin.get(`/api/v1/imports/${res.body.id}`).expect(200)).body;
        if (got.state !== 'committing') return got;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the commit did not finish');
    };
    const email = `cy.${randomUUID().slice(0, 8)}@example.org`;
    expect((await upload(`Name,Email,Roles,Status\nCy Peer,${email},peer,active\n`)).state).toBe('committed');
    const [{ id }] = (await t.dataSource.query(
      `SELECT id FROM people WHERE email = ${engine === 'postgres' ? '$1' : '?'}`,
      [email],
    )) as Array<{ id: string }>;
    const periods = () =>
      t.dataSource.query(
        `SELECT status, CAST(from_date AS TEXT) AS from_date, reason FROM person_status_periods
          WHERE person_id = ${engine === 'postgres' ? '$1' : '?'} ORDER BY from_date`,
        [id],
      ) as Promise<Array<Record<string, string>>>;
    expect(await periods()).toEqual([{ status: 'active', from_date: today, reason: 'joined' }]);
    // An import never changes a status (it reports the difference for a person to decide), so the period stays.
    const refused = await admin
      .post('/api/v1/imports')
      .field('kind', 'people')
      .attach('file', Buffer.from(`Name,Email,Roles,Status\nCy Peer,${email},peer,inactive\n`), 'staff.csv')
      .expect(201);
    expect(refused.body.counts.rejected).toBe(1);
    expect(await periods()).toEqual([{ status: 'active', from_date: today, reason: 'joined' }]);
  });
});

describeEachEngine('The status periods migration', (engine) => {
  let testDb: TestDatabase;
  let db: DataSource;
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', ...testDb.env });
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(PersonStatusPeriods1796860000000));
    db = await new DataSource({ ...dataSourceOptions(config), migrations: before }).initialize();
    await db.runMigrations();
  });
  afterAll(async () => {
    await db?.destroy();
    await testDb?.cleanup();
  });

  it("reads each person's periods back from the audit log, from the day their record was made", async () => {
    const p = (n: number) => (engine === 'postgres' ? `$${n}` : '?');
    const [plain, left, back, mismatch] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const person = (id: string, status: string, at: string) =>
      db.query(
        `INSERT INTO people (id, name, email, email_key, status, created_at) VALUES (${p(1)}, 'Someone', ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
        [id, `${id}@example.org`, `${id}@example.org`, status, at],
      );
    let seq = 0;
    const audit = (id: string, action: string, at: string, before: object | null, after: object) =>
      db.query(
        `INSERT INTO audit_log (id, at, actor_label, action, entity_type, entity_id, "before", "after", prev_hash, hash)
         VALUES (${p(1)}, ${p(2)}, 'test', ${p(3)}, 'person', ${p(4)}, ${p(5)}, ${p(6)}, 'x', 'x')`,
        [++seq, at, action, id, before ? JSON.stringify(before) : null, JSON.stringify(after)],
      );
    // No audit entries (written around the app): today's status from the day the record was made.
    await person(plain, 'active', '2024-03-05 10:00:00');
    // Made active, renamed, then deactivated on 2025-11-30.
    await person(left, 'inactive', '2025-01-10 09:00:00');
    await audit(left, 'person.created', '2025-01-10 09:00:00', null, { status: 'active' });
    await audit(left, 'person.updated', '2025-03-01 09:00:00', { status: 'active' }, { status: 'active', name: 'B' });
    await audit(left, 'person.updated', '2025-11-30 23:30:00', { status: 'active' }, { status: 'inactive' });
    // Deactivated, reactivated later; a deactivation undone on the same day leaves no trace in the periods.
    await person(back, 'active', '2024-06-01 09:00:00');
    await audit(back, 'person.created', '2024-06-01 09:00:00', null, { status: 'active' });
    await audit(back, 'person.updated', '2024-09-01 09:00:00', { status: 'active' }, { status: 'inactive' });
    await audit(back, 'person.updated', '2025-02-01 09:00:00', { status: 'inactive' }, { status: 'active' });
    await audit(back, 'person.updated', '2025-05-01 09:00:00', { status: 'active' }, { status: 'inactive' });
    await audit(back, 'person.updated', '2025-05-01 10:00:00', { status: 'inactive' }, { status: 'active' });
    // The log ends at another status than the row has: only today's status is trusted.
    await person(mismatch, 'inactive', '2024-01-01 09:00:00');
    await audit(mismatch, 'person.created', '2024-01-01 09:00:00', null, { status: 'active' });

    const runner = db.createQueryRunner();
    try {
      await new PersonStatusPeriods1796860000000().up(runner);
    } finally {
      await runner.release();
    }
    const rows = (await db.query(
      `SELECT person_id, status, CAST(from_date AS TEXT) AS from_date, CAST(to_date AS TEXT) AS to_date, reason, recorded_by_id
         FROM person_status_periods ORDER BY from_date`,
    )) as Array<Record<string, string | null>>;
    const of = (id: string) =>
      rows.filter((r) => r.person_id === id).map((r) => [r.status, r.from_date, r.to_date, r.reason]);
    expect(of(plain)).toEqual([['active', '2024-03-05', null, 'joined']]);
    expect(of(left)).toEqual([
      ['active', '2025-01-10', '2025-11-29', 'joined'],
      ['inactive', '2025-11-30', null, 'other'],
    ]);
    expect(of(back)).toEqual([
      ['active', '2024-06-01', '2024-08-31', 'joined'],
      ['inactive', '2024-09-01', '2025-01-31', 'other'],
      ['active', '2025-02-01', null, 'joined'],
    ]);
    expect(of(mismatch)).toEqual([['inactive', '2024-01-01', null, 'other']]);
    expect(rows.every((r) => r.recorded_by_id === null)).toBe(true);
    // One period a day per person, held by the database.
    await expect(
      db.query(
        `INSERT INTO person_status_periods (id, person_id, status, from_date, reason) VALUES (${p(1)}, ${p(2)}, 'inactive', '2024-03-05', 'left')`,
        [randomUUID(), plain],
      ),
    ).rejects.toThrow(/unique/i);
  });
});
