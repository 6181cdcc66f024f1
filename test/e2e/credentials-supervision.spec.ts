import { addBusinessDays, addDays, dateInZone } from '../../src/common/dates';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** Admins keep the records clearance is decided from: credentials (recorded, revoked, verified) and supervision. */
describeEachEngine('Credential records and supervision', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  let peer: Person;
  let ellen: Person;
  let sam: Person;
  let today: string;

  const clearance = async (person: Person, role: string, date = today) =>
    (await admin.get(`/api/v1/people/${person.id}/clearance`).query({ role, date }).expect(200)).body.results[0];

  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = t.withBearer((await t.token(['admin'])).bearer);
    today = dateInZone(new Date(), t.config.timeZone);
    peer = await t.person(['peer'], { name: 'Nizhoni Begay' });
    ellen = await t.person(['supervisor'], { name: 'Ellen Brightwater' });
    sam = await t.person(['supervisor', 'peer'], { name: 'Sam Kicking Woman' });
  });
  afterAll(async () => t?.close());

  it('records a credential with the expiry its type gives, or one set by hand with a reason', async () => {
    const cpr = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'cpr', issuedOn: '2026-03-10', licenceNumber: 'AHA-1' })
      .expect(201);
    expect(cpr.body).toMatchObject({
      issuedOn: '2026-03-10',
      expiresOn: '2028-03-10',
      expiryNote: null,
      licenceNumber: 'AHA-1',
      issuingBody: 'American Heart Association or American Red Cross',
    });
    const cbhpss = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'MT-CBHPSS', issuedOn: '2026-01-05' })
      .expect(201);
    expect(cbhpss.body.expiresOn).toBe('2026-12-31');

    const noReason = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'MHFA', issuedOn: '2026-01-05', expiresOn: '2027-01-05' })
      .expect(400);
    expect(noReason.body.errors).toEqual([{ field: 'expiryNote', message: 'is required' }]);
    const byHand = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({
        credentialTypeCode: 'MHFA',
        issuedOn: '2026-01-05',
        expiresOn: '2027-01-05',
        expiryNote: 'Instructor-led refresher, 1-year card',
      })
      .expect(201);
    expect(byHand.body).toMatchObject({ expiresOn: '2027-01-05', expiryNote: 'Instructor-led refresher, 1-year card' });

    await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'CPR', issuedOn: '2026-03-10' })
      .expect(409);
    const unknown = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'PILOT', issuedOn: '2026-03-10' })
      .expect(400);
    expect(unknown.body.errors).toEqual([
      { field: 'credentialTypeCode', message: 'is not a credential type in the catalogue' },
    ]);
    const future = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'CORR', issuedOn: addDays(today, 3) })
      .expect(400);
    expect(future.body.errors).toEqual([{ field: 'issuedOn', message: 'cannot be in the future' }]);
    const backwards = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'CORR', issuedOn: '2026-05-01', expiresOn: '2026-04-01', expiryNote: 'typo test' })
      .expect(400);
    expect(backwards.body.errors).toEqual([{ field: 'expiresOn', message: 'is before the issue date' }]);
  });

  it('gives a state certification granted in the renewal window a first year to the next Dec 31 (catalogue setting)', async () => {
    const other = await t.person(['peer']);
    const types = (await admin.get('/api/v1/credential-types').expect(200)).body;
    const cbhpss = (types.items ?? types).find((x: { code: string }) => x.code === 'MT-CBHPSS');
    expect(cbhpss).toMatchObject({ fixedDateLeadDays: 90, fixedDateLeadVerified: false });
    expect(cbhpss.validitySummary).toContain('unverified: check with Montana Board of Behavioral Health');
    const december = await admin
      .post(`/api/v1/people/${other.id}/credentials`)
      .send({ credentialTypeCode: 'MT-CBHPSS', issuedOn: '2025-12-20' })
      .expect(201);
    expect(december.body.expiresOn).toBe('2026-12-31');
    const october = await admin
      .post(`/api/v1/people/${other.id}/credentials`)
      .send({ credentialTypeCode: 'MT-CBHPSS', issuedOn: '2025-10-01' })
      .expect(201);
    expect(october.body.expiresOn).toBe('2025-12-31');

    // 0 days gives the old rule back; the setting is refused out of range.
    await admin.patch(`/api/v1/credential-types/${cbhpss.id}`).send({ fixedDateLeadDays: 400 }).expect(400);
    await admin.patch(`/api/v1/credential-types/${cbhpss.id}`).send({ fixedDateLeadDays: 0 }).expect(200);
    const strict = await admin
      .post(`/api/v1/people/${other.id}/credentials`)
      .send({ credentialTypeCode: 'MT-CBHPSS', issuedOn: '2024-12-20' })
      .expect(201);
    expect(strict.body.expiresOn).toBe('2024-12-31');
    await admin.patch(`/api/v1/credential-types/${cbhpss.id}`).send({ fixedDateLeadDays: 90 }).expect(200);
  });

  it('revokes from an effective date in the past: clearance changes from that date on, not before', async () => {
    const narcan = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'NARCAN-MT', issuedOn: '2025-06-01' })
      .expect(201);
    expect((await clearance(peer, 'NARCAN-INSTRUCTOR')).status).toBe('cleared');
    const effective = addDays(today, -30);
    const revoked = await admin
      .post(`/api/v1/credentials/${narcan.body.id}/revoke`)
      .send({ effectiveOn: effective, reason: 'issued_in_error', note: 'Course roster error' })
      .expect(200);
    expect(revoked.body).toMatchObject({ revokedOn: effective, revocationReason: 'issued_in_error' });
    const now = await clearance(peer, 'NARCAN-INSTRUCTOR');
    expect(now.status).toBe('not_cleared');
    expect(now.requirements.reason).toBe('Not met: NARCAN-MT current.');
    expect((await clearance(peer, 'NARCAN-INSTRUCTOR', addDays(effective, -1))).status).toBe('cleared');
    await admin
      .post(`/api/v1/credentials/${narcan.body.id}/revoke`)
      .send({ effectiveOn: today, reason: 'other' })
      .expect(409);
    const badReason = await admin
      .post(`/api/v1/credentials/${narcan.body.id}/revoke`)
      .send({ effectiveOn: today, reason: 'because' })
      .expect(400);
    expect(badReason.body.errors[0].field).toBe('reason');

    const page = await t
      .as(await t.browser(['admin']))
      .get(`/people/${peer.id}`)
      .expect(200);
    expect(page.text).toContain(`Revoked from`);
    const audit = await admin.get('/api/v1/audit').query({ action: 'credential.revoked' }).expect(200);
    expect(audit.body.items[0]).toMatchObject({
      entityId: narcan.body.id,
      before: { revokedOn: null },
      after: { revokedOn: effective, revocationReason: 'issued_in_error' },
    });
  });

  it('changes an expiry date with a reason, and clearance follows it', async () => {
    const corr = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'CORR', issuedOn: addDays(today, -400) })
      .expect(201);
    expect((await clearance(peer, 'JAIL-SERVICES')).requirements.children[1]).toMatchObject({
      label: 'CORR current',
      met: false,
    });
    const noReason = await admin
      .post(`/api/v1/credentials/${corr.body.id}/expiry`)
      .send({ expiresOn: addDays(today, 60) })
      .expect(400);
    expect(noReason.body.errors).toEqual([{ field: 'reason', message: 'is required' }]);
    const changed = await admin
      .post(`/api/v1/credentials/${corr.body.id}/expiry`)
      .send({ expiresOn: addDays(today, 60), reason: 'County extended the training cycle' })
      .expect(200);
    expect(changed.body).toMatchObject({
      expiresOn: addDays(today, 60),
      expiryNote: 'County extended the training cycle',
    });
    expect((await clearance(peer, 'JAIL-SERVICES')).requirements.children[1]).toMatchObject({
      met: true,
      until: addDays(today, 60),
    });
    const [entry] = (await admin.get('/api/v1/audit').query({ action: 'credential.expiry_changed' }).expect(200)).body
      .items;
    expect(entry).toMatchObject({
      before: { expiresOn: corr.body.expiresOn, expiryNote: null },
      after: { expiresOn: addDays(today, 60), expiryNote: 'County extended the training cycle' },
    });
  });

  it('suspends a credential for a span of days through the API, and clearance follows', async () => {
    const narcan = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'NARCAN-MT', issuedOn: addDays(today, -20) })
      .expect(201);
    const from = addDays(today, -5);
    const res = await admin
      .post(`/api/v1/credentials/${narcan.body.id}/suspend`)
      .send({ from, reason: 'investigation' })
      .expect(200);
    expect(res.body).toMatchObject({ suspendedFrom: from, suspendedUntil: null, suspensionReason: 'investigation' });
    expect((await clearance(peer, 'NARCAN-INSTRUCTOR')).requirements.reason).toBe('Not met: NARCAN-MT current.');
    expect((await clearance(peer, 'NARCAN-INSTRUCTOR', addDays(from, -1))).status).toBe('cleared');
    await admin
      .post(`/api/v1/credentials/${narcan.body.id}/suspend`)
      .send({ from, until: addDays(today, -1), reason: 'investigation' })
      .expect(200);
    expect((await clearance(peer, 'NARCAN-INSTRUCTOR')).status).toBe('cleared');
    const backwards = await admin
      .post(`/api/v1/credentials/${narcan.body.id}/suspend`)
      .send({ from, until: addDays(from, -1), reason: 'other' })
      .expect(400);
    expect(backwards.body.errors[0].field).toBe('until');
  });

  it('records a primary-source check of a licence', async () => {
    const lic = await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'DOULA', issuedOn: '2026-02-01', licenceNumber: 'CAPPA-77' })
      .expect(201);
    const checked = await admin
      .post(`/api/v1/credentials/${lic.body.id}/verification`)
      .send({ verifiedOn: today, result: 'confirmed' })
      .expect(200);
    expect(checked.body).toMatchObject({ verifiedOn: today, verificationResult: 'confirmed' });
    await admin
      .post(`/api/v1/credentials/${lic.body.id}/verification`)
      .send({ verifiedOn: addDays(today, 1), result: 'confirmed' })
      .expect(400);
  });

  it('assigns supervisors with history, counts only qualified supervision, and asks for a Board report on a change', async () => {
    const notSupervisor = await admin
      .post(`/api/v1/people/${peer.id}/supervisor-qualifications`)
      .send({ licence: 'LCPC #1', qualifiedFrom: '2020-01-01' })
      .expect(400);
    expect(notSupervisor.body.errors).toEqual([{ field: 'personId', message: 'must hold the supervisor role' }]);
    await admin
      .post(`/api/v1/people/${ellen.id}/supervisor-qualifications`)
      .send({ licence: 'LCPC #MT-20417', qualifiedFrom: '2020-01-01' })
      .expect(201);

    const first = await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: peer.id, supervisorId: ellen.id, startsOn: '2026-01-01' })
      .expect(201);
    expect(first.body.boardReportDueOn).toBeNull();
    // Everything else for Peer Support Specialist is in place except lived experience; record it.
    await admin
      .post(`/api/v1/people/${peer.id}/lived-experience`)
      .send({ verifiedById: (await t.person(['admin'])).id, verifiedOn: '2026-01-02', evidenceLocation: 'HR file' })
      .expect(201);
    await admin
      .post(`/api/v1/people/${peer.id}/credentials`)
      .send({ credentialTypeCode: 'PS-40', issuedOn: '2025-11-01' })
      .expect(201);
    const before = await clearance(peer, 'PSS', '2026-06-01');
    expect([before.status, before.requirements.reason]).toEqual(['cleared', 'Every requirement is met.']);

    // Sam takes over, but he is not (yet) a qualified supervisor.
    const change = addDays(today, -10);
    const second = await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: peer.id, supervisorId: sam.id, startsOn: change })
      .expect(201);
    expect(second.body.boardReportDueOn).toBe(addBusinessDays(change, 20));
    const overview = await admin.get('/api/v1/supervision').expect(200);
    expect(overview.body.reportsDue.map((r: { id: string }) => r.id)).toEqual([second.body.id]);
    const pss = await clearance(peer, 'PSS');
    expect(pss.status).toBe('not_cleared');
    expect(pss.requirements.children[3].reason).toContain('Sam Kicking Woman is not a qualified supervisor');
    expect((await clearance(peer, 'PSS', addDays(change, -1))).status).toBe('cleared');

    await admin
      .post(`/api/v1/people/${sam.id}/supervisor-qualifications`)
      .send({ licence: 'LAC #MT-31882', qualifiedFrom: addDays(today, -5) })
      .expect(201);
    expect((await clearance(peer, 'PSS')).status).toBe('cleared');

    await admin.post(`/api/v1/supervision/assignments/${second.body.id}/board-reported`).expect(200);
    expect((await admin.get('/api/v1/supervision').expect(200)).body.reportsDue).toEqual([]);
    await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: peer.id, supervisorId: sam.id, startsOn: addDays(today, 1) })
      .expect(409);
    await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: peer.id, supervisorId: ellen.id, startsOn: '2026-01-01' })
      .expect(400);
    const ended = await admin
      .post(`/api/v1/supervision/assignments/${second.body.id}/end`)
      .send({ endsOn: addDays(today, 5) })
      .expect(200);
    expect(ended.body.endsOn).toBe(addDays(today, 5));
    expect((await clearance(peer, 'PSS', addDays(today, 6))).requirements.children[3].reason).toMatch(
      /^No supervisor since /,
    );
  });

  it('takes a known last day on the assignment itself (to), and refuses one before the first day', async () => {
    const other = await t.person(['peer']);
    const backwards = await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: other.id, supervisorId: ellen.id, startsOn: '2026-03-01', to: '2026-02-28' })
      .expect(400);
    expect(backwards.body.errors).toEqual([{ field: 'to', message: 'is before the first day' }]);
    const bounded = await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: other.id, supervisorId: ellen.id, startsOn: '2026-03-01', to: '2026-08-31' })
      .expect(201);
    expect(bounded.body).toMatchObject({ startsOn: '2026-03-01', endsOn: '2026-08-31' });
  });

  it('records a credential from the form, with errors beside the fields', async () => {
    const web = t.as(await t.browser(['admin']));
    const bad = await web
      .post(`/people/${peer.id}/credentials`)
      .type('form')
      .send({ credentialTypeCode: '', issuedOn: 'soon' })
      .expect(400);
    expect(bad.text).toContain('<small class="field-error" id="credentialTypeCode-error">is required</small>');
    expect(bad.text).toContain('<small class="field-error" id="issuedOn-error">must be a date (YYYY-MM-DD)</small>');
    await web
      .post(`/people/${peer.id}/credentials`)
      .type('form')
      .send({ credentialTypeCode: 'FIS', issuedOn: '2026-04-01', evidenceNote: 'Copy in HR file' })
      .expect(303)
      .expect('Location', `/people/${peer.id}?notice=credential-recorded`);
  });
});

describeEachEngine('Supervision sessions', (engine) => {
  let t: TestApp;
  let supervisorToken: { person: Person; bearer: string };
  let peer: Person;
  let today: string;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { SUPERVISION_GAP_DAYS: '30' } });
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    today = dateInZone(new Date(), t.config.timeZone);
    supervisorToken = await t.token(['supervisor'], { name: 'Ellen Brightwater' });
    peer = await t.person(['peer'], { name: 'Kyle Nordby' });
    await admin
      .post('/api/v1/supervision/assignments')
      .send({ peerId: peer.id, supervisorId: supervisorToken.person.id, startsOn: addDays(today, -100) })
      .expect(201);
  });
  afterAll(async () => t?.close());

  it('lets the assigned supervisor log and attest a session, in blocks of 15 minutes, never in the future', async () => {
    const as = t.withBearer(supervisorToken.bearer);
    const logged = await as
      .post(`/api/v1/people/${peer.id}/supervision-sessions`)
      .send({
        heldOn: addDays(today, -45),
        minutes: 45,
        summary: 'Boundaries when a client asks for a ride.',
        attest: true,
      })
      .expect(201);
    expect(logged.body).toMatchObject({ peerId: peer.id, supervisorId: supervisorToken.person.id, minutes: 45 });
    const bad = await as
      .post(`/api/v1/people/${peer.id}/supervision-sessions`)
      .send({ heldOn: addDays(today, 1), minutes: 20, summary: 'short', attest: false })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['attest', 'minutes', 'summary']);
    const future = await as
      .post(`/api/v1/people/${peer.id}/supervision-sessions`)
      .send({ heldOn: addDays(today, 1), minutes: 30, summary: 'Planning next steps', attest: true })
      .expect(400);
    expect(future.body.errors).toEqual([{ field: 'heldOn', message: 'cannot be in the future' }]);
    const before = await as
      .post(`/api/v1/people/${peer.id}/supervision-sessions`)
      .send({ heldOn: addDays(today, -200), minutes: 30, summary: 'Before the assignment', attest: true })
      .expect(400);
    expect(before.body.errors).toEqual([{ field: 'heldOn', message: 'is not a day you supervised this peer' }]);
    const other = await t.token(['supervisor']);
    await t
      .withBearer(other.bearer)
      .post(`/api/v1/people/${peer.id}/supervision-sessions`)
      .send({ heldOn: today, minutes: 30, summary: 'Not my supervisee', attest: true })
      .expect(400);
  });

  it('flags a peer on the board when the last session is older than the policy allows', async () => {
    const as = t.withBearer(supervisorToken.bearer);
    const flagged = await as.get('/api/v1/clearance/board').query({ role: 'PSS' }).expect(200);
    expect(flagged.body.rows[0]).toMatchObject({
      person: { name: 'Kyle Nordby' },
      lastSupervisionOn: addDays(today, -45),
      supervisionGap: true,
    });
    await as
      .post(`/api/v1/people/${peer.id}/supervision-sessions`)
      .send({ heldOn: addDays(today, -3), minutes: 60, summary: 'Self-care plan and on-call limits', attest: true })
      .expect(201);
    const ok = await as.get('/api/v1/clearance/board').query({ role: 'PSS' }).expect(200);
    expect(ok.body.rows[0]).toMatchObject({ lastSupervisionOn: addDays(today, -3), supervisionGap: false });
    // As of a past date the board shows the last session on or before it, not one held later (issue 19).
    const past = await as
      .get('/api/v1/clearance/board')
      .query({ role: 'PSS', date: addDays(today, -10) })
      .expect(200);
    expect(past.body.rows[0]).toMatchObject({ lastSupervisionOn: addDays(today, -45), supervisionGap: true });
    const csv = await t
      .as(await t.browser(['admin']))
      .get('/clearance.csv')
      .query({ role: 'PSS', date: addDays(today, -10) })
      .expect(200);
    const kyle = csv.text.split('\n').find((line) => line.startsWith('Kyle Nordby,'));
    expect(kyle).toContain(addDays(today, -45));
    expect(kyle).not.toContain(addDays(today, -3));
  });

  it('shows the sessions to the peer and their supervisor, and to nobody else', async () => {
    const self = await t.token(['peer']);
    await t.withBearer(self.bearer).get(`/api/v1/people/${peer.id}/supervision-sessions`).expect(404);
    const sessions = await t
      .withBearer(supervisorToken.bearer)
      .get(`/api/v1/people/${peer.id}/supervision-sessions`)
      .expect(200);
    expect(sessions.body.map((s: { minutes: number }) => s.minutes)).toEqual([60, 45]);
    const page = await t
      .as(await t.browser(['admin']))
      .get(`/people/${peer.id}/supervision`)
      .expect(200);
    expect(page.text).toContain('2 sessions logged, 1.75 hours in all');
  });
});

describeEachEngine('Continuing education', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('counts a peer’s own entries once confirmed, toward renewal readiness', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const peer = await t.token(['peer'], { name: 'Shelby Lindqvist' });
    const self = t.withBearer(peer.bearer);
    // Fixed past years, so the test reads the same whatever day it runs.
    const year = 2026;
    await admin
      .post(`/api/v1/people/${peer.person.id}/credentials`)
      .send({ credentialTypeCode: 'MT-CBHPSS', issuedOn: `${year - 1}-02-01` })
      .expect(201);
    await admin
      .post(`/api/v1/people/${peer.person.id}/credentials`)
      .send({
        credentialTypeCode: 'MT-CBHPSS',
        issuedOn: `${year}-01-02`,
        expiresOn: `${year}-12-31`,
        expiryNote: 'renewal',
      })
      .expect(201);

    const before = await self.get(`/api/v1/people/${peer.person.id}/ce`).expect(200);
    expect(before.body.readiness).toEqual([
      expect.objectContaining({
        code: 'MT-CBHPSS',
        period: expect.objectContaining({ number: 2 }),
        hoursNeeded: 20,
        hoursDone: 0,
        ready: false,
        missing: ['20 more CE hours'],
      }),
    ]);

    const entry = await self
      .post(`/api/v1/people/${peer.person.id}/ce`)
      .send({
        title: 'Ethics in peer support',
        provider: 'Montana Peer Network',
        completedOn: `${year}-01-15`,
        hours: 20,
        category: 'ethics',
      })
      .expect(201);
    expect(entry.body.status).toBe('submitted');
    expect((await self.get(`/api/v1/people/${peer.person.id}/ce`).expect(200)).body.readiness[0].hoursDone).toBe(0);
    await self.post(`/api/v1/ce/${entry.body.id}/review`).send({ decision: 'confirmed' }).expect(403);
    await admin.post(`/api/v1/ce/${entry.body.id}/review`).send({ decision: 'confirmed' }).expect(200);
    await admin.post(`/api/v1/ce/${entry.body.id}/review`).send({ decision: 'rejected' }).expect(409);
    const after = await self.get(`/api/v1/people/${peer.person.id}/ce`).expect(200);
    expect(after.body.readiness[0]).toMatchObject({ hoursDone: 20, ready: true, missing: [] });

    const bad = await self
      .post(`/api/v1/people/${peer.person.id}/ce`)
      .send({ title: 'x', provider: 'y', completedOn: '2999-01-01', hours: 0, category: 'fun' })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'category',
      'hours',
      'provider',
      'title',
    ]);
    const other = await t.token(['peer']);
    await t
      .withBearer(other.bearer)
      .post(`/api/v1/people/${peer.person.id}/ce`)
      .send({ title: 'Not mine', provider: 'Someone', completedOn: `${year}-01-15`, hours: 1, category: 'general' })
      .expect(404);
    await t.withBearer(other.bearer).get(`/api/v1/people/${peer.person.id}/ce`).expect(404);
  });
});
