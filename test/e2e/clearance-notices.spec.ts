import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { clearanceRows } from '../helpers/clearance-rows';
import { describeEachEngine } from '../helpers/engines';

/**
 * Issue 18 §2 through the API, the board and its CSV: a Recovery Doula without the state licence,
 * before the licence is required (2027-01-01), is cleared with a notice, not with a warning.
 */
describeEachEngine('Clearance notices: a rule that starts later', (engine) => {
  let t: TestApp;
  let supervisor: Person;
  let doula: Person;
  let peer: Person;
  const NOTICE = { from: '2027-01-01', text: 'From Jan 1, 2027 this role also needs: Montana Doula Licence' };

  const { insert, give, qualify } = clearanceRows(() => t, engine);
  const qualified = (person: Person) =>
    qualify(person, supervisor.id, { issuedOn: '2026-01-01', expiresOn: '2027-12-31' });

  beforeAll(async () => {
    t = await createTestApp(engine);
    supervisor = await t.person(['supervisor']);
    await insert('supervisor_qualifications', {
      id: randomUUID(),
      person_id: supervisor.id,
      licence: 'LCPC #1',
      qualified_from: '2020-01-01',
      qualified_until: null,
    });
    doula = await t.person(['peer'], { name: 'Dana Doula' });
    peer = await t.person(['peer'], { name: 'Paul Peer' });
    await qualified(doula);
    await qualified(peer);
    await give(doula, 'DOULA', '2025-03-01', '2028-03-01');
  });
  afterAll(async () => t?.close());

  it('answers cleared with a notice, told apart from a warning by its own field, and no notice from the day it applies', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const before = await admin
      .get(`/api/v1/people/${doula.id}/clearance`)
      .query({ role: 'RECOVERY-DOULA', date: '2026-11-28' })
      .expect(200);
    expect(before.body.results[0]).toMatchObject({
      status: 'cleared',
      clearedUntil: '2026-12-31',
      warnings: [],
      notices: [NOTICE],
    });
    const on = await admin
      .get(`/api/v1/people/${doula.id}/clearance`)
      .query({ role: 'RECOVERY-DOULA', date: '2027-01-01' })
      .expect(200);
    expect(on.body.results[0]).toMatchObject({ status: 'not_cleared', notices: [] });

    const board = await admin.get('/api/v1/clearance/board').query({ date: '2026-11-28', role: 'RECOVERY-DOULA' });
    const cell = (name: string) =>
      board.body.rows.find((r: { person: { name: string } }) => r.person.name === name).clearance['RECOVERY-DOULA'];
    expect(cell('Dana Doula')).toEqual({
      status: 'cleared',
      clearedUntil: '2026-12-31',
      warningUntil: null,
      warnings: [],
      notices: [NOTICE],
    });
    // Not a doula at all: not cleared, and so no notice either.
    expect(cell('Paul Peer')).toMatchObject({ status: 'not_cleared', notices: [] });
  });

  it('filters the board to the changes coming within 30, 60 or 90 days, the day itself included', async () => {
    const browser = await t.browser(['admin']);
    const show = async (query: Record<string, string>) =>
      (await t.as(browser).get('/clearance').query(query).expect(200)).text;
    // 2027-01-01 is 90 days after 2026-10-03, and 91 after 2026-10-02.
    expect(await show({ date: '2026-10-03', changes: '90' })).toContain('Dana Doula');
    expect(await show({ date: '2026-10-02', changes: '90' })).not.toContain('Dana Doula');
    // 34 days after 2026-11-28: within 60, not within 30.
    expect(await show({ date: '2026-11-28', changes: '30' })).not.toContain('Dana Doula');
    const within60 = await show({ date: '2026-11-28', changes: '60' });
    expect(within60).toContain('Dana Doula');
    expect(within60).not.toContain('Paul Peer');
    expect(within60).toContain('rules change Jan 1, 2027');
    expect(await show({ date: '2026-11-28' })).toContain('Paul Peer');
    // From the day the rule applies there is nothing coming.
    expect(await show({ date: '2027-01-01', changes: '90' })).not.toContain('Dana Doula');

    const csv = await t
      .as(browser)
      .get('/clearance.csv')
      .query({ date: '2026-11-28', changes: '90', role: 'RECOVERY-DOULA' })
      .expect(200);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.person, r.status, r.cleared_until, r.why])).toEqual([
      ['Dana Doula', 'cleared', '2026-12-31', `${NOTICE.text}.`],
    ]);
  });

  it("shows the notice on the person's page, not as a warning", async () => {
    const browser = await t.browser(['admin']);
    const page = await t.as(browser).get(`/people/${doula.id}/clearance`).query({ date: '2026-11-28' }).expect(200);
    expect(page.text).toContain(`<p class="notice-text">ℹ ${NOTICE.text}.</p>`);
    expect(page.text).not.toContain('becomes required on');
  });

  // Issue 18 §1: Paul's MT-CBHPSS expires Dec 31, 2027, with 45 days of grace to Feb 14, 2028.
  it.each([
    ['2027-12-31', 'cleared', '2027-12-31', '2028-02-14'],
    ['2028-01-01', 'cleared_with_warning', '2028-02-14', '2028-02-14'],
    ['2028-02-14', 'cleared_with_warning', '2028-02-14', '2028-02-14'],
    ['2028-02-15', 'not_cleared', null, null],
  ])('answers on %s: %s, cleared until %s, warning until %s', async (date, status, clearedUntil, warningUntil) => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const res = await admin.get(`/api/v1/people/${peer.id}/clearance`).query({ role: 'PSS', date }).expect(200);
    expect(res.body.results[0]).toMatchObject({ status, clearedUntil, warningUntil });
    const board = await admin.get('/api/v1/clearance/board').query({ date, role: 'PSS' }).expect(200);
    const row = board.body.rows.find((r: { person: { id: string } }) => r.person.id === peer.id);
    expect(row.clearance.PSS).toMatchObject({ status, clearedUntil, warningUntil });
  });

  it('says in the API why cleared-until ends when it does', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const res = await admin
      .get(`/api/v1/people/${peer.id}/clearance`)
      .query({ role: 'PSS', date: '2027-11-28' })
      .expect(200);
    expect(res.body.results[0].untilReason).toBe(
      'Cleared until Dec 31, 2027; lapsed from Jan 1, 2028: may practise with a warning until Feb 14, 2028 (MT-CBHPSS expires Dec 31, 2027)',
    );
  });

  it('shows both dates on the board, its CSV and the person page', async () => {
    const browser = await t.browser(['admin']);
    const date = '2027-11-28';
    const board = (await t.as(browser).get('/clearance').query({ date, role: 'PSS' }).expect(200)).text;
    expect(board).toContain('<small> until Dec 31, 2027</small><small>, with a warning to Feb 14, 2028</small>');
    const csv = await t.as(browser).get('/clearance.csv').query({ date, role: 'PSS' }).expect(200);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((r) => r.person === 'Paul Peer')).toMatchObject({
      status: 'cleared',
      cleared_until: '2027-12-31',
      warning_until: '2028-02-14',
    });
    const page = (await t.as(browser).get(`/people/${peer.id}/clearance`).query({ date }).expect(200)).text;
    expect(page).toContain(
      'until <strong>Dec 31, 2027</strong>; lapsed from Jan 1, 2028: may practise with a warning until <strong>Feb 14, 2028</strong>',
    );
  });
});
