import { randomUUID } from 'node:crypto';
import { addDays, dateInZone, formatDate } from '../../src/common/dates';
import { PendingReviews } from '../../src/modules/clearance/pending-reviews';
import type { Person } from '../../src/modules/people/person.entity';
import { SubmissionPendingReviews } from '../../src/modules/submissions/submission-pending-reviews';
import { makePdf } from '../factories/evidence-files';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { clearanceRows } from '../helpers/clearance-rows';
import { describeEachEngine } from '../helpers/engines';

/** Issue 17: a renewal handed in shows beside the lapsing credential, and counts for nothing until it is approved. */
describeEachEngine('Clearance: submissions awaiting review', (engine) => {
  let t: TestApp;
  let supervisor: Browser;
  let admin: { bearer: string };
  let renewing: { person: Person; bearer: string };
  let other: Person;
  let lapsingId: string;
  let today: string;

  const rows = clearanceRows(() => t, engine);
  const { insert } = rows;
  /** Cleared for PSS today, with MT-CBHPSS running out on `cbhpssExpires`. */
  const qualify = (person: Person, cbhpssExpires: string) =>
    rows.qualify(person, supervisor.person.id, { issuedOn: '2025-01-01', expiresOn: cbhpssExpires });
  const submitRenewal = (bearer: string) =>
    t
      .withBearer(bearer)
      .post('/api/v1/me/submissions')
      .field('kind', 'renewal')
      .field('credentialId', lapsingId)
      .field('issuedOn', today)
      .field('expiresOn', addDays(today, 365))
      .field('expiryNote', 'As printed on the renewed card')
      .attach('files', makePdf(), 'renewal.pdf');
  const pssFor = async (personId: string) =>
    (await t.withBearer(admin.bearer).get(`/api/v1/people/${personId}/clearance`).query({ role: 'PSS' }).expect(200))
      .body;

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = dateInZone(new Date(), t.config.timeZone);
    supervisor = await t.browser(['supervisor']);
    await insert('supervisor_qualifications', {
      id: randomUUID(),
      person_id: supervisor.person.id,
      licence: 'LCPC #1',
      qualified_from: '2020-01-01',
      qualified_until: null,
    });
    admin = await t.token(['admin']);
    renewing = await t.token(['peer'], { name: 'Dee Renewing' });
    other = await t.person(['peer'], { name: 'Eli Other' });
    lapsingId = await qualify(renewing.person, addDays(today, 10));
    await qualify(other, addDays(today, 10));
  });
  afterAll(async () => t?.close());

  it('binds the submissions feature as clearance’s PendingReviews in the real app', () => {
    expect(t.app.get(PendingReviews)).toBeInstanceOf(SubmissionPendingReviews);
  });

  it('says the renewal is in hand in the API answers without changing the status, until it is approved', async () => {
    const before = await pssFor(renewing.person.id);
    expect(before.pendingReviews).toEqual([]);
    expect(before.results[0]).toMatchObject({ status: 'cleared', clearedUntil: addDays(today, 10) });

    // A withdrawn one is not waiting, so it is never shown.
    const withdrawn = await submitRenewal(renewing.bearer).expect(201);
    await t.withBearer(renewing.bearer).post(`/api/v1/submissions/${withdrawn.body.id}/withdraw`).expect(200);
    const submitted = await submitRenewal(renewing.bearer).expect(201);

    const during = await pssFor(renewing.person.id);
    expect(during.pendingReviews).toEqual([{ kind: 'renewal', credentialTypeCode: 'MT-CBHPSS', submittedOn: today }]);
    // Pending never counts: the answer is the one before, word for word.
    expect(during.results).toEqual(before.results);

    const board = await t.withBearer(admin.bearer).get('/api/v1/clearance/board').query({ role: 'PSS' }).expect(200);
    const row = (id: string) => board.body.rows.find((r: { person: { id: string } }) => r.person.id === id);
    expect(row(renewing.person.id).pendingReviews).toEqual([
      { kind: 'renewal', credentialTypeCode: 'MT-CBHPSS', submittedOn: today },
    ]);
    expect(row(renewing.person.id).clearance.PSS.clearedUntil).toBe(addDays(today, 10));
    expect(row(other.id).pendingReviews).toEqual([]);

    await t
      .withBearer(admin.bearer)
      .post(`/api/v1/submissions/${submitted.body.id}/approve`)
      .send({ verifiedOn: today, result: 'confirmed', source: 'Montana licence lookup' })
      .expect(200);
    const after = await pssFor(renewing.person.id);
    expect(after.pendingReviews).toEqual([]);
    expect(after.results[0].clearedUntil).toBe(addDays(today, 365));
  });

  it('shows "Renewal submitted on …, awaiting review" on the board row and beside the credential on the person page', async () => {
    const second = await t.token(['peer'], { name: 'Fay Pending' });
    lapsingId = await qualify(second.person, addDays(today, 5));
    await submitRenewal(second.bearer).expect(201);
    const words = `Renewal submitted on ${formatDate(today)}, awaiting review`;

    const board = await t.as(supervisor).get('/clearance').query({ role: 'PSS' }).expect(200);
    const rowOf = (name: string) => board.text.split('<tr>').find((r) => r.includes(`>${name}</a>`)) ?? '';
    expect(rowOf('Fay Pending')).toContain(`MT-CBHPSS: ${words}`);
    expect(rowOf('Eli Other')).not.toContain('awaiting review');

    const page = await t.as(supervisor).get(`/people/${second.person.id}/clearance`).expect(200);
    // Beside the requirement the lapsing credential meets, inside its own list item.
    const requirement = page.text
      .split('<li class="req')
      .find((li) => li.includes('Certified Behavioral Health Peer Support Specialist, valid through'));
    expect(requirement).toContain(`<small class="notice-text pending-review">${words}</small>`);
    expect(page.text).toContain(`MT-CBHPSS: ${words}`);
    const plain = await t.as(supervisor).get(`/people/${other.id}/clearance`).expect(200);
    expect(plain.text).not.toContain('awaiting review');
  });

  it('answers a whole board in one query, past the IN-list size, and only for the people asked about', async () => {
    const pending = t.app.get(PendingReviews);
    const strangers = Array.from({ length: 1200 }, () => randomUUID());
    const many = await pending.forPeople([...strangers, renewing.person.id, other.id]);
    const few = await pending.forPeople([other.id]);
    expect([...many.keys()]).toEqual([]);
    expect([...few.keys()]).toEqual([]);
    const fay = (await t.dataSource.query(`SELECT id FROM people WHERE name = 'Fay Pending'`))[0].id as string;
    const withFay = await pending.forPeople([...strangers, fay]);
    expect([...withFay.keys()]).toEqual([fay]);
    expect((await pending.forPeople([fay])).get(fay)).toEqual(withFay.get(fay));
  });
});
