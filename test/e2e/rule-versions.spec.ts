import { addDays, dateInZone, formatDate } from '../../src/common/dates';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/**
 * Editing a practice role's rule keeps the old version with the days it applied: clearance for a
 * past date (a Medicaid audit of last March) keeps the answer it had, whatever an admin changes today.
 */
describeEachEngine('Versioned practice-role rules', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  let peer: Person;
  let today: string;
  let roleId: string;
  let firstRule: unknown;

  const clearance = async (date: string) =>
    (await admin.get(`/api/v1/people/${peer.id}/clearance`).query({ role: 'NARCAN-INSTRUCTOR', date }).expect(200)).body
      .results[0];

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = dateInZone(new Date(), t.config.timeZone);
    admin = t.withBearer((await t.token(['admin'])).bearer);
    peer = await t.person(['peer'], { name: 'Nora Many Horses' });
    // Held from well before the dates asked about to well after them: the rule alone decides.
    await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'NARCAN-MT', issuedOn: addDays(today, -300) })
      .expect(201);
    const roles = await admin.get('/api/v1/practice-roles').expect(200);
    roleId = roles.body.find((r: { code: string }) => r.code === 'NARCAN-INSTRUCTOR').id;
  });
  afterAll(async () => t?.close());

  const stricter = {
    kind: 'all_of',
    children: [
      { kind: 'credential', credentialTypeCode: 'NARCAN-MT' },
      { kind: 'credential', credentialTypeCode: 'CPR' },
    ],
  };

  it('starts every seeded rule as version 1, in force from the beginning', async () => {
    const role = (await admin.get(`/api/v1/practice-roles/${roleId}`).expect(200)).body;
    firstRule = role.rule;
    expect(role.versions).toEqual([
      expect.objectContaining({
        version: 1,
        effectiveFrom: null,
        effectiveUntil: null,
        everApplied: true,
        rule: role.rule,
      }),
    ]);
    expect(await clearance(addDays(today, -200))).toMatchObject({
      status: 'cleared',
      ruleVersion: { version: 1, effectiveFrom: null },
    });
  });

  it('refuses a change dated in the past, and changes nothing', async () => {
    const res = await admin
      .put(`/api/v1/practice-roles/${roleId}/rule`)
      .send({ rule: stricter, effectiveFrom: addDays(today, -1) })
      .expect(400);
    expect(res.body.errors).toEqual([
      { field: 'effectiveFrom', message: expect.stringMatching(/cannot be in the past/) },
    ]);
    await admin
      .put(`/api/v1/practice-roles/${roleId}/rule`)
      .send({ rule: stricter, effectiveFrom: '2026-02-30' })
      .expect(400);
    expect((await admin.get(`/api/v1/practice-roles/${roleId}`).expect(200)).body.versions).toHaveLength(1);
  });

  it('shows a change scheduled for a later date in cleared-until: cleared until the day before a new rule not met', async () => {
    const from = addDays(today, 30);
    const res = await admin
      .put(`/api/v1/practice-roles/${roleId}/rule`)
      .send({ rule: stricter, effectiveFrom: from, note: 'Instructors must hold CPR from next month' })
      .expect(200);
    expect(
      res.body.versions.map((v: { version: number; effectiveFrom: string | null; effectiveUntil: string | null }) => [
        v.version,
        v.effectiveFrom,
        v.effectiveUntil,
      ]),
    ).toEqual([
      [1, null, addDays(from, -1)],
      [2, from, null],
    ]);
    // Today the old rule is still the one in force: the page and the API show it.
    expect(res.body.rule).toEqual(firstRule);
    // Cleared today as before, but only until the day before the new rule, which the peer does not meet.
    expect(await clearance(today)).toMatchObject({
      status: 'cleared',
      warnings: [],
      clearedUntil: addDays(from, -1),
      ruleVersion: { version: 1 },
      ruleChange: { version: 2, effectiveFrom: from, met: false },
    });
    expect(await clearance(from)).toMatchObject({
      status: 'not_cleared',
      ruleVersion: { version: 2, effectiveFrom: from },
    });
  });

  it('refuses a change from before the one already scheduled', async () => {
    const res = await admin
      .put(`/api/v1/practice-roles/${roleId}/rule`)
      .send({ rule: { kind: 'credential', credentialTypeCode: 'NARCAN-MT' }, effectiveFrom: addDays(today, 10) })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'effectiveFrom', message: expect.stringMatching(/already scheduled/) }]);
  });

  it('replaces a scheduled change on its start date, keeping the replaced version as never in force, with an audit entry', async () => {
    const auditOf = async () =>
      (
        (await admin.get('/api/v1/audit').query({ entityType: 'practice_role' }).expect(200)).body.items as Array<{
          entityId: string;
        }>
      ).filter((e) => e.entityId === roleId);
    const auditBefore = (await auditOf()).length;
    const from = addDays(today, 30);
    const replaced = await admin
      .put(`/api/v1/practice-roles/${roleId}/rule`)
      .send({
        rule: {
          kind: 'any_of',
          children: [
            { kind: 'credential', credentialTypeCode: 'CPR' },
            { kind: 'credential', credentialTypeCode: 'MHFA' },
          ],
        },
        effectiveFrom: from,
      })
      .expect(200);
    const versions = replaced.body.versions as Array<{
      version: number;
      effectiveFrom: string | null;
      effectiveUntil: string | null;
      everApplied: boolean;
    }>;
    expect(versions.map((v) => [v.version, v.effectiveFrom, v.effectiveUntil, v.everApplied])).toEqual([
      [1, null, addDays(from, -1), true],
      [2, from, addDays(from, -1), false],
      [3, from, null, true],
    ]);
    expect(await clearance(from)).toMatchObject({ status: 'not_cleared', ruleVersion: { version: 3 } });
    expect(await clearance(addDays(today, -100))).toMatchObject({ status: 'cleared', ruleVersion: { version: 1 } });

    const audit = await auditOf();
    expect(audit.length).toBe(auditBefore + 1);
    expect(audit[0]).toMatchObject({
      action: 'practice_role.rule_replaced',
      before: { version: 2, effectiveFrom: from },
      after: { version: 3, effectiveFrom: from, previousVersionEffectiveUntil: addDays(from, -1) },
    });
  });

  it('keeps a billing audit of a past date unchanged by an edit made today, in the API and the date-of-service check', async () => {
    const fis = (await admin.get('/api/v1/practice-roles').expect(200)).body.find(
      (r: { code: string }) => r.code === 'FIS-FACILITATOR',
    );
    await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'FIS', issuedOn: addDays(today, -300) })
      .expect(201);
    const auditDate = addDays(today, -260);
    const ask = async (date: string) =>
      (await admin.get(`/api/v1/people/${peer.id}/clearance`).query({ role: 'FIS-FACILITATOR', date }).expect(200)).body
        .results[0];
    const before = await ask(auditDate);
    expect(before).toMatchObject({ status: 'cleared', ruleVersion: { version: 1 } });
    // The edit leaves out the date: it applies from today.
    await admin.put(`/api/v1/practice-roles/${fis.id}/rule`).send({ rule: stricter }).expect(200);
    // Whether the peer was cleared that day, and why, by which version, stays exactly as it was; only
    // how long it lasted (cleared-until and its reason, and when that version ended) now read the change.
    const after = await ask(auditDate);
    const answer = (r: typeof before) => ({
      ...r,
      clearedUntil: null,
      untilReason: null,
      ruleChange: null,
      ruleVersion: r.ruleVersion.version,
    });
    expect(answer(after)).toEqual(answer(before));
    expect(after).toMatchObject({
      clearedUntil: addDays(today, -1),
      untilReason: `Cleared until ${formatDate(addDays(today, -1))} (version 2 of the rule starts ${formatDate(today)} and is not met)`,
      ruleChange: { version: 2, effectiveFrom: today, met: false },
      ruleVersion: { version: 1, effectiveUntil: addDays(today, -1) },
    });
    expect(await ask(today)).toMatchObject({
      status: 'not_cleared',
      ruleVersion: { version: 2, effectiveFrom: today },
    });
    expect(await ask(addDays(today, -1))).toMatchObject({
      status: 'cleared',
      ruleVersion: { version: 1, effectiveUntil: addDays(today, -1) },
    });
    const file = [
      'email,date,role',
      `${peer.email},${auditDate},FIS-FACILITATOR`,
      `${peer.email},${today},FIS-FACILITATOR`,
    ].join('\n');
    const checked = await admin
      .post('/api/v1/clearance/date-of-service')
      .attach('file', Buffer.from(file), 'services.csv')
      .expect(200);
    expect(checked.body.rows.map((r: { status: string }) => r.status)).toEqual(['cleared', 'not_cleared']);
  });

  it('shows the rule history on the practice role page, newest first, with why and who', async () => {
    const browser = await t.browser(['admin']);
    const page = await t.as(browser).get(`/catalog/practice-roles/${roleId}`).expect(200);
    expect(page.text).toContain('Rule history');
    const rows = page.text.slice(page.text.indexOf('Rule history')).match(/<th scope="row">\d+/g);
    expect(rows).toEqual(['<th scope="row">3', '<th scope="row">2', '<th scope="row">1']);
    expect(page.text).toContain('never in force');
    expect(page.text).toContain('Why: Instructors must hold CPR from next month');
    expect(page.text).toMatch(/<th scope="row">1 <span class="badge">in force today<\/span>/);
  });
});
