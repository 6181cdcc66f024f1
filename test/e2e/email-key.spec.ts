import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { PeopleEmailKey1796400000000 } from '../../src/database/migrations/1796400000000-people-email-key';
import { AuthService } from '../../src/modules/auth/auth.service';
import { emailKey } from '../../src/modules/people/email-key';
import { personInput } from '../factories/people';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines';

/** `jö…` with a precomposed ö (NFC) and with o + U+0308 (NFD): the same address to a person and a mailbox. */
const nfc = (local: string) => `j\u00f6${local}@example.org`;
const nfd = (local: string) => `jo\u0308${local}@example.org`;

/** Issue 14 §5: e-mail uniqueness ignored Unicode normalisation, so one mailbox made two people. */
describeEachEngine('E-mail addresses compared in NFC, case-folded', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = t.withBearer((await t.token(['admin'])).bearer);
  });
  afterAll(async () => t?.close());

  const local = () => `l.${randomUUID().slice(0, 8)}`;

  it('refuses the NFD spelling, in any capitals, of an address someone has in NFC, and the reverse', async () => {
    const a = local();
    expect(nfc(a)).not.toBe(nfd(a));
    await admin
      .post('/api/v1/people')
      .send(personInput({ email: nfc(a) }))
      .expect(201);
    for (const email of [nfd(a), nfd(a).toUpperCase(), nfc(a).toUpperCase()]) {
      const res = await admin.post('/api/v1/people').send(personInput({ email })).expect(409);
      expect(res.body.errors).toEqual([{ field: 'email', message: 'is already used by someone else' }]);
    }
    const b = local();
    await admin
      .post('/api/v1/people')
      .send(personInput({ email: nfd(b) }))
      .expect(201);
    await admin
      .post('/api/v1/people')
      .send(personInput({ email: nfc(b) }))
      .expect(409);
    const other = await admin.post('/api/v1/people').send(personInput()).expect(201);
    await admin
      .patch(`/api/v1/people/${other.body.id}`)
      .send({ email: nfd(a) })
      .expect(409);
  });

  it('stores the address in NFC whatever form it was typed in', async () => {
    const a = local();
    const res = await admin
      .post('/api/v1/people')
      .send(personInput({ email: nfd(a) }))
      .expect(201);
    expect(res.body.email).toBe(nfc(a));
    const [row] = await t.dataSource.query(
      `SELECT email, email_key FROM people WHERE id = ${engine === 'postgres' ? '$1' : '?'}`,
      [res.body.id],
    );
    expect(row).toEqual({ email: nfc(a), email_key: nfc(a).toLowerCase() });
  });

  it('holds in the database itself: a second row with the same key is refused', async () => {
    const a = local();
    await admin
      .post('/api/v1/people')
      .send(personInput({ email: nfc(a) }))
      .expect(201);
    const p = (n: number) => (engine === 'postgres' ? `$${n}` : '?');
    await expect(
      t.dataSource.query(`INSERT INTO people (id, name, email, email_key) VALUES (${p(1)}, 'Raw', ${p(2)}, ${p(3)})`, [
        randomUUID(),
        nfd(a),
        emailKey(nfd(a)),
      ]),
    ).rejects.toThrow(/unique/i);
  });

  it('signs in with the address in either form and any capitals', async () => {
    const a = local();
    await t.person(['peer'], { email: nfc(a) });
    const auth = t.app.get(AuthService);
    for (const email of [nfd(a), nfd(a).toUpperCase(), nfc(a)])
      expect((await auth.login(email, TEST_PASSWORD, '127.0.0.1', null)).person.email).toBe(nfc(a));
  });

  it('recognises a known person on a roster whatever form their address is in', async () => {
    const a = local();
    const known = await t.person(['peer'], { email: nfc(a) });
    const courseId = (
      await admin
        .post('/api/v1/courses')
        .send({
          code: `EK-${local().slice(2, 8)}`,
          title: 'Key course',
          requiredHours: 1,
          modules: [{ title: 'One', hours: 1 }],
        })
        .expect(201)
    ).body.id;
    const cohortId = (
      await admin
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name: 'Key cohort',
          location: 'Hall',
          setting: 'clinic',
          startsOn: t.config.today(),
          endsOn: t.config.today(),
          capacity: 5,
          trainerIds: [(await t.person(['trainer'])).id],
        })
        .expect(201)
    ).body.id;
    const b = local();
    const csv = `name,email\n${known.name},${nfd(a).toUpperCase()}\nNew Person,${nfd(b)}\nSame Person,${nfc(b)}\n`;
    const refused = await admin
      .post(`/api/v1/cohorts/${cohortId}/roster`)
      .attach('file', Buffer.from(csv), 'roster.csv')
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'line 4', message: 'duplicate: the same e-mail is on line 3' }]);
    await admin
      .post(`/api/v1/cohorts/${cohortId}/roster`)
      .attach('file', Buffer.from(csv.split('\n').slice(0, 3).join('\n')), 'roster.csv')
      .expect(201);
    const rows = (await t.dataSource.query(
      `SELECT p.id, p.email FROM enrollments e JOIN people p ON p.id = e.person_id WHERE e.cohort_id = '${cohortId}'`,
    )) as Array<{ id: string; email: string }>;
    expect(rows.map((r) => r.email).sort()).toEqual([nfc(a), nfc(b)].sort());
    expect(rows.map((r) => r.id)).toContain(known.id);
  });
});

describeEachEngine('The e-mail key migration', (engine) => {
  let testDb: TestDatabase;
  let db: DataSource;
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', ...testDb.env });
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(PeopleEmailKey1796400000000));
    db = await new DataSource({ ...dataSourceOptions(config), migrations: before }).initialize();
    await db.runMigrations();
  });
  afterAll(async () => {
    await db?.destroy();
    await testDb?.cleanup();
  });

  it('keys existing people, stores their addresses in NFC, and keeps apart two that clashed', async () => {
    const p = (n: number) => (engine === 'postgres' ? `$${n}` : '?');
    const insert = (id: string, email: string, at: string) =>
      db.query(`INSERT INTO people (id, name, email, created_at) VALUES (${p(1)}, 'Someone', ${p(2)}, ${p(3)})`, [
        id,
        email,
        at,
      ]);
    const [first, second, plain] = [randomUUID(), randomUUID(), randomUUID()];
    // The old lower(email) index let these two in: the same mailbox, one in NFC and one in NFD.
    await insert(first, nfc('x'), '2026-01-01 10:00:00');
    await insert(second, nfd('x').toUpperCase(), '2026-02-01 10:00:00');
    await insert(plain, 'Plain@Example.org', '2026-03-01 10:00:00');

    const runner = db.createQueryRunner();
    try {
      await new PeopleEmailKey1796400000000().up(runner);
    } finally {
      await runner.release();
    }
    const rows = (await db.query(`SELECT id, email, email_key FROM people`)) as Array<Record<string, string>>;
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(first)).toEqual({ id: first, email: nfc('x'), email_key: nfc('x') });
    expect(byId.get(second)).toEqual({
      id: second,
      email: nfc('x').toUpperCase(),
      email_key: `${nfc('x')} ${second}`,
    });
    expect(byId.get(plain)).toEqual({ id: plain, email: 'Plain@Example.org', email_key: 'plain@example.org' });
    // A raw insert that leaves the key out gets one, and then clashes like any other.
    await expect(
      db.query(`INSERT INTO people (id, name, email) VALUES (${p(1)}, 'Raw', 'PLAIN@example.org')`, [randomUUID()]),
    ).rejects.toThrow(/unique/i);
  });
});
