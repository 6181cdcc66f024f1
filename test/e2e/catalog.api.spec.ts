import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

const doula = {
  code: 'doula-cappa',
  name: 'CAPPA Doula',
  issuer: 'CAPPA',
  kind: 'external',
  validityKind: 'months',
  validityMonths: 36,
  renewalCeHours: 15,
};

describeEachEngine('Catalogue API', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = t.withBearer((await t.token(['admin'])).bearer);
  });
  afterAll(async () => t?.close());

  const roleId = async (code: string): Promise<string> => {
    const roles = await admin.get('/api/v1/practice-roles').expect(200);
    return roles.body.find((r: { code: string }) => r.code === code).id;
  };

  it('lists the seeded catalogue with a readable validity summary', async () => {
    const res = await admin.get('/api/v1/credential-types').expect(200);
    const cbhpss = res.body.find((t: { code: string }) => t.code === 'MT-CBHPSS');
    expect(cbhpss).toMatchObject({
      // Issue 18 §3: the first period of a certification granted in the renewal window, unconfirmed with the Board.
      validitySummary:
        'Expires every Dec 31; issued within 90 days before Dec 31, it first expires on the next one (unverified: check with Montana Board of Behavioral Health); 45-day grace period; terminated 730 days after expiry',
      kind: 'external',
    });
    expect(res.body.map((t: { code: string }) => t.code)).toEqual(
      expect.arrayContaining(['PS-40', 'NARCAN-MT', 'DOULA-IND', 'MT-DOULA-LIC', 'CPR']),
    );
  });

  it('shows the Montana doula licence as "terms not yet published", not as never expiring, until its terms are set', async () => {
    const types = (await admin.get('/api/v1/credential-types').expect(200)).body as Array<{ id: string; code: string }>;
    const licence = types.find((x) => x.code === 'MT-DOULA-LIC')!;
    expect(licence).toMatchObject({
      termsPublished: false,
      validitySummary: 'Terms not yet published (no expiry set until they are)',
    });
    const page = await t
      .as(await t.browser(['admin']))
      .get('/catalog/credential-types')
      .expect(200);
    expect(page.text).toContain('Terms not yet published');
    const published = await admin
      .patch(`/api/v1/credential-types/${licence.id}`)
      .send({ termsPublished: true, validityKind: 'months', validityMonths: 24 })
      .expect(200);
    expect(published.body).toMatchObject({ termsPublished: true, validitySummary: '24 months from issue' });
    await admin
      .patch(`/api/v1/credential-types/${licence.id}`)
      .send({ termsPublished: false, validityKind: 'none' })
      .expect(200);
  });

  it('creates a credential type (code upper-cased, reminders default and sorted) and edits it', async () => {
    const created = await admin.post('/api/v1/credential-types').send(doula).expect(201);
    expect(created.body).toMatchObject({
      code: 'DOULA-CAPPA',
      reminderDays: [90, 60, 30, 7, 0],
      graceDays: 0,
      active: true,
      validitySummary: '36 months from issue',
    });

    const edited = await admin
      .patch(`/api/v1/credential-types/${created.body.id}`)
      .send({ validityKind: 'fixed_date', fixedExpiryMonth: 6, fixedExpiryDay: 30, reminderDays: [7, 30, 30, 60] })
      .expect(200);
    expect(edited.body).toMatchObject({
      validityKind: 'fixed_date',
      validityMonths: null,
      fixedExpiryMonth: 6,
      fixedExpiryDay: 30,
      reminderDays: [60, 30, 7],
    });

    await admin
      .post('/api/v1/credential-types')
      .send({ ...doula, code: 'Doula-Cappa' })
      .expect(409);
  });

  it.each([
    ['months without a number', { validityKind: 'months', validityMonths: undefined }, 'validityMonths', /is required/],
    [
      'a fixed date that is not every year',
      { validityKind: 'fixed_date', fixedExpiryMonth: 2, fixedExpiryDay: 29 },
      'fixedExpiryDay',
      /exists every year/,
    ],
    [
      'a fixed date without a month',
      { validityKind: 'fixed_date', fixedExpiryDay: 31 },
      'fixedExpiryMonth',
      /is required/,
    ],
    ['an unknown validity kind', { validityKind: 'forever' }, 'validityKind', /none, months or fixed_date/],
    ['an unknown kind', { kind: 'both' }, 'kind', /internal or external/],
    ['a bad code', { code: 'has spaces!' }, 'code', /capital letters, digits or dashes/],
    ['negative grace', { graceDays: -1 }, 'graceDays', /must not be less than 0/],
    ['a reminder list of words', { reminderDays: ['soon'] }, 'reminderDays', /whole numbers of days/],
    ['CE hours as text', { renewalCeHours: 'twenty' }, 'renewalCeHours', /number of hours/],
  ])('refuses %s', async (_label, change, field, message) => {
    const body: Record<string, unknown> = { ...doula, code: 'BAD-ONE', ...change };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    const res = await admin.post('/api/v1/credential-types').send(body).expect(400);
    const error = res.body.errors.find((e: { field: string }) => e.field === field);
    expect(error?.message).toMatch(message);
  });

  it('validates a partial edit against the whole, merged type', async () => {
    const cpr = (await admin.get('/api/v1/credential-types').expect(200)).body.find(
      (x: { code: string }) => x.code === 'CPR',
    );
    const res = await admin
      .patch(`/api/v1/credential-types/${cpr.id}`)
      .send({ validityKind: 'fixed_date' })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'fixedExpiryDay',
      'fixedExpiryMonth',
    ]);
  });

  it('reads back a nested, dated rule', async () => {
    const res = await admin.get(`/api/v1/practice-roles/${await roleId('RECOVERY-DOULA')}`).expect(200);
    expect(res.body.rule).toEqual({
      kind: 'all_of',
      children: [
        { kind: 'practice_role', practiceRoleCode: 'PSS' },
        {
          kind: 'any_of',
          children: [
            { kind: 'credential', credentialTypeCode: 'DOULA' },
            { kind: 'credential', credentialTypeCode: 'DOULA-IND' },
          ],
        },
        { kind: 'credential', credentialTypeCode: 'MT-DOULA-LIC', appliesFrom: '2027-01-01' },
      ],
    });
  });

  it('creates a practice role and replaces its rule', async () => {
    const created = await admin
      .post('/api/v1/practice-roles')
      .send({
        code: 'FAMILY-PSS',
        name: 'Family Peer Support Specialist',
        rule: {
          kind: 'all_of',
          children: [{ kind: 'lived_experience' }, { kind: 'credential', credentialTypeCode: 'MT-FPSS' }],
        },
      })
      .expect(201);
    const rule = {
      kind: 'any_of',
      children: [
        { kind: 'credential', credentialTypeCode: 'mt-fpss', appliesUntil: '2027-06-30' },
        { kind: 'practice_role', practiceRoleCode: 'PSS' },
      ],
    };
    const replaced = await admin.put(`/api/v1/practice-roles/${created.body.id}/rule`).send({ rule }).expect(200);
    expect(replaced.body.rule).toEqual({
      kind: 'any_of',
      children: [
        { kind: 'credential', credentialTypeCode: 'MT-FPSS', appliesUntil: '2027-06-30' },
        { kind: 'practice_role', practiceRoleCode: 'PSS' },
      ],
    });
  });

  it('refuses rules that name unknown codes, empty groups, backwards dates or misplaced fields', async () => {
    const id = await roleId('TRAUMA-FACILITATOR');
    const res = await admin
      .put(`/api/v1/practice-roles/${id}/rule`)
      .send({
        rule: {
          kind: 'all_of',
          children: [
            { kind: 'credential', credentialTypeCode: 'NOPE' },
            { kind: 'any_of', children: [] },
            { kind: 'lived_experience', appliesFrom: '2027-01-01', appliesUntil: '2026-01-01' },
            { kind: 'practice_role', practiceRoleCode: 'GHOST' },
          ],
        },
      })
      .expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'rule.children.0.credentialTypeCode', message: 'no credential type has the code NOPE' },
        { field: 'rule.children.1', message: 'an any_of group needs at least one requirement' },
        { field: 'rule.children.2', message: 'appliesUntil is before appliesFrom' },
        { field: 'rule.children.3.practiceRoleCode', message: 'no practice role has the code GHOST' },
      ]),
    );
    const shape = await admin
      .put(`/api/v1/practice-roles/${id}/rule`)
      .send({ rule: { kind: 'credential' } })
      .expect(400);
    expect(shape.body.errors).toEqual([{ field: 'rule.credentialTypeCode', message: 'is required' }]);
    // The old rule is intact after the refusals.
    const after = await admin.get(`/api/v1/practice-roles/${id}`).expect(200);
    expect(after.body.rule.children).toHaveLength(2);
  });

  it('refuses a rule that would make roles require each other in a circle', async () => {
    const pss = await roleId('PSS');
    const res = await admin
      .put(`/api/v1/practice-roles/${pss}/rule`)
      .send({ rule: { kind: 'all_of', children: [{ kind: 'practice_role', practiceRoleCode: 'JAIL-SERVICES' }] } })
      .expect(400);
    expect(res.body.errors[0].message).toBe('this would make a circle of required roles: PSS → JAIL-SERVICES → PSS');
    const self = await admin
      .put(`/api/v1/practice-roles/${pss}/rule`)
      .send({ rule: { kind: 'practice_role', practiceRoleCode: 'PSS' } })
      .expect(400);
    expect(self.body.errors[0].message).toBe('a practice role cannot require itself');
  });
});
