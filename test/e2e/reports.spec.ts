import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { systemActor } from '../../src/common/auth/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import type { Person } from '../../src/modules/people/person.entity';
import { programFactory } from '../factories/program';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/**
 * A small program whose every number is known, on a fixed "today" (passed as the date, never the
 * wall clock): D = 2026-06-15, so the month ends are 2025-06-30 … 2026-05-31.
 *
 *   Ava  lived experience, PS-40, MT-CBHPSS 2025 (renewed by 2026), supervised by Sam: PSS cleared throughout.
 *        CPR expires 2026-07-01 (within 30 days). CE: 10 h in period 1, 6 h + 2 h suicide prevention in period 2.
 *   Ben  PS-40 from 2025-09-15, MT-CBHPSS 2025-10-01 → 2025-12-31, not renewed (grace to 2026-02-14): PSS cleared
 *        Oct–Jan month ends; expired in the last year. Supervised by Sam; last session 2026-02-01.
 *   Cal  MT-CBHPSS 2026, supervised by Sue from 2026-03-01: PSS and Jail services from the March month end.
 *        CORR expires 2026-08-01 (within 60). 2 h suicide prevention confirmed: ready to renew.
 *   Dee  (named like a formula) MT-CBHPSS 2026 but never supervised; MHFA expires 2026-08-20 (within 90);
 *        MT-FPSS expired 2026-06-01, in grace (lapsed).
 *   Eli  inactive, CPR expiring: not counted. Tia, a trainer: NARCAN-MT expiring: not a peer, not counted.
 */
const D = '2026-06-15';
const DEE = '=SUM(1,2) Dee';

describeEachEngine('Reports and the dashboard on a hand-computed program', (engine) => {
  let t: TestApp;
  let admin: string;
  let sam: Person;
  let sue: Person;
  let tia: Person;
  const tokenFor = async (person: Person) =>
    (await t.app.get(ApiTokensService).issue(person.id, 'test', systemActor('test'))).token;
  let people: Record<'ava' | 'ben' | 'cal' | 'dee', Person>;
  let api: (path: string) => Promise<{ status: number; body: Record<string, unknown> }>;

  beforeAll(async () => {
    t = await createTestApp(engine);
    const f = programFactory(t.dataSource);
    const boss = await f.person('Fixture Admin', ['admin']);
    sam = await f.person('Sam Supervisor', ['supervisor']);
    sue = await f.person('Sue Supervisor', ['supervisor']);
    await f.qualified(sam, '2020-01-01');
    await f.qualified(sue, '2020-01-01');
    const ava = await f.person('Ava Peer', ['peer']);
    const ben = await f.person('Ben Peer', ['peer']);
    const cal = await f.person('Cal Peer', ['peer']);
    const dee = await f.person(DEE, ['peer']);
    const eli = await f.person('Eli Former', ['peer'], 'inactive');
    tia = await f.person('Tia Trainer', ['trainer']);
    people = { ava, ben, cal, dee };
    for (const p of [ava, ben, cal, dee]) await f.livedExperience(p, boss, '2024-01-01');

    await f.credential(ava, 'PS-40', '2024-02-01', null);
    await f.credential(ava, 'MT-CBHPSS', '2025-01-10', '2025-12-31', { licenceNumber: 'CBHPSS-1' });
    await f.credential(ava, 'MT-CBHPSS', '2026-01-05', '2026-12-31', { licenceNumber: 'CBHPSS-1' });
    await f.credential(ava, 'CPR', '2024-07-01', '2026-07-01');
    await f.supervise(ava, sam, '2025-01-01');
    await f.supervisionSession(ava, sam, '2026-05-10', 30, 'Boundaries with a client named in confidence');
    await f.supervisionSession(ava, sam, '2026-06-01', 60, 'Self-care plan');
    await f.ce(ava, '2025-06-01', 10, 'general');
    await f.ce(ava, '2026-03-01', 6, 'general');
    await f.ce(ava, '2026-04-01', 2, 'suicide_prevention');

    await f.credential(ben, 'PS-40', '2025-09-15', null);
    await f.credential(ben, 'MT-CBHPSS', '2025-10-01', '2025-12-31');
    await f.supervise(ben, sam, '2025-01-01');
    await f.supervisionSession(ben, sam, '2026-02-01', 45, 'Caseload review');

    await f.credential(cal, 'PS-40', '2024-01-01', null);
    await f.credential(cal, 'MT-CBHPSS', '2026-01-01', '2026-12-31');
    await f.credential(cal, 'CORR', '2025-08-01', '2026-08-01');
    await f.supervise(cal, sue, '2026-03-01');
    await f.ce(cal, '2026-02-01', 2, 'suicide_prevention');

    await f.credential(dee, 'PS-40', '2024-01-01', null);
    await f.credential(dee, 'MT-CBHPSS', '2026-01-01', '2026-12-31');
    await f.credential(dee, 'MHFA', '2023-08-20', '2026-08-20');
    await f.credential(dee, 'MT-FPSS', '2025-06-01', '2026-06-01');
    await f.ce(dee, '2026-05-01', 5, 'general', 'submitted');

    await f.credential(eli, 'CPR', '2024-06-20', '2026-06-20');
    await f.credential(tia, 'NARCAN-MT', '2024-06-30', '2026-06-30');

    // Training: a course awarding PS-40, run in the community (done), in the jail (under way) and at the clinic (not started).
    const course = await f.course('FX-40', 'Fixture 40-hour course', 16, 'PS-40');
    const community = await f.cohort(
      course,
      'Fall community',
      'community',
      'Hardin community hall',
      '2025-09-01',
      '2025-09-10',
      'completed',
    );
    const jail = await f.cohort(
      course,
      'Jail June',
      'jail',
      'Yellowstone County Detention Facility',
      '2026-06-01',
      '2026-06-30',
      'running',
    );
    const clinic = await f.cohort(
      course,
      'Clinic July',
      'clinic',
      'Billings clinic',
      '2026-07-01',
      '2026-07-31',
      'planned',
    );
    const c1 = await f.session(community, '2025-09-01', 8);
    const c2 = await f.session(community, '2025-09-02', 8);
    await f.enroll(community, ben, '2025-09-12');
    await f.attend(c1, ben, 'present', 8);
    await f.attend(c2, ben, 'present', 8);
    const j1 = await f.session(jail, '2026-06-01', 8);
    const j2 = await f.session(jail, '2026-06-08', 8);
    const cancelled = await f.session(jail, '2026-06-05', 8, true);
    await f.session(jail, '2026-06-22', 8);
    await f.enroll(jail, cal);
    await f.enroll(jail, dee);
    await f.attend(j1, cal, 'present', 8);
    await f.attend(j2, cal, 'present', 8);
    await f.attend(cancelled, cal, 'present', 8);
    await f.attend(j1, dee, 'partial', 4);
    await f.attend(j2, dee, 'absent', 0);
    await f.enroll(clinic, ben);

    admin = (await t.token(['admin'])).bearer;
    api = async (path) => {
      const res = await t.withBearer(admin).get(path);
      return { status: res.status, body: res.body as Record<string, unknown> };
    };
  });
  afterAll(async () => t?.close());

  it('gives the dashboard figures worked out by hand', async () => {
    const { status, body: d } = await api(`/api/v1/reports/dashboard?date=${D}`);
    expect(status).toBe(200);
    expect(d).toMatchObject({
      date: D,
      scope: 'program',
      peers: 4,
      expiring: { in30: 1, in60: 2, in90: 3 },
      lapsed: 1,
      expiredLastYear: 1,
      supervisionGap: { days: 30, peers: 3 },
      pipeline: [{ code: 'FX-40', enrolled: 1, inProgress: 2, completed: 1 }],
    });
    const cleared = Object.fromEntries(
      (d.clearedToday as Array<{ code: string; cleared: number }>).map((r) => [r.code, r.cleared]),
    );
    expect(cleared).toEqual({
      PSS: 2,
      'JAIL-SERVICES': 1,
      'RECOVERY-DOULA': 0,
      'IND-RECOVERY-DOULA': 0,
      'NARCAN-INSTRUCTOR': 0,
      'FIS-FACILITATOR': 0,
      'MIS-FACILITATOR': 0,
      'TRAUMA-FACILITATOR': 0,
    });

    const charts = d.charts as Record<
      string,
      { categories: Array<{ key: string }>; series: Array<{ key: string; values: number[] }> }
    >;
    expect(charts.expirations.categories.map((c) => c.key)).toEqual([
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
    ]);
    expect(charts.expirations.series).toEqual([
      { key: 'MT-CBHPSS', label: 'MT-CBHPSS', values: [0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0] },
      { key: 'CORR', label: 'CORR', values: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      { key: 'CPR', label: 'CPR', values: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      { key: 'MHFA', label: 'MHFA', values: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
    ]);
    expect(charts.cleared.categories.map((c) => c.key)).toEqual([
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
    ]);
    const line = Object.fromEntries(charts.cleared.series.map((s) => [s.key, s.values]));
    expect(line.PSS).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 2, 2]);
    expect(line['JAIL-SERVICES']).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(line['NARCAN-INSTRUCTOR']).toEqual(Array(12).fill(0));
  });

  it('agrees with the clearance board asked about each month end directly', async () => {
    const { body: d } = await api(`/api/v1/reports/dashboard?date=${D}`);
    const charts = d.charts as Record<string, { series: Array<{ key: string; values: number[] }> }>;
    const ends = [
      '2025-06-30',
      '2025-07-31',
      '2025-08-31',
      '2025-09-30',
      '2025-10-31',
      '2025-11-30',
      '2025-12-31',
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
    ];
    for (const [i, date] of ends.entries()) {
      const { body } = await api(`/api/v1/clearance/board?date=${date}`);
      const rows = body.rows as Array<{ clearance: Record<string, { status: string }> }>;
      for (const s of charts.cleared.series)
        expect([date, s.key, s.values[i]]).toEqual([
          date,
          s.key,
          rows.filter((r) => r.clearance[s.key].status !== 'not_cleared').length,
        ]);
    }
  });

  it('shows a supervisor only their own team', async () => {
    const samToken = await tokenFor(sam);
    const res = await t.withBearer(`Bearer ${samToken}`).get(`/api/v1/reports/dashboard?date=${D}`).expect(200);
    expect(res.body).toMatchObject({
      scope: 'team',
      peers: 2,
      expiring: { in30: 1, in60: 1, in90: 1 },
      lapsed: 0,
      expiredLastYear: 1,
      supervisionGap: { peers: 1 },
      pipeline: [{ code: 'FX-40', enrolled: 1, inProgress: 0, completed: 1 }],
    });
    expect(
      (res.body.clearedToday as Array<{ code: string; cleared: number }>).find((r) => r.code === 'PSS')?.cleared,
    ).toBe(1);
    const roster = await t
      .withBearer(`Bearer ${samToken}`)
      .get(`/api/v1/reports/credential-roster?date=${D}`)
      .expect(200);
    expect([...new Set((roster.body.rows as Array<{ person: string }>).map((r) => r.person))].sort()).toEqual([
      'Ava Peer',
      'Ben Peer',
    ]);
    const clearance = await t.withBearer(`Bearer ${samToken}`).get(`/api/v1/reports/clearance?date=${D}`).expect(200);
    expect(new Set((clearance.body.rows as Array<{ person: string }>).map((r) => r.person))).toEqual(
      new Set(['Ava Peer', 'Ben Peer']),
    );
    // Peers and trainers have no reports at all.
    for (const person of [people.dee, tia]) {
      const bearer = `Bearer ${await tokenFor(person)}`;
      await t.withBearer(bearer).get('/api/v1/reports/dashboard').expect(403);
      await t.withBearer(bearer).get('/api/v1/reports/credential-roster').expect(403);
    }
  });

  it('reports training activity by course and setting, jail cohorts included, and filters by setting', async () => {
    const { status, body } = await api('/api/v1/reports/training-activity?from=2025-09-01&to=2026-06-15');
    expect(status).toBe(200);
    expect(body.rows).toEqual([
      {
        course_code: 'FX-40',
        course: 'Fixture 40-hour course',
        setting: 'community',
        cohorts: 1,
        sessions: 2,
        people_trained: 1,
        hours_delivered: 16,
        completions: 1,
      },
      {
        course_code: 'FX-40',
        course: 'Fixture 40-hour course',
        setting: 'jail',
        cohorts: 1,
        sessions: 2,
        people_trained: 2,
        hours_delivered: 20,
        completions: 0,
      },
    ]);
    expect(body.summary).toEqual([
      { label: 'People trained', value: 3 },
      { label: 'Hours delivered', value: 36 },
      { label: 'Completions', value: 1 },
      { label: 'People trained in jail cohorts', value: 2 },
    ]);
    const jail = await api(
      '/api/v1/reports/training-activity?from=2025-09-01&to=2026-06-15&setting=jail&location=detention',
    );
    expect((jail.body.rows as Array<{ setting: string }>).map((r) => r.setting)).toEqual(['jail']);
    const elsewhere = await api('/api/v1/reports/training-activity?from=2025-09-01&to=2026-06-15&location=missoula');
    expect(elsewhere.body.rows).toEqual([]);
  });

  it('lists every credential with its status on the date, narrowed by type or by practice role', async () => {
    const { body } = await api(`/api/v1/reports/credential-roster?date=${D}`);
    const rows = body.rows as Array<Record<string, string | number | null>>;
    expect(rows).toHaveLength(15);
    const status = (person: string, code: string) =>
      rows.filter((r) => r.person === person && r.credential_code === code).map((r) => r.status);
    expect(status('Ava Peer', 'MT-CBHPSS')).toEqual(['renewed', 'current']);
    expect(status('Ava Peer', 'CPR')).toEqual(['expiring']);
    expect(status('Ben Peer', 'MT-CBHPSS')).toEqual(['expired']);
    expect(status(DEE, 'MT-FPSS')).toEqual(['grace']);
    expect(rows.find((r) => r.person === 'Ava Peer' && r.credential_code === 'CPR')).toMatchObject({
      issued_on: '2024-07-01',
      expires_on: '2026-07-01',
      days_to_expiry: 16,
    });
    expect((await api(`/api/v1/reports/credential-roster?date=${D}&credentialType=mt-cbhpss`)).body.rows).toHaveLength(
      5,
    );
    expect((await api(`/api/v1/reports/credential-roster?date=${D}&role=JAIL-SERVICES`)).body.rows).toHaveLength(10);
    expect(
      (await api(`/api/v1/reports/credential-roster?date=${D}&from=2026-06-15&to=2026-07-15`)).body.rows,
    ).toHaveLength(3);
    expect((await api(`/api/v1/reports/credential-roster?date=${D}&supervisor=${sue.id}`)).body.rows).toHaveLength(3);
  });

  it('compares confirmed CE hours with what each renewal asks', async () => {
    const { body } = await api(`/api/v1/reports/renewal-readiness?date=${D}`);
    const rows = body.rows as Array<Record<string, string | number>>;
    // By name, as the lists sort: "=" before letters.
    expect(rows.map((r) => [r.person, r.credential_code, r.ready])).toEqual([
      [DEE, 'MT-CBHPSS', 'no'],
      [DEE, 'MT-FPSS', 'no'],
      ['Ava Peer', 'MT-CBHPSS', 'no'],
      ['Cal Peer', 'MT-CBHPSS', 'yes'],
    ]);
    expect(rows[2]).toMatchObject({
      renewal_number: 2,
      hours_needed: 20,
      carried_forward: 10,
      hours_done: 8,
      hours_short: 2,
      days_left: 199,
      missing: '2 more CE hours',
    });
    expect(rows[0]).toMatchObject({ hours_needed: 0, hours_done: 0, missing: '2 h of suicide prevention' });
    expect(rows[1]).toMatchObject({ days_left: -14 });
  });

  it('sums supervision per peer per month and never shows what was discussed', async () => {
    const res = await t
      .withBearer(admin)
      .get('/api/v1/reports/supervision-summary?from=2026-01-01&to=2026-06-15')
      .expect(200);
    expect(res.body.rows).toEqual([
      { peer: 'Ava Peer', peer_id: people.ava.id, month: '2026-05', sessions: 1, minutes: 30, hours: 0.5 },
      { peer: 'Ava Peer', peer_id: people.ava.id, month: '2026-06', sessions: 1, minutes: 60, hours: 1 },
      { peer: 'Ben Peer', peer_id: people.ben.id, month: '2026-02', sessions: 1, minutes: 45, hours: 0.75 },
    ]);
    expect(res.text).not.toContain('confidence');
    const csv = await t
      .withBearer(admin)
      .get('/reports/supervision-summary.csv?from=2026-01-01&to=2026-06-15')
      .expect(200);
    expect(csv.text).not.toContain('confidence');
    expect(
      (await api(`/api/v1/reports/supervision-summary?from=2026-01-01&to=2026-06-15&supervisor=${sue.id}`)).body.rows,
    ).toEqual([]);
  });

  it('gives clearance on a date for everyone', async () => {
    const { body } = await api(`/api/v1/reports/clearance?date=${D}&role=PSS`);
    expect(
      (body.rows as Array<Record<string, string | null>>).map((r) => [
        r.person,
        r.status,
        r.cleared_until,
        r.warning_until,
      ]),
    ).toEqual([
      // Issue 18 §1: cleared without a warning until the expiry, then with one through the grace (cleared_until was 2027-02-14).
      [DEE, 'not_cleared', null, null],
      ['Ava Peer', 'cleared', '2026-12-31', '2027-02-14'],
      ['Ben Peer', 'not_cleared', null, null],
      ['Cal Peer', 'cleared', '2026-12-31', '2027-02-14'],
    ]);
  });

  it('refuses bad filters in the one error shape', async () => {
    const impossible = await api('/api/v1/reports/training-activity?from=2026-02-30');
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors).toEqual([{ field: 'from', message: 'must be a real date (YYYY-MM-DD)' }]);
    const malformed = await api('/api/v1/reports/training-activity?from=yesterday');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: 'from', message: 'must be a date (YYYY-MM-DD)' }]);
    const backwards = await api('/api/v1/reports/supervision-summary?from=2026-06-01&to=2026-05-01');
    expect(backwards.body.errors).toEqual([{ field: 'to', message: 'must be on or after the start date' }]);
    const misplaced = await api('/api/v1/reports/supervision-summary?role=PSS&credentialType=NOPE');
    expect(misplaced.status).toBe(400);
    expect((misplaced.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual([
      'credentialType',
      'role',
    ]);
    expect((await api('/api/v1/reports/credential-roster?credentialType=NOPE')).body.errors).toEqual([
      { field: 'credentialType', message: 'is not a credential type code' },
    ]);
    expect((await api('/api/v1/reports/clearance?role=NOPE')).body.errors).toEqual([
      { field: 'role', message: 'is not a practice role code' },
    ]);
    expect((await api('/api/v1/reports/clearance?unknown=1')).status).toBe(400);
    expect((await api('/api/v1/reports/nothing-here')).status).toBe(404);
    expect((await api('/api/v1/reports/dashboard?date=2026-13-01')).status).toBe(400);
    const csv = await t
      .withBearer(admin)
      .get('/reports/training-activity.csv?to=nope')
      .set('Accept', 'application/json');
    expect(csv.status).toBe(400);
    expect(csv.body.errors).toEqual([{ field: 'to', message: 'must be a date (YYYY-MM-DD)' }]);
  });

  it('downloads a roster CSV that parses back to the same rows, formulas escaped', async () => {
    const json = (await api(`/api/v1/reports/credential-roster?date=${D}`)).body.rows as Array<
      Record<string, string | number | null>
    >;
    const res = await t.withBearer(admin).get(`/reports/credential-roster.csv?date=${D}`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="credential-roster-${D}.csv"`);
    const parsed = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    expect(parsed).toHaveLength(json.length);
    expect(Object.keys(parsed[0])).toEqual(Object.keys(json[0]));
    parsed.forEach((row, i) => {
      for (const [key, value] of Object.entries(json[i])) {
        const expected = value === null ? '' : String(value);
        // A value a spreadsheet would run as a formula comes back with the leading quote that disarms it.
        expect(row[key]).toBe(typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${expected}` : expected);
      }
    });
    expect(parsed.some((r) => r.person === `'${DEE}`)).toBe(true);
  });

  it('downloads the roster as XLSX that ExcelJS opens with every row, dates as dates and the formula-like name as text', async () => {
    const res = await t
      .withBearer(admin)
      .get(`/reports/credential-roster.xlsx?date=${D}`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Credential roster')!;
    expect(sheet.rowCount).toBe(16);
    expect(sheet.getRow(1).getCell(1).value).toBe('Person');
    const names = [];
    for (let r = 2; r <= sheet.rowCount; r++) names.push(sheet.getRow(r).getCell(1));
    const dee = names.find((c) => c.value === DEE)!;
    expect(dee).toBeDefined();
    expect(dee.type).toBe(ExcelJS.ValueType.String);
    const cprRow = sheet.getRow(
      names.findIndex((c, i) => c.value === 'Ava Peer' && sheet.getRow(i + 2).getCell(3).value === 'CPR') + 2,
    );
    expect(cprRow.getCell(8).value).toEqual(new Date('2026-07-01T00:00:00Z'));
    expect(workbook.getWorksheet('About')!.getRow(1).values).toEqual([undefined, 'Report', 'Credential roster']);
  });

  it('prints the dashboard on one page with the same figures and chart labels', async () => {
    const res = await t
      .withBearer(admin)
      .get(`/reports/dashboard.pdf?date=${D}`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const file = join(mkdtempSync(join(tmpdir(), 'dashboard-')), 'dashboard.pdf');
    writeFileSync(file, res.body as Buffer);
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/^Pages:\s+1$/m);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    expect(text).toContain('As of Jun 15, 2026');
    expect(text).toContain('4 active peers');
    expect(text).toContain('Credentials expiring by month, next 12 months');
    expect(text).toContain('Peer Support Specialist 2');
    expect(text).toContain('Jail Services 1');
    expect(text).toMatch(/FX-40 Fixture 40-hour course\s+1\s+2\s+1/);
  });
});
