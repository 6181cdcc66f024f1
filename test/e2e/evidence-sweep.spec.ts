import { dateInZone, addDays } from '../../src/common/dates';
import { AppConfig } from '../../src/config/app-config';
import { dueRuns } from '../../src/modules/jobs/job-scheduler.service';
import { JobQueue } from '../../src/modules/jobs/jobs';
import { EvidenceSweepService } from '../../src/modules/submissions/evidence-sweep.service';
import { EvidenceStorage } from '../../src/modules/submissions/evidence/evidence-storage';
import { Submission } from '../../src/modules/submissions/submission.entity';
import { makePdf, makePng } from '../factories/evidence-files';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { count, credentialType } from '../helpers/expiry';
import { settle } from '../helpers/jobs';

const DAY = 86_400_000;

/** Issue 17, retention: a returned or withdrawn submission's evidence goes after SUBMISSION_EVIDENCE_DAYS; orphans after a day. */
describeEachEngine('Evidence retention sweep', (engine) => {
  let t: TestApp;
  let storage: EvidenceStorage;
  let sweep: EvidenceSweepService;
  beforeAll(async () => {
    t = await createTestApp(engine, { env: { SUBMISSION_EVIDENCE_DAYS: '30' } });
    storage = t.app.get(EvidenceStorage);
    sweep = t.app.get(EvidenceSweepService);
  });
  afterAll(() => t?.close());

  it('reads the retention from SUBMISSION_EVIDENCE_DAYS (90 by default)', () => {
    expect(t.config.submissionEvidenceDays).toBe(30);
    expect(AppConfig.fromEnvironment({ NODE_ENV: 'test', DATA_DIR: t.config.dataDir }).submissionEvidenceDays).toBe(90);
  });

  it('deletes expired files unless a live submission shares them, never an approved one, and orphans after a day', async () => {
    const today = dateInZone(new Date(), t.config.timeZone);
    const peer = await t.token(['peer']);
    const admin = await t.token(['admin']);
    const type = await credentialType(t);
    const submit = (pdf: Buffer) =>
      t
        .withBearer(peer.bearer)
        .post('/api/v1/me/submissions')
        .field('kind', 'credential')
        .field('credentialTypeCode', type.code)
        .field('issuedOn', addDays(today, -10))
        .attach('files', pdf, 'proof.pdf')
        .expect(201)
        .then((r) => r.body.id as string);
    const asAdmin = t.withBearer(admin.bearer);
    const returned = await submit(makePdf('BT (returned) Tj ET'));
    const withdrawn = await submit(makePdf('BT (withdrawn) Tj ET'));
    const sharedReturned = await submit(makePdf('BT (shared) Tj ET'));
    const sharedWaiting = await submit(makePdf('BT (shared) Tj ET'));
    const approved = await submit(makePdf('BT (approved) Tj ET'));
    for (const id of [returned, sharedReturned])
      await asAdmin.post(`/api/v1/submissions/${id}/return`).send({ reason: 'The scan is unreadable.' }).expect(200);
    await t.withBearer(peer.bearer).post(`/api/v1/submissions/${withdrawn}/withdraw`).expect(200);
    await asAdmin
      .post(`/api/v1/submissions/${approved}/approve`)
      .send({ verifiedOn: today, result: 'confirmed', source: 'Board lookup' })
      .expect(200);
    const orphan = (await storage.put(makePng([1, 2, 3]))).key;

    const rows = async () =>
      new Map((await t.dataSource.getRepository(Submission).find()).map((s) => [s.id, s] as const));
    const keyOf = async (id: string) => (await rows()).get(id)!.files[0].key;
    const keys = {
      returned: await keyOf(returned),
      withdrawn: await keyOf(withdrawn),
      shared: await keyOf(sharedWaiting),
      approved: await keyOf(approved),
    };
    expect(await keyOf(sharedReturned)).toBe(keys.shared);
    const stored = async () => {
      const all: string[] = [];
      for await (const key of storage.keys()) all.push(key);
      return all.sort();
    };
    const now = Date.now();

    // A fresh orphan may be an upload whose row has not committed: left alone.
    expect(await sweep.sweep(new Date(now + 3_600_000))).toEqual({ expired: 0, deleted: 0, shared: 0 });
    expect(await stored()).toContain(orphan);

    // A day on, the orphan goes; nothing has been closed for 30 days yet.
    expect(await sweep.sweep(new Date(now + 29 * DAY))).toEqual({ expired: 0, deleted: 1, shared: 0 });
    expect(await stored()).toEqual(Object.values(keys).sort());

    // Past the retention: the returned and withdrawn files go, the shared one stays for the waiting submission.
    expect(await sweep.sweep(new Date(now + 31 * DAY))).toEqual({ expired: 3, deleted: 2, shared: 1 });
    expect(await stored()).toEqual([keys.shared, keys.approved].sort());
    const after = await rows();
    for (const id of [returned, withdrawn, sharedReturned]) expect(after.get(id)!.files).toEqual([]);
    // The rows and their history stay.
    expect(after.get(returned)).toMatchObject({ state: 'returned', returnReason: 'The scan is unreadable.' });
    expect(after.get(withdrawn)!.state).toBe('withdrawn');
    expect(after.get(approved)!.files.map((f) => f.key)).toEqual([keys.approved]);
    expect(after.get(sharedWaiting)!.files.map((f) => f.key)).toEqual([keys.shared]);
    expect(await count(t, `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'submission.evidence_deleted'`)).toBe(3);
    await t.withBearer(peer.bearer).get(`/api/v1/submissions/${returned}/files/1`).expect(404);
    await t.withBearer(peer.bearer).get(`/api/v1/submissions/${approved}/files/1`).expect(200);

    // Again: nothing left to do, and approved evidence is still never touched, however old.
    expect(await sweep.sweep(new Date(now + 400 * DAY))).toEqual({ expired: 0, deleted: 0, shared: 0 });
    expect(await stored()).toEqual([keys.shared, keys.approved].sort());
  });

  it('runs as the daily maintenance job, scheduled beside the expiry scan', async () => {
    const orphan = (await storage.put(makePng([9, 9, 9]))).key;
    const queue = t.app.get(JobQueue);
    const id = await queue.add('maintenance.evidence-sweep', {}, { key: 'evidence-sweep:test' });
    expect(await settle(queue, id)).toMatchObject({ name: 'maintenance.evidence-sweep', state: 'completed' });
    // Run today, the fresh orphan is younger than a day and stays.
    expect(await storage.exists(orphan)).toBe(true);
    const runs = dueRuns(new Date('2026-12-01T16:30:00Z'), t.config);
    expect(runs).toContainEqual({
      job: 'maintenance.evidence-sweep',
      date: '2026-12-01',
      key: 'evidence-sweep:2026-12-01',
    });
    // Listed on the jobs page like the other scheduled jobs.
    const admin = await t.browser(['admin']);
    expect((await t.as(admin).get('/admin/jobs').expect(200)).text).toContain('maintenance.evidence-sweep');
  });
});
