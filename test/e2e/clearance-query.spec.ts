import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { clearanceRows } from '../helpers/clearance-rows';
import { describeEachEngine } from '../helpers/engines';

/**
 * The clearance API's query strings go through DTOs (issue 15): the board API takes the page's `expiring`
 * and `changes` filters and refuses what the page refuses, with the same messages, in the one error shape.
 * A Recovery Doula cleared until 2026-12-31 (the state licence is required from 2027-01-01), seen on 2026-11-28.
 */
describeEachEngine('Clearance API query strings', (engine) => {
  let t: TestApp;
  let supervisor: Person;
  let doula: Person;
  const DATE = '2026-11-28';

  const { insert, give, qualify } = clearanceRows(() => t, engine);
  const qualified = (person: Person) =>
    qualify(person, supervisor.id, { issuedOn: '2026-01-01', expiresOn: '2027-12-31' });
  const api = async () => t.withBearer((await t.token(['admin'])).bearer);
  const names = (body: { rows: Array<{ person: { name: string } }> }) => body.rows.map((r) => r.person.name);

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
    const peer = await t.person(['peer'], { name: 'Paul Peer' });
    await qualified(doula);
    await qualified(peer);
    await give(doula, 'DOULA', '2025-03-01', '2028-03-01');
  });
  afterAll(async () => t?.close());

  it('filters the board API by changes coming and clearance ending, as the page and its CSV do', async () => {
    const admin = await api();
    const board = async (query: Record<string, string>) =>
      (
        await admin
          .get('/api/v1/clearance/board')
          .query({ date: DATE, role: 'RECOVERY-DOULA', ...query })
          .expect(200)
      ).body;
    expect(names(await board({}))).toEqual(['Dana Doula', 'Paul Peer']);
    // The licence rule starts 34 days on, and the clearance ends 33 days on: within 60, not within 30.
    expect(names(await board({ changes: '30' }))).toEqual([]);
    expect(names(await board({ changes: '60' }))).toEqual(['Dana Doula']);
    expect(names(await board({ expiring: '30' }))).toEqual([]);
    expect(names(await board({ expiring: '60' }))).toEqual(['Dana Doula']);
    expect(names(await board({ expiring: '60', changes: '30' }))).toEqual([]);

    const browser = await t.browser(['admin']);
    const csv = await t
      .as(browser)
      .get('/clearance.csv')
      .query({ date: DATE, role: 'RECOVERY-DOULA', changes: '60' })
      .expect(200);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.person)).toEqual(names(await board({ changes: '60' })));
  });

  it('still takes the role repeated, and a blank role or date as every role, today', async () => {
    const admin = await api();
    const two = await admin.get('/api/v1/clearance/board?role=PSS&role=recovery-doula').expect(200);
    expect(two.body.roles.map((r: { code: string }) => r.code).sort()).toEqual(['PSS', 'RECOVERY-DOULA']);
    const all = await admin.get('/api/v1/clearance/board?role=&date=').expect(200);
    const roles = await admin.get('/api/v1/clearance/board').expect(200);
    expect(all.body.roles).toEqual(roles.body.roles);
    expect(all.body.roles.length).toBeGreaterThan(2);
    expect(all.body.date).toBe(roles.body.date);
  });

  it('refuses a bad date, filter or role on the board API with a 400 in the one shape, worded as the page words it', async () => {
    const admin = await api();
    const browser = await t.browser(['admin']);
    for (const [query, field, message] of [
      [{ date: '2026-02-30' }, 'date', 'must be a real date (YYYY-MM-DD)'],
      [{ date: 'soon' }, 'date', 'must be a date (YYYY-MM-DD)'],
      [{ expiring: '45' }, 'expiring', 'must be one of 30, 60, 90 days'],
      [{ changes: 'x' }, 'changes', 'must be one of 30, 60, 90 days'],
      [{ role: 'R'.repeat(101) }, 'role', 'must be shorter than or equal to 100 characters'],
      [{ colour: 'red' }, 'colour', 'property colour should not exist'],
    ] as Array<[Record<string, string>, string, string]>) {
      const res = await admin.get('/api/v1/clearance/board').query(query).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: `${field}: ${message}` });
      expect(res.body.errors).toEqual([{ field, message }]);
      const page = await t.as(browser).get('/clearance').query(query).expect(400);
      expect(page.text).toContain(`<strong>${field}</strong>: ${message}`);
    }
  });

  it("refuses a bad date or role on the person's clearance API with a 400 in the one shape", async () => {
    const admin = await api();
    const url = `/api/v1/people/${doula.id}/clearance`;
    for (const [query, field, message] of [
      [{ date: '2026-02-30' }, 'date', 'must be a date (YYYY-MM-DD)'],
      [{ date: '28/11/2026' }, 'date', 'must be a date (YYYY-MM-DD)'],
      [{ role: 'R'.repeat(101) }, 'role', 'must be shorter than or equal to 100 characters'],
      [{ colour: 'red' }, 'colour', 'property colour should not exist'],
    ] as Array<[Record<string, string>, string, string]>) {
      const res = await admin.get(url).query(query).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, errors: [{ field, message }] });
      expect(res.body.errors).toHaveLength(1);
    }
    const unknown = await admin.get(url).query({ role: 'Astronaut' }).expect(400);
    expect(unknown.body).toMatchObject({
      statusCode: 400,
      errors: [{ field: 'role', message: 'is not a practice role code or name' }],
    });
    // Blank means left out, as before: every role, today.
    const blank = await admin.get(url).query({ role: '', date: '' }).expect(200);
    const plain = await admin.get(url).expect(200);
    expect(blank.body.results.map((r: { role: { code: string } }) => r.role.code)).toEqual(
      plain.body.results.map((r: { role: { code: string } }) => r.role.code),
    );
  });
});
