import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { addDays } from '../../src/common/dates';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** A date column as YYYY-MM-DD, whichever way the driver returns it. */
const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

/** Moving in from spreadsheets, through the API: a full dry run, then all or nothing. */
describeEachEngine('Imports', (engine) => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  const tag = () => randomUUID().slice(0, 8);

  const upload = (kind: string, body: string | Buffer, name = 'file.csv', fields: Record<string, string> = {}) => {
    let req = t
      .withBearer(admin)
      .post('/api/v1/imports')
      .field('kind', kind)
      .attach('file', typeof body === 'string' ? Buffer.from(body) : body, name);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req;
  };
  const dryRun = async (kind: string, body: string | Buffer, name?: string, fields?: Record<string, string>) => {
    const res = await upload(kind, body, name, fields);
    expect(res.status).toBe(201);
    expect(res.body.state).not.toBe('checking');
    return res.body;
  };
  const commit = async (id: string, body: Record<string, unknown> = {}) => {
    await t.withBearer(admin).post(`/api/v1/imports/${id}/commit`).send(body).expect(202);
    for (let i = 0; i < 300; i++) {
      const got = (await t.withBearer(admin).get(`/api/v1/imports/${id}`).expect(200)).body;
      if (got.state !== 'committing') return got;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the commit did not finish');
  };
  const count = async (sql: string, params: unknown[] = []) => {
    const pg = engine === 'postgres';
    const text = pg ? sql : sql.replace(/\$\d+/g, '?');
    const [row] = await t.dataSource.query(text, params);
    return Number(row.n);
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    const token = await t.token(['admin'], { name: 'Ida Admin' });
    admin = token.bearer;
    adminId = token.person.id;
  });
  afterAll(async () => t?.close());

  it('imports people from a messy CSV (BOM, CRLF, semicolons, quoted line breaks, stray spaces), then again with no changes', async () => {
    const x = tag();
    const csv =
      '\uFEFFFirst name;Last name;Email Address;Employee ID;Roles;Status;Notes\r\n' +
      `Renée;Two Feathers;  Renee.${x}@Example.ORG ;HR-${x}-1;Peer supporter;active;\r\n` +
      `"Ada";"Good ""Rider""";ada.${x}@example.org;HR-${x}-2;peer, trainer;yes;"a; b"\r\n` +
      `Ben;Many Horses;ben.${x}@example.org;;;inactive;"first line\r\nsecond line"\r\n` +
      `Cy;Bad;not-an-address;;;;\r\n`;
    const first = await dryRun('people', csv, 'staff.csv', { mapping: JSON.stringify({ Notes: null }) });
    expect(first).toMatchObject({
      state: 'checked',
      rows: 4,
      counts: { new: 3, updated: 0, unchanged: 0, rejected: 1 },
    });
    // The record after the quoted line break is reported at its real line.
    expect(first.errors).toEqual([{ line: 6, column: 'Email Address', message: expect.stringContaining('e-mail') }]);
    expect(first.reading).toMatchObject({ format: 'csv', encoding: 'utf-8-bom', delimiter: ';' });
    expect(await count('SELECT COUNT(*) AS n FROM people WHERE email_key LIKE $1', [`%.${x}@example.org`])).toBe(0);

    await t.withBearer(admin).post(`/api/v1/imports/${first.id}/commit`).send({}).expect(409);
    const done = await commit(first.id, { skipRejected: true });
    expect(done).toMatchObject({ state: 'committed', counts: { new: 3 } });
    const [renee] = await t.dataSource.query(
      t.dataSource.options.type === 'postgres'
        ? 'SELECT id, name, email, external_id FROM people WHERE external_id = $1'
        : 'SELECT id, name, email, external_id FROM people WHERE external_id = ?',
      [`HR-${x}-1`],
    );
    expect(renee).toMatchObject({ name: 'Renée Two Feathers', email: `Renee.${x}@Example.ORG` });
    expect(await count("SELECT COUNT(*) AS n FROM people WHERE name = 'Ben Many Horses' AND status = 'inactive'")).toBe(
      1,
    );
    expect(
      await count(
        'SELECT COUNT(*) AS n FROM person_roles r JOIN people p ON p.id = r.person_id WHERE p.external_id = $1',
        [`HR-${x}-2`],
      ),
    ).toBe(2);
    // Nobody was invited: the admin did not ask.
    expect(await count('SELECT COUNT(*) AS n FROM account_links WHERE person_id = $1', [renee.id])).toBe(0);
    // One entry for the import, one per person it created.
    expect(
      await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import.committed' AND entity_id = $1", [
        first.id,
      ]),
    ).toBe(1);
    expect(
      await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'person.created' AND entity_id = $1", [renee.id]),
    ).toBe(1);

    const again = await dryRun('people', csv, 'staff.csv', { mapping: JSON.stringify({ Notes: null }) });
    expect(again.counts).toEqual({ new: 0, updated: 0, unchanged: 3, rejected: 1 });
    const noop = await commit(again.id, { skipRejected: true });
    expect(noop).toMatchObject({ state: 'committed', counts: { new: 0, updated: 0, unchanged: 3 } });
  });

  it('invites new people through the outbox only when asked', async () => {
    const x = tag();
    const before = await count("SELECT COUNT(*) AS n FROM outbox WHERE template = 'invitation'");
    const body = await dryRun('people', `Name,E-mail\nCora Lee,cora.${x}@example.org\n`, 'p.csv', {
      sendInvitations: 'true',
    });
    await commit(body.id);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE template = 'invitation'")).toBe(before + 1);
    expect(await count('SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1', [`cora.${x}@example.org`])).toBe(1);
  });

  it('imports credentials by type code or name with US dates, computes blank expiries, and lists conflicts', async () => {
    const x = tag();
    const peer = await t.person(['peer'], { email: `cred.${x}@example.org`, name: 'Dana Cred' });
    const csv = [
      'E-mail,Name,Credential,State Cert #,Issued,Expires,Verified on,Verified at',
      `cred.${x}@example.org,Dana Cred,Certified Behavioral Health Peer Support Specialist,CB-${x},3/2/2026,,3/5/2026,Montana licence lookup`,
      `CRED.${x}@example.org ,Dana Cred,narcan-mt,,2026-01-15,,,`,
    ].join('\n');
    const checked = await dryRun('credentials', csv);
    expect(checked).toMatchObject({ state: 'checked', rows: 2, counts: { new: 2, rejected: 0 } });
    expect(checked.reading.dateFormat).toBe('ISO YYYY-MM-DD and US m/d/yyyy');
    await commit(checked.id);
    const rows = await t.dataSource.query(
      `SELECT t.code, c.issued_on, c.expires_on, c.licence_number, c.verification_source, c.verified_by_id FROM credentials c JOIN credential_types t ON t.id = c.credential_type_id WHERE c.person_id = '${peer.id}' ORDER BY t.code`,
    );
    expect(rows.map((r: { code: string }) => r.code)).toEqual(['MT-CBHPSS', 'NARCAN-MT']);
    expect(isoDay(rows[0].expires_on)).toBe('2026-12-31');
    expect(rows[0]).toMatchObject({
      licence_number: `CB-${x}`,
      verification_source: 'Montana licence lookup',
      verified_by_id: adminId,
    });

    const changed = [
      'E-mail,Credential,State Cert #,Issued,Expires',
      `cred.${x}@example.org,MT-CBHPSS,CB-OTHER-${x},3/2/2026,`,
      `cred.${x}@example.org,MT-CBHPSS,CB-OTHER-${x},3/2/2026,`,
    ].join('\n');
    const conflicted = await dryRun('credentials', changed);
    expect(conflicted.counts.rejected).toBe(2);
    expect(conflicted.conflicts[0]).toMatchObject({ line: 2, column: 'State Cert #' });
    expect(conflicted.conflicts[0].message).toContain('would overwrite');
    await t.withBearer(admin).post(`/api/v1/imports/${conflicted.id}/commit`).send({}).expect(409);
  });

  it('refuses bad rows by line and column, writes nothing, and the fixed rejected-rows CSV imports', async () => {
    const x = tag();
    await t.person(['peer'], { email: `rows.${x}@example.org` });
    const csv = [
      'email,type,issued_on,expires_on,number',
      `rows.${x}@example.org,MT-CBHPSS,2026-01-10,,=HYPERLINK("http://evil.example")`, // 2 fine (formula stays text)
      `nobody.${x}@example.org,MT-CBHPSS,2026-01-10,,`, // 3 unknown person
      `rows.${x}@example.org,NO-SUCH-TYPE,2026-01-10,,`, // 4 unknown type
      `rows.${x}@example.org,CPR,2/30/2026,,`, // 5 impossible date
      `rows.${x}@example.org,NARCAN-MT,2026-05-01,2026-04-01,`, // 6 expiry before issue
      `rows.${x}@example.org,MT-CBHPSS,2026-01-10,,`, // 7 same credential as line 2
      `rows.${x}@example.org,CORR,${addDays(t.config.today(), 3)},,`, // 8 future
      `rows.${x}@example.org,MHFA,2026-01-10,,bad\u0001number`, // 9 control character
    ].join('\n');
    const before = await count('SELECT COUNT(*) AS n FROM credentials');
    const checked = await dryRun('credentials', csv);
    expect(checked.counts).toEqual({ new: 1, updated: 0, unchanged: 0, rejected: 7 });
    const lines = checked.errors.map((e: { line: number; column: string }) => `${e.line}:${e.column}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        '3:email',
        '4:type',
        '5:issued_on',
        '6:expires_on',
        '7:issued_on',
        '8:issued_on',
        '9:number',
      ]),
    );
    expect(checked.errors.find((e: { line: number }) => e.line === 5).message).toContain('not a real date');
    await t.withBearer(admin).post(`/api/v1/imports/${checked.id}/commit`).send({}).expect(409);
    expect(await count('SELECT COUNT(*) AS n FROM credentials')).toBe(before);

    const rejected = await t.withBearer(admin).get(`/api/v1/imports/${checked.id}/rejected.csv`).expect(200);
    expect(rejected.headers['content-type']).toContain('text/csv');
    const back: string[][] = parse(rejected.text);
    expect(back[0]).toEqual(['email', 'type', 'issued_on', 'expires_on', 'number', 'import_line', 'import_error']);
    expect(back).toHaveLength(8);
    // Fix every row and send the same file back: the two added columns are ignored.
    const fixed = back
      .slice(1)
      .map((r, i) => [
        `rows.${x}@example.org`,
        ['CPR', 'BT-W', 'ET-M', 'DOULA', 'FIS', 'MIS', 'MHFA', 'CORR'][i],
        '2026-01-10',
        '',
        `N-${i}`,
        r[5],
        r[6],
      ]);
    const body = [back[0], ...fixed].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n');
    const second = await dryRun('credentials', body, 'fixed.csv');
    expect(second.counts).toEqual({ new: 7, updated: 0, unchanged: 0, rejected: 0 });
    expect((await commit(second.id)).state).toBe('committed');

    // The formula-looking number is stored as text, and is neutralised in the rejected-rows CSV.
    expect((await commit(checked.id, { skipRejected: true })).counts.new).toBe(1);
    expect(
      await count('SELECT COUNT(*) AS n FROM credentials WHERE licence_number = $1', [
        '=HYPERLINK("http://evil.example")',
      ]),
    ).toBe(1);
    const formula = await dryRun(
      'credentials',
      `email,type,issued_on,number\nnobody@example.org,CPR,2026-01-10,@SUM(1)\n`,
    );
    const escaped = await t.withBearer(admin).get(`/api/v1/imports/${formula.id}/rejected.csv`).expect(200);
    expect(escaped.text).toContain("'@SUM(1)");
  });

  it('imports the valid rows and skips the rejected ones only when asked', async () => {
    const x = tag();
    const peer = await t.person(['peer'], { email: `skip.${x}@example.org` });
    const checked = await dryRun(
      'credentials',
      `email,type,issued_on\nskip.${x}@example.org,CPR,2026-02-01\nnone.${x}@example.org,CPR,2026-02-01\n`,
    );
    expect(checked.counts).toMatchObject({ new: 1, rejected: 1 });
    const done = await commit(checked.id, { skipRejected: true });
    expect(done).toMatchObject({ state: 'committed', counts: { new: 1, rejected: 1 } });
    expect(await count('SELECT COUNT(*) AS n FROM credentials WHERE person_id = $1', [peer.id])).toBe(1);
  });

  it('refuses files that cannot be read, with a sentence, and writes nothing', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const cases: Array<[string | Buffer, string, RegExp]> = [
      [png, 'photo.csv', /binary|not a CSV|image/i],
      ['', 'empty.csv', /empty/i],
      ['email,type,issued_on\n', 'header.csv', /header|no records/i],
    ];
    for (const [body, name, message] of cases) {
      const res = await dryRun('credentials', body, name);
      expect(res.state).toBe('failed');
      expect(res.failure).toMatch(message);
    }
    // A NUL near the start is a binary file; further down, the row that has it is refused by its column.
    const nulEarly = await dryRun('credentials', 'email,type,issued_on\na@example.org,CPR,2026-01-01\u0000\n');
    expect(nulEarly.state).toBe('failed');
    const padding = Array.from({ length: 40 }, (_, i) => `nobody${i}@example.org,CPR,2026-01-01,`).join('\n');
    const nulLate = await dryRun(
      'credentials',
      `email,type,issued_on,number\n${padding}\nlate@example.org,CPR,2026-01-01,A\u0000B\n`,
    );
    expect(nulLate.state).toBe('checked');
    expect(nulLate.errors).toEqual(
      expect.arrayContaining([{ line: 42, column: 'number', message: expect.stringContaining('control characters') }]),
    );
    const missing = await dryRun('credentials', 'email,issued_on\nx@example.org,2026-01-01\n');
    expect(missing).toMatchObject({ state: 'checked', needsMapping: true });
    expect(missing.failure).toContain('Credential type');
    await t.withBearer(admin).post(`/api/v1/imports/${missing.id}/commit`).send({}).expect(409);

    const health = await dryRun(
      'attestations',
      'email,verified_on,evidence_location,Diagnosis\nx@example.org,2026-01-01,HR file,something\n',
    );
    expect(health.state).toBe('failed');
    expect(health.failure).toMatch(/"Diagnosis" looks like health information/);

    const mixed = await dryRun(
      'credentials',
      'email,type,issued_on\na@example.org,CPR,3/4/2026\nb@example.org,CPR,31/12/2025\n',
    );
    expect(mixed.failure).toMatch(/both month first and day first/);

    const big = await t
      .withBearer(admin)
      .post('/api/v1/imports')
      .field('kind', 'people')
      .attach('file', Buffer.alloc(26 * 1024 * 1024, 'a'), 'big.csv');
    expect(big.status).toBe(413);
    expect(big.body.message).toContain('25 MB');
  });

  it('maps an unmatched column through the mapping field, or ignores it', async () => {
    const x = tag();
    await t.person(['peer'], { email: `map.${x}@example.org` });
    const csv = `Staff mail,Cert,Granted,Remarks\nmap.${x}@example.org,CPR,2026-03-01,anything\n`;
    const asked = await dryRun('credentials', csv);
    expect(asked.needsMapping).toBe(true);
    expect(asked.reading.unmatched).toEqual(['Staff mail', 'Cert', 'Granted', 'Remarks']);
    const mapped = await dryRun('credentials', csv, 'mapped.csv', {
      mapping: JSON.stringify({ 'Staff mail': 'email', Cert: 'type', Granted: 'issued_on', Remarks: null }),
      saveMappingAs: 'HR export',
    });
    expect(mapped).toMatchObject({ state: 'checked', needsMapping: false, counts: { new: 1 } });
    const bad = await upload('credentials', csv, 'x.csv', { mapping: '{"Cert": 5}' });
    expect(bad.status).toBe(400);
  });

  it('awards past completions as of their date without e-mail, and reads XLSX date cells', async () => {
    const x = tag();
    const peer = await t.person(['peer'], { email: `done.${x}@example.org` });
    const [course] = await t.dataSource.query(
      'SELECT c.code, c.required_hours FROM courses c WHERE c.awards_credential_type_id IS NOT NULL ORDER BY c.code',
    );
    expect(course).toBeDefined();
    const path = join(tmpdir(), `completions-${x}.xlsx`);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Past courses');
    sheet.addRow(['Email', 'Course', 'Completed', 'Hours']);
    sheet.addRow([
      `done.${x}@example.org`,
      course.code,
      new Date(Date.UTC(2024, 4, 17)),
      Number(course.required_hours),
    ]);
    await book.xlsx.writeFile(path);
    const outbox = await count('SELECT COUNT(*) AS n FROM outbox');
    const checked = await dryRun('completions', readFileSync(path), 'history.xlsx');
    expect(checked).toMatchObject({
      state: 'checked',
      counts: { new: 1 },
      reading: { format: 'xlsx', sheet: 'Past courses' },
    });
    await commit(checked.id);
    const [award] = await t.dataSource.query(
      `SELECT source, issued_on, cohort_id FROM credentials WHERE person_id = '${peer.id}'`,
    );
    expect(isoDay(award.issued_on)).toBe('2024-05-17');
    expect(award).toMatchObject({ source: 'course', cohort_id: null });
    expect(await count('SELECT COUNT(*) AS n FROM outbox')).toBe(outbox);
    expect(await count('SELECT COUNT(*) AS n FROM certificates')).toBe(0);
    writeFileSync(path, '');
  });

  it('rejects a 50,000-row file with one bad row whole, with no partial writes', async () => {
    const x = tag();
    const people = ['Name,Email,External id'];
    for (let i = 0; i < 50_000; i++) people.push(`Person ${i},p${i}.${x}@example.org,${x}-${i}`);
    people[30_001] = `Person bad,not-an-email,${x}-bad`;
    const before = await count('SELECT COUNT(*) AS n FROM people');
    const checked = await dryRun('people', people.join('\n'), 'big.csv');
    expect(checked).toMatchObject({ rows: 50_000, counts: { new: 49_999, rejected: 1 } });
    expect(checked.errors).toEqual([expect.objectContaining({ line: 30_002, column: 'Email' })]);
    await t.withBearer(admin).post(`/api/v1/imports/${checked.id}/commit`).send({}).expect(409);
    expect(await count('SELECT COUNT(*) AS n FROM people')).toBe(before);
  }, 180_000);

  it('keeps an upload a week: the next upload after that removes the file, and the import stays listed', async () => {
    const old = await dryRun('credentials', 'email,type,issued_on\nnobody@example.org,CPR,2026-01-10\n', 'old.csv');
    const folder = join(t.config.dataDir, 'imports');
    expect(existsSync(join(folder, `${old.id}.upload`))).toBe(true);
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    await t.dataSource.query(
      engine === 'postgres'
        ? 'UPDATE imports SET created_at = $1 WHERE id = $2'
        : 'UPDATE imports SET created_at = ? WHERE id = ?',
      [engine === 'postgres' ? eightDaysAgo : eightDaysAgo.toISOString().replace('T', ' ').replace('Z', ''), old.id],
    );
    await dryRun('credentials', 'email,type,issued_on\nnobody@example.org,CPR,2026-01-11\n', 'new.csv');
    expect(existsSync(join(folder, `${old.id}.upload`))).toBe(false);
    expect(existsSync(join(folder, `${old.id}-rejected.csv`))).toBe(false);
    expect((await t.withBearer(admin).get(`/api/v1/imports/${old.id}`).expect(200)).body.counts.rejected).toBe(1);
  });

  it('is for admins only', async () => {
    const peer = (await t.token(['peer'])).bearer;
    await t.withBearer(peer).get('/api/v1/imports').expect(403);
    await t.http().get('/api/v1/imports').expect(401);
  });
});
