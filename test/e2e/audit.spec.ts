import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { entryHash } from '../../src/modules/audit/audit-chain';
import { AuditEntry } from '../../src/modules/audit/audit-entry.entity';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

interface Entry {
  id: number;
  at: string;
  actorId: string | null;
  actor: string;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  hash: string;
}
type Client = ReturnType<TestApp['withBearer']>;

const COLUMNS = [
  'at',
  'actor_id',
  'actor_label',
  'ip',
  'action',
  'entity_type',
  'entity_id',
  'before',
  'after',
  'prev_hash',
  'hash',
];
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$|^::1$/;
const CSV_HEADER = 'id,at,actor_id,actor,ip,action,entity_type,entity_id,before,after,hash';
const TEST_ENTRY = {
  actorId: null,
  actorLabel: 'system: test',
  ip: null,
  entityType: 'test',
  entityId: null,
  before: null,
  after: null,
};

async function entries(admin: Client, query: Record<string, string> = {}): Promise<Entry[]> {
  const res = await admin
    .get('/api/v1/audit')
    .query({ pageSize: '500', ...query })
    .expect(200);
  expect(res.body.total).toBe(res.body.items.length); // everything fits on one page, so filters are compared exactly
  return res.body.items;
}

/** The newest entry with this action (the list is newest first). */
async function latest(admin: Client, action: string, query: Record<string, string> = {}): Promise<Entry> {
  const [entry] = await entries(admin, { action, ...query });
  expect(entry).toBeDefined();
  return entry;
}

/** Appends a correctly chained entry at a chosen instant, as `record` would have at that time. */
async function appendAt(t: TestApp, at: string, action: string): Promise<void> {
  const repo = t.dataSource.getRepository(AuditEntry);
  const [last] = await repo.find({ order: { id: 'DESC' }, take: 1 });
  const fields = { ...TEST_ENTRY, id: last.id + 1, at: new Date(at), action, prevHash: last.hash };
  await repo.insert({ ...fields, hash: entryHash(fields) });
}

const denverDate = (offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Denver' }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );

describeEachEngine('Audit log', (engine) => {
  describe('recording, filtering and exporting', () => {
    let t: TestApp;
    let admin: Client;
    let adminId: string;
    beforeAll(async () => {
      t = await createTestApp(engine);
      const token = await t.token(['admin'], { name: 'Marisol Tenorio' });
      admin = t.withBearer(token.bearer);
      adminId = token.person.id;
    });
    afterAll(async () => t?.close());

    it('records person.created and person.updated with who, from where, what, and the values before and after', async () => {
      const created = await admin
        .post('/api/v1/people')
        .send({ name: 'Wyatt Ferguson', email: 'wyatt@example.org', roles: ['peer'] })
        .expect(201);
      await admin
        .patch(`/api/v1/people/${created.body.id}`)
        .set('X-Forwarded-For', '203.0.113.9')
        .send({ status: 'inactive', roles: ['trainer', 'peer'] })
        .expect(200);
      const made = await latest(admin, 'person.created', { personId: created.body.id });
      expect(made).toMatchObject({
        actorId: adminId,
        actor: 'Marisol Tenorio (API token)',
        entityType: 'person',
        entityId: created.body.id,
        before: null,
      });
      expect(made.ip).toMatch(LOOPBACK);
      expect(made.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(made.after).toEqual({
        name: 'Wyatt Ferguson',
        preferredName: null,
        email: 'wyatt@example.org',
        phone: null,
        status: 'active',
        roles: ['peer'],
      });
      const updated = await latest(admin, 'person.updated', { personId: created.body.id });
      expect(updated).toMatchObject({
        actorId: adminId,
        ip: '203.0.113.9',
        entityType: 'person',
        entityId: created.body.id,
      });
      expect(updated.id).toBeGreaterThan(made.id);
      expect(updated.before).toEqual(made.after);
      expect(updated.after).toEqual({
        ...made.after,
        status: 'inactive',
        statusReason: 'other',
        roles: ['peer', 'trainer'],
      });
    });

    it('records catalogue changes, attestations, API tokens and invitations', async () => {
      const type = await admin
        .post('/api/v1/credential-types')
        .send({
          code: 'doula-cappa',
          name: 'CAPPA Doula',
          issuer: 'CAPPA',
          kind: 'external',
          validityKind: 'months',
          validityMonths: 36,
        })
        .expect(201);
      const typeCreated = await latest(admin, 'credential_type.created', { personId: adminId });
      expect(typeCreated).toMatchObject({ entityType: 'credential_type', entityId: type.body.id, before: null });
      expect(typeCreated.after).toMatchObject({
        code: 'DOULA-CAPPA',
        name: 'CAPPA Doula',
        validityMonths: 36,
        graceDays: 0,
      });
      await admin.patch(`/api/v1/credential-types/${type.body.id}`).send({ graceDays: 30 }).expect(200);
      const typeUpdated = await latest(admin, 'credential_type.updated');
      expect(typeUpdated).toMatchObject({
        actorId: adminId,
        entityId: type.body.id,
        before: { graceDays: 0 },
        after: { graceDays: 30, code: 'DOULA-CAPPA' },
      });

      const role = (await admin.get('/api/v1/practice-roles').expect(200)).body.find(
        (r: { code: string }) => r.code === 'TRAUMA-FACILITATOR',
      );
      const rule = { kind: 'credential', credentialTypeCode: 'DOULA-CAPPA' };
      await admin.put(`/api/v1/practice-roles/${role.id}/rule`).send({ rule }).expect(200);
      const replaced = await latest(admin, 'practice_role.rule_replaced');
      expect(replaced).toMatchObject({
        actorId: adminId,
        entityType: 'practice_role',
        entityId: role.id,
        before: { rule: role.rule },
        after: { rule },
      });

      const peer = await t.person(['peer']);
      const attestation = { verifiedById: adminId, verifiedOn: '2026-01-05', evidenceLocation: 'HR file, drawer 2' };
      await admin.post(`/api/v1/people/${peer.id}/lived-experience`).send(attestation).expect(201);
      const attested = await latest(admin, 'attestation.recorded', { personId: peer.id });
      expect(attested).toMatchObject({
        actorId: adminId,
        entityType: 'person',
        entityId: peer.id,
        before: null,
        after: attestation,
      });
      expect(attested.after!.attestationId).toEqual(expect.any(String));

      const issued = await admin.post(`/api/v1/people/${peer.id}/tokens`).send({ name: 'Billing export' }).expect(201);
      await admin.delete(`/api/v1/people/${peer.id}/tokens/${issued.body.id}`).expect(204);
      const [revoked, issuedEntry] = (await entries(admin, { entityType: 'api_token' })).filter(
        (e) => e.entityId === issued.body.id,
      );
      expect(issuedEntry).toMatchObject({
        action: 'api_token.issued',
        actorId: adminId,
        before: null,
        after: { personId: peer.id, name: 'Billing export', prefix: issued.body.prefix },
      });
      expect(revoked).toMatchObject({
        action: 'api_token.revoked',
        actorId: adminId,
        before: { name: 'Billing export', prefix: issued.body.prefix },
        after: null,
      });
      expect(JSON.stringify([issuedEntry, revoked])).not.toContain(issued.body.token);

      const invitation = await admin.post(`/api/v1/people/${peer.id}/invitation`).expect(201);
      const invited = await latest(admin, 'invitation.created', { personId: peer.id });
      expect(invited).toMatchObject({
        actorId: adminId,
        entityType: 'person',
        entityId: peer.id,
        after: { expiresAt: invitation.body.expiresAt },
      });
      expect(invited.ip).toMatch(LOOPBACK);
    });

    it('records sign-in, failed sign-in, password change and sign-out made through the forms', async () => {
      const person = await t.person(['peer'], { name: 'Kyle Nordby', email: 'kyle.nordby@example.org' });
      const page = await t.http().get('/login').expect(200);
      const csrfCookie = (page.headers['set-cookie'] as unknown as string[])
        .find((c) => c.startsWith('lms_csrf='))!
        .split(';')[0];
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const form = (path: string, cookies: string[], fields: Record<string, string> = {}) =>
        t
          .http()
          .post(path)
          .set('Cookie', cookies)
          .type('form')
          .send({ _csrf: csrf, ...fields });
      const login = (password: string) => form('/login', [csrfCookie], { email: 'Kyle.Nordby@example.org', password });
      await login('not the password at all').expect(401);
      const ok = await login(TEST_PASSWORD).expect(303);
      const session = (ok.headers['set-cookie'] as unknown as string[])
        .find((c) => c.startsWith('lms_session='))!
        .split(';')[0];
      const next = 'a brand new passphrase 2026';
      await form('/account/password', [csrfCookie, session], {
        current: TEST_PASSWORD,
        password: next,
        confirm: next,
      }).expect(303);
      await form('/logout', [csrfCookie, session]).expect(303);

      const failed = await latest(admin, 'session.login_failed', { personId: person.id });
      expect(failed).toMatchObject({
        actorId: null,
        actor: 'anonymous (as Kyle.Nordby@example.org)',
        entityType: 'person',
        entityId: person.id,
      });
      expect(failed.ip).toMatch(LOOPBACK);
      const [logout, login_] = await entries(admin, { personId: person.id, entityType: 'session' });
      const changed = await latest(admin, 'password.changed', { personId: person.id });
      expect(login_).toMatchObject({
        action: 'session.login',
        actorId: person.id,
        actor: 'Kyle Nordby',
        entityType: 'session',
      });
      expect(login_.entityId).toMatch(/^.{16}$/);
      expect(login_.ip).toMatch(LOOPBACK);
      expect(changed).toMatchObject({
        actorId: person.id,
        entityType: 'person',
        entityId: person.id,
        after: { otherSessionsEnded: 0 },
      });
      expect(logout).toMatchObject({ action: 'session.logout', actorId: person.id, entityId: login_.entityId });
      expect(logout.id).toBeGreaterThan(changed.id);
      expect(changed.id).toBeGreaterThan(login_.id);
      expect(login_.id).toBeGreaterThan(failed.id);
    });

    it('filters by person, entity type and action exactly', async () => {
      const all = await entries(admin);
      const ids = (list: Entry[]) => list.map((e) => e.id);
      expect(ids(all)).toEqual([...ids(all)].sort((a, b) => b - a));
      const byPerson = all.filter((e) => e.actorId === adminId || e.entityId === adminId);
      expect(byPerson.length).toBeGreaterThan(1);
      expect(ids(await entries(admin, { personId: adminId }))).toEqual(ids(byPerson));
      expect(ids(await entries(admin, { entityType: 'credential_type' }))).toEqual(
        ids(all.filter((e) => e.entityType === 'credential_type')),
      );
      expect(ids(await entries(admin, { action: 'person.created' }))).toEqual(
        ids(all.filter((e) => e.action === 'person.created')),
      );
      expect(await entries(admin, { action: 'no.such.action' })).toEqual([]);
      await admin.get('/api/v1/audit').query({ personId: 'someone' }).expect(400);
      await admin.get('/api/v1/audit').query({ from: 'yesterday' }).expect(400);
    });

    it('chains entries from simultaneous writers without a gap or a fork', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          admin
            .post('/api/v1/people')
            .send({ name: `Parallel Person ${i}`, email: `parallel${i}@example.org`, roles: ['peer'] }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      const made = await entries(admin, { action: 'person.created' });
      expect(new Set(made.filter((e) => String(e.after!.name).startsWith('Parallel')).map((e) => e.entityId))).toEqual(
        new Set(results.map((r) => r.body.id)),
      );
      expect((await admin.get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, problems: [] });
    });

    it('filters by calendar dates in the program time zone', async () => {
      expect(t.config.timeZone).toBe('America/Denver');
      const today = await entries(admin, { from: denverDate(), to: denverDate() });
      expect(today.length).toBe((await entries(admin)).length);
      expect(await entries(admin, { from: denverDate(1) })).toEqual([]);
      expect(await entries(admin, { to: denverDate(-1) })).toEqual([]);

      // Denver is UTC-7 in January and UTC-6 in July: each pair straddles a local midnight.
      const jan = [
        '2025-01-15T06:59:59.999Z',
        '2025-01-15T07:00:00.000Z',
        '2025-01-16T06:59:59.999Z',
        '2025-01-16T07:00:00.000Z',
      ];
      const jul = ['2025-07-04T05:59:59.999Z', '2025-07-04T06:00:00.000Z'];
      const instants = [...jan, ...jul];
      for (const [i, at] of instants.entries()) await appendAt(t, at, `test.${i}`);
      const on = async (from: string, to: string) =>
        (await entries(admin, { entityType: 'test', from, to })).map((e) => e.at);
      expect(await on('2025-01-15', '2025-01-15')).toEqual([instants[2], instants[1]]);
      expect(await on('2025-01-14', '2025-01-16')).toEqual([instants[3], instants[2], instants[1], instants[0]]);
      expect(await on('2025-07-04', '2025-07-04')).toEqual([instants[5]]);
      expect(await on('2025-07-03', '2025-07-03')).toEqual([instants[4]]);
      expect((await admin.get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, problems: [] });
    });

    it('exports the filtered log as CSV, one row per entry, values round-tripping', async () => {
      const expected = await entries(admin, { action: 'person.updated' });
      const browser = await t.browser(['admin']);
      const csv = await t.as(browser).get('/audit.csv').query({ action: 'person.updated' }).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const rows: Array<Record<string, string>> = parse(csv.text, { columns: true });
      expect(csv.text.split('\n')[0]).toBe(CSV_HEADER);
      expect(rows.map((r) => Number(r.id))).toEqual(expected.map((e) => e.id).reverse());
      const row = rows.find((r) => Number(r.id) === expected[0].id)!;
      expect(row).toMatchObject({
        action: 'person.updated',
        actor_id: adminId,
        entity_type: 'person',
        at: expected[0].at,
        hash: expected[0].hash,
      });
      expect(JSON.parse(row.before)).toEqual(expected[0].before);
      expect(JSON.parse(row.after)).toEqual(expected[0].after);
      expect(JSON.parse(row.after)).toMatchObject({ status: 'inactive' });
      const none = await t
        .as(browser)
        .get('/audit.csv')
        .query({ from: denverDate(1) })
        .expect(200);
      expect(none.text).toBe(`${CSV_HEADER}\n`);
    });

    it('is for admins only', async () => {
      const peer = t.withBearer((await t.token(['peer', 'supervisor', 'trainer'])).bearer);
      await peer.get('/api/v1/audit').expect(403);
      await peer.get('/api/v1/audit/verify').expect(403);
      const browser = await t.browser(['supervisor']);
      await t.as(browser).get('/audit').expect(403);
      await t.as(browser).get('/audit.csv').expect(403);
      const adminPage = await t
        .as(await t.browser(['admin']))
        .get('/audit')
        .expect(200);
      expect(adminPage.text).toContain('Audit log');
    });

    it('refuses UPDATE and DELETE in the database itself', async () => {
      const [before] = await t.dataSource.query(`SELECT actor_label FROM audit_log WHERE id = 1`);
      await expect(
        t.dataSource.query(`UPDATE audit_log SET actor_label = 'someone else' WHERE id = 1`),
      ).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query(`DELETE FROM audit_log WHERE id = 1`)).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      if (engine === 'postgres') await expect(t.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
      expect(await t.dataSource.query(`SELECT actor_label FROM audit_log WHERE id = 1`)).toEqual([before]);
    });
  });

  describe('tamper detection', () => {
    let t: TestApp;
    let admin: Client;
    const verify = async () => (await admin.get('/api/v1/audit/verify').expect(200)).body;
    beforeEach(async () => {
      t = await createTestApp(engine);
      admin = t.withBearer((await t.token(['admin'])).bearer);
      const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM audit_log');
      expect(Number(n)).toBeGreaterThan(8);
      expect(await verify()).toEqual({ ok: true, checked: Number(n), problems: [], truncated: false });
      // From here on the test plays a DBA who has switched off the append-only triggers.
      if (engine === 'postgres') await t.dataSource.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      else
        for (const name of ['audit_log_no_update', 'audit_log_no_delete'])
          await t.dataSource.query(`DROP TRIGGER ${name}`);
    });
    afterEach(async () => t?.close());

    it('names an edited entry', async () => {
      await t.dataSource.query(`UPDATE audit_log SET "after" = '{"name":"forged"}' WHERE id = 3`);
      expect(await verify()).toMatchObject({
        ok: false,
        problems: ['entry #3 was edited: its content no longer matches its hash'],
      });
    });

    it('names a deleted entry', async () => {
      await t.dataSource.query(`DELETE FROM audit_log WHERE id = 4`);
      expect(await verify()).toMatchObject({ ok: false, problems: ['entry #4 is missing (deleted)'] });
    });

    it('names a swapped pair', async () => {
      await t.dataSource.query(`CREATE TABLE audit_copy AS SELECT * FROM audit_log WHERE id IN (5, 6)`);
      const set = COLUMNS.map((c) => `"${c}" = c."${c}"`).join(', ');
      await t.dataSource.query(
        `UPDATE audit_log SET ${set} FROM audit_copy AS c WHERE c.id = 11 - audit_log.id AND audit_log.id IN (5, 6)`,
      );
      const [five] = await t.dataSource.query(`SELECT "hash" FROM audit_copy WHERE id = 5`);
      expect(await t.dataSource.query(`SELECT "hash" FROM audit_log WHERE id = 6`)).toEqual([five]);
      expect(await verify()).toMatchObject({
        ok: false,
        problems: [
          'entry #5 holds the content of entry #6 (entries were reordered)',
          'entry #6 holds the content of entry #5 (entries were reordered)',
        ],
      });
    });

    (engine === 'sqlite' ? it : it.skip)('is checked from the command line: audit:verify', async () => {
      const cli = resolve(__dirname, '../../dist/src/cli.js');
      if (!existsSync(cli))
        throw new Error(`${cli} is missing: run "npm run build" first (npm test's pretest does it)`);
      const run = () =>
        spawnSync(process.execPath, [cli, 'audit:verify'], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: t.config.dataDir, NODE_ENV: 'development' },
          encoding: 'utf8',
          timeout: 30_000,
        });
      const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM audit_log');
      const intact = run();
      expect({ status: intact.status, stderr: intact.stderr }).toEqual({ status: 0, stderr: '' });
      expect(intact.stdout).toContain(`Audit log intact: ${n} entries checked.`);
      await t.dataSource.query(`DELETE FROM audit_log WHERE id = 2`);
      const broken = run();
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain(`Audit log BROKEN (${Number(n) - 1} entries checked):`);
      expect(broken.stdout).toContain('  - entry #2 is missing (deleted)');
    });
  });
});
