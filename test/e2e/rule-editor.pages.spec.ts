import { addDays, dateInZone } from '../../src/common/dates';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

interface Row {
  depth: number;
  kind: string;
  code?: string;
  from?: string;
  until?: string;
}

/** The editor's post: one row per node in document order, every row with the same five fields. */
function form(rows: Row[], extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const r of rows) {
    p.append('depth', String(r.depth));
    p.append('kind', r.kind);
    p.append('code', r.code ?? '');
    p.append('from', r.from ?? '');
    p.append('until', r.until ?? '');
  }
  for (const [k, v] of Object.entries(extra)) p.append(k, v);
  return p.toString();
}

/** Messages shown beside the editor's fields, by the id of the message. */
function fieldErrors(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<small class="field-error" id="([\w.-]+)-error">([^<]*)<\/small>/g))
    out[m[1]] = m[2].replace(/&#x27;/g, "'");
  return out;
}

describeEachEngine('Practice-role rule editor (pages)', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let web: ReturnType<TestApp['as']>;
  let api: ReturnType<TestApp['withBearer']>;
  let today: string;
  const roleIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = dateInZone(new Date(), t.config.timeZone);
    admin = await t.browser(['admin'], { name: 'Rule Editor Admin' });
    web = t.as(admin);
    api = t.withBearer((await t.token(['admin'])).bearer);
    for (const r of (await api.get('/api/v1/practice-roles').expect(200)).body) roleIds[r.code] = r.id;
  });
  afterAll(async () => t?.close());

  const versions = async (code: string) =>
    (await api.get(`/api/v1/practice-roles/${roleIds[code]}`).expect(200)).body.versions;

  it('shows admins the current rule as an editable tree, dated requirements included, and nobody else', async () => {
    const page = await web.get(`/catalog/practice-roles/${roleIds['RECOVERY-DOULA']}`).expect(200);
    expect(page.text).toContain('Change the rule…');
    expect(page.text).toMatch(/<option value="PSS" selected>Peer Support Specialist \(PSS\)<\/option>/);
    expect(page.text).toMatch(/<option value="MT-DOULA-LIC" selected>/);
    expect(page.text).toContain('name="from" value="2027-01-01"');
    expect(page.text).toMatch(/<option value="any_of" selected>any one of these<\/option>/);
    // A role cannot be offered as a requirement of itself.
    expect(page.text).not.toMatch(/<option value="RECOVERY-DOULA"/);

    const trainer = t.as(await t.browser(['trainer']));
    const seen = await trainer.get(`/catalog/practice-roles/${roleIds['RECOVERY-DOULA']}`).expect(200);
    expect(seen.text).toContain('Rule history');
    expect(seen.text).not.toContain('Change the rule');
    await trainer
      .post(`/catalog/practice-roles/${roleIds['RECOVERY-DOULA']}/rule`)
      .type('form')
      .send(form([{ depth: 0, kind: 'all_of' }]))
      .expect(403);
  });

  it('adds and removes requirements by posting the draft back, keeping everything typed', async () => {
    const url = `/catalog/practice-roles/${roleIds['NARCAN-INSTRUCTOR']}/rule`;
    const rows: Row[] = [
      { depth: 0, kind: 'all_of' },
      { depth: 1, kind: 'credential', code: 'NARCAN-MT', from: '2027-03-01' },
    ];
    const added = await web
      .post(url)
      .type('form')
      .send(form(rows, { op: 'add:0', 'add-0': 'any_of', effectiveFrom: addDays(today, 3), note: 'Board letter' }))
      .expect(200);
    expect(added.text).toContain('name="from" value="2027-03-01"');
    expect(added.text).toContain(`value="${addDays(today, 3)}"`);
    expect(added.text).toContain('value="Board letter"');
    expect(added.text).toMatch(/<option value="any_of" selected>/);
    expect(added.text).toContain('name="add-2"'); // the new group has its own add button
    expect(added.text).toContain('<details id="edit-rule" open>');

    const removed = await web
      .post(url)
      .type('form')
      .send(form([...rows, { depth: 1, kind: 'any_of' }], { op: 'remove:1', 'add-0': 'credential' }))
      .expect(200);
    expect(removed.text).not.toContain('value="2027-03-01"');
    expect(removed.text).toContain('value="remove:1"');
    expect(removed.text).not.toContain('value="remove:2"');
    expect(await versions('NARCAN-INSTRUCTOR')).toHaveLength(1);
  });

  it('re-shows a refused draft with each error beside its row, saving nothing', async () => {
    const url = `/catalog/practice-roles/${roleIds['JAIL-SERVICES']}/rule`;
    const draft: Row[] = [
      { depth: 0, kind: 'all_of' },
      { depth: 1, kind: 'practice_role', code: 'JAIL-SERVICES' },
      { depth: 1, kind: 'any_of' },
      { depth: 1, kind: 'credential', code: '' },
      { depth: 1, kind: 'credential', code: 'CORR', from: '2027-05-01', until: '2027-01-01' },
    ];
    const res = await web
      .post(url)
      .type('form')
      .send(form(draft, { op: 'save', effectiveFrom: addDays(today, 10), note: 'Try' }))
      .expect(400);
    expect(fieldErrors(res.text)).toEqual({
      'node-3-code': 'is required',
    });
    // The DTO's checks come first; once the shape is right, the service's rules are shown the same way.
    const fixed = draft.map((r, i) => (i === 3 ? { ...r, code: 'CPR' } : r));
    const refused = await web
      .post(url)
      .type('form')
      .send(form(fixed, { op: 'save', effectiveFrom: addDays(today, 10), note: 'Try' }))
      .expect(400);
    expect(fieldErrors(refused.text)).toEqual({
      'node-1-code': 'a practice role cannot require itself',
      'node-2': 'an any_of group needs at least one requirement',
      'node-4': 'appliesUntil is before appliesFrom',
    });
    expect(refused.text).toContain('Nothing was saved');
    expect(refused.text).toMatch(/<option value="JAIL-SERVICES" selected>JAIL-SERVICES<\/option>/);
    expect(refused.text).toContain('value="2027-05-01"');
    expect(refused.text).toContain('value="Try"');

    const past = await web
      .post(url)
      .type('form')
      .send(
        form(
          [
            { depth: 0, kind: 'all_of' },
            { depth: 1, kind: 'credential', code: 'CORR' },
          ],
          { op: 'save', effectiveFrom: addDays(today, -1) },
        ),
      )
      .expect(400);
    expect(fieldErrors(past.text)).toEqual({ effectiveFrom: expect.stringMatching(/cannot be in the past/) });
    expect(past.text).toContain(`value="${addDays(today, -1)}"`);

    // PSS requiring Jail Services, which requires PSS: a circle, reported on the rule as a whole.
    const circle = await web
      .post(`/catalog/practice-roles/${roleIds.PSS}/rule`)
      .type('form')
      .send(
        form(
          [
            { depth: 0, kind: 'any_of' },
            { depth: 1, kind: 'practice_role', code: 'JAIL-SERVICES' },
          ],
          { op: 'save' },
        ),
      )
      .expect(400);
    expect(fieldErrors(circle.text)).toEqual({
      'node-0': expect.stringMatching(/circle of required roles: .*JAIL-SERVICES/),
    });

    expect(await versions('JAIL-SERVICES')).toHaveLength(1);
    expect(await versions('PSS')).toHaveLength(1);
  });

  it('saves a valid draft as a new version through the same service as the API, with its audit entry', async () => {
    const roleId = roleIds['TRAUMA-FACILITATOR'];
    const from = addDays(today, 14);
    const rule = [
      { depth: 0, kind: 'all_of' },
      { depth: 1, kind: 'any_of' },
      { depth: 2, kind: 'credential', code: 'BT-W' },
      { depth: 2, kind: 'credential', code: 'ET-M' },
      { depth: 1, kind: 'lived_experience' },
      { depth: 1, kind: 'active_supervision', from: '2027-01-01' },
    ];
    const res = await web
      .post(`/catalog/practice-roles/${roleId}/rule`)
      .type('form')
      .send(form(rule, { op: 'save', effectiveFrom: from, note: 'Facilitators need supervision from 2027' }))
      .expect(303);
    expect(res.headers.location).toBe(`/catalog/practice-roles/${roleId}?notice=rule-saved#history`);

    const v = await versions('TRAUMA-FACILITATOR');
    expect(v).toHaveLength(2);
    expect(v[0]).toMatchObject({ version: 1, effectiveUntil: addDays(from, -1) });
    expect(v[1]).toMatchObject({
      version: 2,
      effectiveFrom: from,
      note: 'Facilitators need supervision from 2027',
      rule: {
        kind: 'all_of',
        children: [
          {
            kind: 'any_of',
            children: [
              expect.objectContaining({ credentialTypeCode: 'BT-W' }),
              expect.objectContaining({ credentialTypeCode: 'ET-M' }),
            ],
          },
          expect.objectContaining({ kind: 'lived_experience' }),
          expect.objectContaining({ kind: 'active_supervision', appliesFrom: '2027-01-01' }),
        ],
      },
    });
    const audit = await api.get('/api/v1/audit').query({ action: 'practice_role.rule_replaced' }).expect(200);
    expect(audit.body.items[0]).toMatchObject({
      entityId: roleId,
      actorId: admin.person.id,
      after: { version: 2, effectiveFrom: from },
    });

    const page = await web.get(res.headers.location).expect(200);
    expect(page.text).toContain('The new rule version is recorded');
    expect(page.text).toContain('Why: Facilitators need supervision from 2027');
    // The next edit starts from the scheduled version and cannot be dated before it.
    expect(page.text).toContain(`min="${from}"`);
    expect(page.text).toContain('It starts from version 2');
  });
});
