import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditService } from '../../src/modules/audit/audit.service';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { describeEachEngine, type Engine } from '../helpers/engines';

interface Entry {
  id: number;
  actorId: string | null;
  actor: string;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Lets a test play a DBA who switches off the append-only triggers to tamper with the log. */
async function dropProtection(t: TestApp, engine: Engine): Promise<void> {
  if (engine === 'postgres') await t.dataSource.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
  else for (const name of ['audit_log_no_update', 'audit_log_no_delete']) await t.dataSource.query(`DROP TRIGGER ${name}`);
}

describeEachEngine('Audit log', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  let adminId: string;
  const entries = async (query: Record<string, string>): Promise<Entry[]> =>
    (
      await admin
        .get('/api/v1/audit')
        .query({ pageSize: '500', ...query })
        .expect(200)
    ).body.items;

  beforeEach(async () => {
    t = await createTestApp(engine);
    const token = await t.token(['admin'], { name: 'Jolene Ashby' });
    admin = t.withBearer(token.bearer);
    adminId = token.person.id;
  });
  afterEach(async () => t?.close());

  it('records who, when, from where, what, and the values before and after', async () => {
    const created = await admin
      .post('/api/v1/people')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ name: 'Wyatt Ferguson', email: 'wyatt@example.org', roles: ['peer'] })
      .expect(201);
    await admin
      .patch(`/api/v1/people/${created.body.id}`)
      .send({ status: 'inactive', roles: ['peer', 'trainer'] })
      .expect(200);
    const [updated, made] = await entries({ entityType: 'person', personId: created.body.id });
    expect(made).toMatchObject({
      action: 'person.created',
      actorId: adminId,
      actor: 'Jolene Ashby (API token)',
      ip: '203.0.113.9',
      entityId: created.body.id,
      before: null,
    });
    expect(made.after).toMatchObject({ name: 'Wyatt Ferguson', status: 'active', roles: ['peer'] });
    expect(updated).toMatchObject({
      action: 'person.updated',
      before: { status: 'active', roles: ['peer'] },
      after: { status: 'inactive', roles: ['peer', 'trainer'] },
    });

    const type = (await admin.get('/api/v1/credential-types').expect(200)).body.find((x: { code: string }) => x.code === 'CPR');
    await admin.patch(`/api/v1/credential-types/${type.id}`).send({ graceDays: 30 }).expect(200);
    const [typeChange] = await entries({ action: 'credential_type.updated' });
    expect(typeChange).toMatchObject({ entityId: type.id, before: { graceDays: 0 }, after: { graceDays: 30 } });

    const role = (await admin.get('/api/v1/practice-roles').expect(200)).body.find((r: { code: string }) => r.code === 'TRAUMA-FACILITATOR');
    await admin
      .put(`/api/v1/practice-roles/${role.id}/rule`)
      .send({ rule: { kind: 'credential', credentialTypeCode: 'BT-W' } })
      .expect(200);
    const [ruleChange] = await entries({ action: 'practice_role.rule_replaced' });
    expect(ruleChange.before).toEqual({ rule: role.rule });
    expect(ruleChange.after).toEqual({ rule: { kind: 'credential', credentialTypeCode: 'BT-W' } });

    const peer = await t.person(['peer']);
    await admin
      .post(`/api/v1/people/${peer.id}/lived-experience`)
      .send({ verifiedById: adminId, verifiedOn: '2026-01-05', evidenceLocation: 'HR file' })
      .expect(201);
    const issued = await admin.post(`/api/v1/people/${peer.id}/tokens`).send({ name: 'Billing export' }).expect(201);
    await admin.delete(`/api/v1/people/${peer.id}/tokens/${issued.body.id}`).expect(204);
    await admin.post(`/api/v1/people/${peer.id}/invitation`).expect(201);
    const actions = (await entries({})).map((e) => e.action);
    for (const action of [
      'attestation.recorded',
      'api_token.issued',
      'api_token.revoked',
      'invitation.created',
      'credential_type.created',
      'practice_role.created',
    ])
      expect(actions).toContain(action);
    // The token's secret never reaches the log.
    expect(JSON.stringify(await entries({ entityType: 'api_token' }))).not.toContain(issued.body.token);
  });

  it('records sign-in, failed sign-in and sign-out', async () => {
    const person = await t.person(['peer'], { email: 'kyle.nordby@example.org' });
    const form = await t.http().get('/login').expect(200);
    const cookie = form.headers['set-cookie'] as unknown as string[];
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(form.text)![1];
    const login = (password: string) =>
      t.http().post('/login').set('Cookie', cookie).type('form').send({ _csrf: csrf, email: 'kyle.nordby@example.org', password });
    await login('wrong password!').expect(401);
    const ok = await login(TEST_PASSWORD).expect(303);
    const session = (ok.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lms_session='))!.split(';')[0];
    await t
      .http()
      .post('/logout')
      .set('Cookie', [...cookie, session])
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    const log = (await entries({ personId: person.id })).map((e) => [e.action, e.actorId]);
    expect(log).toEqual(
      expect.arrayContaining([
        ['session.login_failed', null],
        ['session.login', person.id],
      ]),
    );
    expect((await entries({ action: 'session.logout' }))[0].actorId).toBe(person.id);
  });

  it('filters by date in the program time zone, exports CSV, and is for admins only', async () => {
    await admin
      .post('/api/v1/people')
      .send({ name: 'Luis Ortega', email: 'luis@example.org', roles: ['peer'] })
      .expect(201);
    expect((await entries({ from: '2999-01-01' })).length).toBe(0);
    expect((await entries({ to: '2000-01-01' })).length).toBe(0);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: t.config.timeZone }).format(new Date());
    expect((await entries({ from: today, to: today, action: 'person.created' })).length).toBeGreaterThanOrEqual(1);
    await admin.get('/api/v1/audit').query({ from: 'yesterday' }).expect(400);

    const browser = await t.browser(['admin']);
    const csv = await t
      .as(browser)
      .get('/audit.csv')
      .query({ action: 'person.created' })
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('id,at,actor_id,actor,ip,action,entity_type,entity_id,before,after,hash');
    expect(lines.length).toBe(1 + (await entries({ action: 'person.created' })).length);
    expect(lines.some((l) => l.includes('Luis Ortega'))).toBe(true);

    const peer = t.withBearer((await t.token(['peer'])).bearer);
    await peer.get('/api/v1/audit').expect(403);
    await peer.get('/api/v1/audit/verify').expect(403);
  });

  it('refuses to update or delete an entry, in the database itself', async () => {
    await expect(t.dataSource.query(`UPDATE audit_log SET actor_label = 'someone else' WHERE id = 1`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM audit_log WHERE id = 1`)).rejects.toThrow(/append-only/);
  });

  it('names an edited entry', async () => {
    expect((await admin.get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, problems: [] });
    await dropProtection(t, engine);
    await t.dataSource.query(`UPDATE audit_log SET after = '{"name":"forged"}' WHERE id = 3`);
    expect((await t.app.get(AuditService).verify()).problems).toEqual(['entry #3 was edited: its content no longer matches its hash']);
  });

  it('names a deleted entry', async () => {
    await dropProtection(t, engine);
    await t.dataSource.query(`DELETE FROM audit_log WHERE id = 4`);
    expect((await t.app.get(AuditService).verify()).problems).toEqual(['entry #4 is missing (deleted)']);
  });

  it('names a swapped pair', async () => {
    await dropProtection(t, engine);
    const cols = ['at', 'actor_id', 'actor_label', 'ip', 'action', 'entity_type', 'entity_id', 'before', 'after', 'prev_hash', 'hash'];
    const [five] = await t.dataSource.query(`SELECT ${cols.join(', ')} FROM audit_log WHERE id = 5`);
    const [six] = await t.dataSource.query(`SELECT ${cols.join(', ')} FROM audit_log WHERE id = 6`);
    const p = (n: number) => (engine === 'postgres' ? `$${n}` : '?');
    const set = cols.map((c, i) => `${c} = ${p(i + 1)}`).join(', ');
    await t.dataSource.query(
      `UPDATE audit_log SET ${set} WHERE id = 5`,
      cols.map((c) => six[c]),
    );
    await t.dataSource.query(
      `UPDATE audit_log SET ${set} WHERE id = 6`,
      cols.map((c) => five[c]),
    );
    expect((await t.app.get(AuditService).verify()).problems).toEqual([
      'entry #5 holds the content of entry #6 (entries were reordered)',
      'entry #6 holds the content of entry #5 (entries were reordered)',
    ]);
  });

  (engine === 'sqlite' ? it : it.skip)('is checked from the command line: npm run cli -- audit:verify', async () => {
    const cli = resolve(__dirname, '../../dist/src/cli.js');
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" (npm test does it first)`);
    const run = () =>
      spawnSync(process.execPath, [cli, 'audit:verify'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: t.config.dataDir, NODE_ENV: 'development' },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const intact = run();
    expect(intact.status).toBe(0);
    expect(intact.stdout).toMatch(/^Audit log intact: \d+ entries checked\.$/m);
    await dropProtection(t, engine);
    await t.dataSource.query(`UPDATE audit_log SET ip = '10.0.0.1' WHERE id = 2`);
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('  - entry #2 was edited: its content no longer matches its hash');
    expect(existsSync(join(t.config.dataDir, 'lms.sqlite'))).toBe(true);
  });
});
