import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { addDays, dateInZone } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import { ClearanceService } from '../../src/modules/clearance/clearance.service';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { clearanceRows } from '../helpers/clearance-rows';
import { describeEachEngine } from '../helpers/engines';

/** The clearance engine through the database and the API: facts loaded right on both engines, scoped to the viewer. */
describeEachEngine('Clearance API and board', (engine) => {
  let t: TestApp;
  let supervisor: Person;
  let cleared: Person;
  let lapsed: Person;
  let stranger: Person;
  let today: string;

  const rows = clearanceRows(() => t, engine);
  const { insert, give } = rows;
  const fullyQualified = (person: Person, cbhpssExpires: string) =>
    rows.qualify(person, supervisor.id, { issuedOn: '2025-01-01', expiresOn: cbhpssExpires });

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = dateInZone(new Date(), t.config.timeZone);
    supervisor = await t.person(['supervisor']);
    await insert('supervisor_qualifications', {
      id: randomUUID(),
      person_id: supervisor.id,
      licence: 'LCPC #1',
      qualified_from: '2020-01-01',
      qualified_until: null,
    });
    cleared = await t.person(['peer'], { name: 'Aaron Cleared' });
    lapsed = await t.person(['peer'], { name: 'Bea Lapsed' });
    stranger = await t.person(['peer'], { name: 'Cy Stranger' });
    await fullyQualified(cleared, addDays(today, 200));
    await fullyQualified(lapsed, addDays(today, -100));
    await give(cleared, 'CORR', addDays(today, -300), addDays(today, 20));
  });
  afterAll(async () => t?.close());

  it("answers for one person, one role, today, with the reason and the credential's dates", async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const res = await admin.get(`/api/v1/people/${cleared.id}/clearance`).query({ role: 'jail-services' }).expect(200);
    expect(res.body).toMatchObject({ person: { id: cleared.id, name: 'Aaron Cleared' }, date: today });
    expect(res.body.results).toHaveLength(1);
    expect(res.body.results[0]).toMatchObject({
      role: { code: 'JAIL-SERVICES' },
      status: 'cleared',
      clearedUntil: addDays(today, 20),
    });
    const pss = res.body.results[0].requirements.children[0];
    expect(pss).toMatchObject({
      label: 'Cleared as Peer Support Specialist',
      met: true,
      // Issue 18 §1: cleared without a warning through the expiry, then with one through the 45-day grace (was today + 245 for both).
      nested: { status: 'cleared', clearedUntil: addDays(today, 200), warningUntil: addDays(today, 245) },
    });
  });

  it('answers for a past date from the same records (a billing audit)', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const past = addDays(today, -110);
    const then = await admin
      .get(`/api/v1/people/${lapsed.id}/clearance`)
      .query({ role: 'PSS', date: past })
      .expect(200);
    expect(then.body.results[0]).toMatchObject({ date: past, status: 'cleared' });
    const now = await admin.get(`/api/v1/people/${lapsed.id}/clearance`).query({ role: 'PSS' }).expect(200);
    expect(now.body.results[0].status).toBe('not_cleared');
    expect(now.body.results[0].requirements.reason).toBe('Not met: MT-CBHPSS current.');
  });

  it('takes a practice role by its name as well as its code, in any capitals', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const byCode = await admin.get(`/api/v1/people/${cleared.id}/clearance`).query({ role: 'PSS' }).expect(200);
    for (const role of ['pss', 'Peer Support Specialist', 'peer support specialist']) {
      const byName = await admin.get(`/api/v1/people/${cleared.id}/clearance`).query({ role }).expect(200);
      expect(byName.body.results).toEqual(byCode.body.results);
    }
    const board = await admin.get('/api/v1/clearance/board').query({ role: 'peer support SPECIALIST' }).expect(200);
    expect(board.body.roles).toEqual([{ code: 'PSS', name: 'Peer Support Specialist' }]);
    const unknown = await admin.get(`/api/v1/people/${cleared.id}/clearance`).query({ role: 'Astronaut' }).expect(400);
    expect(unknown.body.errors).toEqual([{ field: 'role', message: 'is not a practice role code or name' }]);
  });

  it('refuses a malformed date or an unknown role with a 400', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const bad = await admin.get(`/api/v1/people/${cleared.id}/clearance`).query({ date: '2026-02-30' }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'date', message: 'must be a date (YYYY-MM-DD)' }]);
    await admin.get(`/api/v1/people/${cleared.id}/clearance`).query({ role: 'ASTRONAUT' }).expect(400);
  });

  it('shows a supervisor their supervisees only, and a peer only themself', async () => {
    const { token } = await t.app.get(ApiTokensService).issue(supervisor.id, 'test', systemActor('test'));
    const asSupervisor = t.withBearer(`Bearer ${token}`);
    const board = await asSupervisor.get('/api/v1/clearance/board').query({ role: 'PSS' }).expect(200);
    expect(board.body.rows.map((r: { person: { name: string } }) => r.person.name)).toEqual([
      'Aaron Cleared',
      'Bea Lapsed',
    ]);
    expect(
      board.body.rows.map((r: { clearance: Record<string, { status: string }> }) => r.clearance.PSS.status),
    ).toEqual(['cleared', 'not_cleared']);
    await asSupervisor.get(`/api/v1/people/${stranger.id}/clearance`).expect(404);

    const peer = await t.token(['peer']);
    const self = t.withBearer(peer.bearer);
    await self.get(`/api/v1/people/${peer.person.id}/clearance`).expect(200);
    await self.get(`/api/v1/people/${cleared.id}/clearance`).expect(404);
    await self.get('/api/v1/clearance/board').expect(403);
  });

  it('sees a change to the rules made by another instance on its very next request', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const codes = async () =>
      (
        (await admin.get(`/api/v1/people/${cleared.id}/clearance`).expect(200)).body.results as Array<{
          role: { code: string };
        }>
      ).map((r) => r.role.code);
    expect(await codes()).toContain('TRAUMA-FACILITATOR');
    // Straight to the database, as another app instance (or an operator) would: the compiled rules here must not be trusted after it.
    await t.dataSource.query(
      `UPDATE practice_roles SET active = ${engine === 'postgres' ? 'false' : '0'} WHERE code = 'TRAUMA-FACILITATOR'`,
    );
    expect(await codes()).not.toContain('TRAUMA-FACILITATOR');
    await t.dataSource.query(
      `UPDATE practice_roles SET active = ${engine === 'postgres' ? 'true' : '1'} WHERE code = 'TRAUMA-FACILITATOR'`,
    );
    expect(await codes()).toContain('TRAUMA-FACILITATOR');
  });

  it('gives the same cells on the brief board as on the fully explained one, and explains why not when asked', async () => {
    const clearance = t.app.get(ClearanceService);
    const viewer = {
      id: randomUUID(),
      name: 'Admin',
      email: 'admin@example.org',
      roles: ['admin' as const],
      sessionId: null,
      tokenId: null,
    };
    for (const date of [today, addDays(today, -101), addDays(today, 21), '2027-01-01']) {
      const [full, brief] = await Promise.all([
        clearance.board(viewer, date),
        clearance.briefBoard(viewer, date, undefined, { reasons: true }),
      ]);
      expect(brief.rows.map((r) => r.person)).toEqual(full.rows.map((r) => r.person));
      expect(brief.rows.map((r) => r.results.map(({ reason: _reason, ...cell }) => cell))).toEqual(
        full.rows.map((r) =>
          // The explanation-only fields (untilReason explains the two dates both boards carry).
          r.results.map(
            ({
              requirements: _requirements,
              ruleVersion: _version,
              ruleChange: _change,
              untilReason: _untilReason,
              ...cell
            }) => cell,
          ),
        ),
      );
      const reasons = (rows: Array<{ results: Array<{ status: string }> }>, why: (cell: never) => string | undefined) =>
        rows.flatMap((r) => r.results.filter((c) => c.status === 'not_cleared').map((c) => why(c as never)));
      expect(reasons(brief.rows, (c: { reason?: string }) => c.reason)).toEqual(
        reasons(full.rows, (c: { requirements: { reason: string } | null }) => c.requirements?.reason ?? ''),
      );
    }
  });

  it('draws the board as a page with words as well as colours, filters it, and exports it', async () => {
    const admin = await t.browser(['admin']);
    const page = await t.as(admin).get('/clearance').query({ role: 'JAIL-SERVICES', expiring: '30' }).expect(200);
    expect(page.text).toContain('<a href="/people/' + cleared.id + '">Aaron Cleared</a>');
    expect(page.text).not.toContain('Bea Lapsed');
    expect(page.text).toMatch(/class="cell warn"[^>]*><span class="sr-only">[^<]*<\/span>Cleared<small> until /);
    const csv = await t
      .as(admin)
      .get('/clearance.csv')
      .query({ role: 'PSS' })
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const lines = csv.text.trim().split('\n');
    // Issue 18 §1 adds warning_until after cleared_until; issue 19 adds assigned and state at the end.
    expect(lines[0]).toBe(
      'person,person_id,role_code,role,status,cleared_until,warning_until,why,last_supervision,assigned,state',
    );
    expect(lines.find((l) => l.startsWith('Bea Lapsed'))).toContain(
      ',PSS,Peer Support Specialist,not_cleared,,,Not met: MT-CBHPSS current.,',
    );
    const explained = await t.as(admin).get(`/people/${lapsed.id}/clearance`).expect(200);
    expect(explained.text).toContain('MT-CBHPSS expired');
  });
});

describeEachEngine('Date-of-service check', (engine) => {
  let t: TestApp;
  let supervisor: Person;
  let peer: Person;

  beforeAll(async () => {
    t = await createTestApp(engine);
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    supervisor = await t.person(['supervisor'], { name: 'Ellen Brightwater' });
    peer = await t.person(['peer'], { name: 'Tanya Old Elk', email: 'tanya.oldelk@example.org' });
    // Someone the supervisor does not supervise.
    await t.person(['peer'], { email: 'stranger@example.org' });
    await admin
      .post(`/api/v1/people/${supervisor.id}/supervisor-qualifications`)
      .send({ licence: 'LCPC #1', qualifiedFrom: '2020-01-01' })
      .expect(201);
    await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: peer.id, supervisorId: supervisor.id, startsOn: '2025-01-01' })
      .expect(201);
    await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'NARCAN-MT', issuedOn: '2025-03-01' })
      .expect(201);
    await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'CORR', issuedOn: '2025-02-01' })
      .expect(201);
  });
  afterAll(async () => t?.close());

  const FILE = [
    'email,date,role',
    'Tanya.OldElk@example.org,2025-06-14,NARCAN-INSTRUCTOR',
    'tanya.oldelk@example.org,2025-02-20,Narcan Class Instructor',
    'tanya.oldelk@example.org,2026-03-01,CORR-NOT-A-ROLE',
    'tanya.oldelk@example.org,14/03/2026,JAIL-SERVICES',
    'stranger@example.org,2025-06-14,NARCAN-INSTRUCTOR',
    'tanya.oldelk@example.org,2025-06-14,JAIL-SERVICES',
  ].join('\n');

  it('answers each row (cleared or not, and why) and reports unreadable rows by line', async () => {
    const { token } = await t.app.get(ApiTokensService).issue(supervisor.id, 'test', systemActor('test'));
    const res = await t
      .withBearer(`Bearer ${token}`)
      .post('/api/v1/clearance/date-of-service')
      .attach('file', Buffer.from(FILE), 'visits.csv')
      .expect(200);
    expect(
      res.body.rows.map((r: { line: number; status: string | null; error: string | null }) => [
        r.line,
        r.status,
        r.error,
      ]),
    ).toEqual([
      [2, 'cleared', null],
      [3, 'not_cleared', null],
      [4, null, '"CORR-NOT-A-ROLE" is not a practice role'],
      [5, null, '"14/03/2026" is not a date (YYYY-MM-DD)'],
      [6, null, 'no person you can see is "stranger@example.org"'],
      [7, 'not_cleared', null],
    ]);
    expect(res.body.rows[1].reason).toBe('Not met: NARCAN-MT current.');
    expect(res.body.rows[5].reason).toMatch(/^Not met: Cleared as Peer Support Specialist/);
  });

  it('refuses a file without the needed columns, or no file, with a 400', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const res = await admin
      .post('/api/v1/clearance/date-of-service')
      .attach('file', Buffer.from('name,when\nx,y'), 'bad.csv')
      .expect(400);
    expect(res.body.message).toMatch(/missing: person, date, role/);
    await admin.post('/api/v1/clearance/date-of-service').expect(400);
  });

  it('shows the results as a page and as a CSV download from the upload form', async () => {
    const browser = await t.browser(['admin']);
    const posted = await t
      .as(browser)
      .post('/clearance/date-of-service')
      .unset('X-CSRF-Token')
      .field('_csrf', browser.csrf)
      .field('format', 'html')
      .attach('file', Buffer.from(FILE), 'visits.csv')
      .expect(303);
    // Post → redirect → get: the answers are on a GET page of their own, whose address carries no token.
    const location = posted.headers.location as string;
    expect(location).toMatch(/^\/clearance\/date-of-service\/results\/[0-9a-f-]{36}#results$/);
    expect(location).not.toMatch(/csrf/i);
    const page = await t.as(browser).get(location.replace('#results', '')).expect(200);
    // An admin sees everyone, so the stranger's row is answered too.
    expect(page.text).toContain('1 cleared · 3 not cleared · 2 rows could not be checked');
    expect(page.text).toContain('Results for visits.csv');
    // Only to the person who sent the file: another admin, or a supervisor, gets a 404, as for an unknown id.
    const otherAdmin = await t.browser(['admin']);
    await t.as(otherAdmin).get(location.replace('#results', '')).expect(404);
    await t
      .as(await t.browser(['supervisor']))
      .get(location.replace('#results', ''))
      .expect(404);
    await t.as(browser).get('/clearance/date-of-service/results/7a1e9a4e-2b8f-4c1e-9a51-0f6b2f0d9c11').expect(404);
    expect(page.text).toContain('<td class="nowrap" data-label="Date">2025-06-14</td>');
    await t
      .as(browser)
      .post('/clearance/date-of-service')
      .unset('X-CSRF-Token')
      .attach('file', Buffer.from(FILE), 'visits.csv')
      .expect(403);
    const csv = await t
      .as(browser)
      .post('/clearance/date-of-service')
      .unset('X-CSRF-Token')
      .field('_csrf', browser.csrf)
      .field('format', 'csv')
      .attach('file', Buffer.from(FILE), 'visits.csv')
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('line,person,date,role,name,result,why');
    expect(lines[1]).toBe(
      '2,Tanya.OldElk@example.org,2025-06-14,NARCAN-INSTRUCTOR,Tanya Old Elk,cleared,"Cleared as Narcan Class Instructor on Jun 14, 2025."',
    );
    expect(lines).toHaveLength(7);
  });

  const API = '/api/v1/clearance/date-of-service';
  const rowsOf = (n: number) =>
    [
      'email,date,role',
      ...Array.from({ length: n }, () => 'tanya.oldelk@example.org,2025-06-14,NARCAN-INSTRUCTOR'),
    ].join('\n');
  const LIMIT_MESSAGE = 'The file has more than 20,000 rows, the most one check takes. Split it and check each part.';

  it('refuses a file of more than 20,000 rows with a 413 that says the limit, before any clearance work', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const browser = await t.browser(['admin']);
    const clearance = t.app.get(ClearanceService);
    // Watched, not replaced: the roles and the facts are the first clearance work a check does.
    const roles = jest.spyOn(clearance, 'roles');
    const facts = jest.spyOn(clearance, 'factsFor');
    try {
      const over = await admin
        .post(API)
        .attach('file', Buffer.from(rowsOf(20_001)), 'big.csv')
        .expect(413);
      expect(over.body).toEqual({
        statusCode: 413,
        message: LIMIT_MESSAGE,
        errors: [{ field: 'file', message: LIMIT_MESSAGE }],
        requestId: expect.any(String),
      });
      // Far over the limit: parsing stops at the first row too many.
      await admin
        .post(API)
        .attach('file', Buffer.from(rowsOf(150_000)), 'huge.csv')
        .expect(413);
      const page = await t
        .as(browser)
        .post('/clearance/date-of-service')
        .field('format', 'html')
        .attach('file', Buffer.from(rowsOf(20_001)), 'big.csv')
        .expect(413);
      expect(page.text).toContain('The file has more than 20,000 rows');
      expect(roles).not.toHaveBeenCalled();
      expect(facts).not.toHaveBeenCalled();
    } finally {
      roles.mockRestore();
      facts.mockRestore();
    }
  });

  it('answers a file of exactly 20,000 rows, with blank lines not counted', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const res = await admin
      .post(API)
      .attach('file', Buffer.from(`${rowsOf(20_000)}\n\n\n`), 'limit.csv')
      .expect(200);
    expect(res.body.rows).toHaveLength(20_000);
    expect(res.body.rows.map((r: { line: number }) => r.line).slice(-2)).toEqual([20_000, 20_001]);
    expect(res.body.rows.every((r: { status: string }) => r.status === 'cleared')).toBe(true);
  });

  it('streams the answers as a CSV download with ?format=csv or Accept: text/csv, the same answers as the JSON', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    // More rows than one slice of work, so the download is written in several pieces.
    const file = `${FILE}\n${rowsOf(1_200).split('\n').slice(1).join('\n')}`;
    const json = await admin
      .post(API)
      .attach('file', Buffer.from(file), 'visits.csv')
      .expect(200)
      .expect('Content-Type', /application\/json/);
    expect(json.body.rows).toHaveLength(1_206);
    const expected = json.body.rows.map(
      (
        r: { line: number; person: string; date: string; role: string; personName: string | null } & Record<
          string,
          string | null
        >,
      ) => ({
        line: String(r.line),
        person: r.person,
        date: r.date,
        role: r.role,
        name: r.personName ?? '',
        result: r.error ? 'error' : r.status,
        why: r.error ?? r.reason,
      }),
    );
    for (const request of [admin.post(`${API}?format=csv`), admin.post(API).set('Accept', 'text/csv')]) {
      const res = await request
        .attach('file', Buffer.from(file), 'visits.csv')
        .expect(200)
        .expect('Content-Type', /^text\/csv/)
        .expect('Content-Disposition', 'attachment; filename="date-of-service-check.csv"');
      expect(parse(res.text, { columns: true })).toEqual(expected);
    }
    const bad = await admin.post(`${API}?format=xml`).attach('file', Buffer.from(FILE), 'visits.csv').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'format', message: 'must be json or csv' }]);
  });

  it('posts the form with its CSRF token in the body, never in the address', async () => {
    const browser = await t.browser(['admin']);
    const form = await t.as(browser).get('/clearance/date-of-service').expect(200);
    expect(form.text).toContain(
      '<form method="post" action="/clearance/date-of-service" enctype="multipart/form-data"',
    );
    expect(form.text).toContain(`<input type="hidden" name="_csrf" value="${browser.csrf}">`);
    expect(form.text).not.toContain('_csrf=');
    // A token in the address is not accepted any more; one in the form's body is.
    await t
      .as(browser)
      .post(`/clearance/date-of-service?_csrf=${browser.csrf}`)
      .unset('X-CSRF-Token')
      .field('format', 'html')
      .attach('file', Buffer.from(FILE), 'visits.csv')
      .expect(403);
    await t
      .as(browser)
      .post('/clearance/date-of-service')
      .unset('X-CSRF-Token')
      .field('_csrf', 'not-the-token')
      .field('format', 'html')
      .attach('file', Buffer.from(FILE), 'visits.csv')
      .expect(403);
    const posted = await t
      .as(browser)
      .post('/clearance/date-of-service')
      .unset('X-CSRF-Token')
      .field('_csrf', browser.csrf)
      .field('format', 'html')
      .attach('file', Buffer.from(FILE), 'visits.csv')
      .expect(303);
    expect(posted.headers.location).not.toMatch(/csrf/i);
    const page = await t.as(browser).get(posted.headers.location.replace('#results', '')).expect(200);
    expect(page.text).toContain('1 cleared · 3 not cleared · 2 rows could not be checked');
  });
});
