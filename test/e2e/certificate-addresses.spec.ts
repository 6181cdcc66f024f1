import type request from 'superagent';
import { In } from 'typeorm';
import { addDays } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { isLocalAddress } from '../../src/common/local-address';
import { AuditEntry } from '../../src/modules/audit/audit-entry.entity';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { JobQueue } from '../../src/modules/jobs/jobs';
import { programFactory } from '../factories/program';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines';
import { settle } from '../helpers/jobs';
import { pdfQrText, pdfText } from '../helpers/pdf';

const BASE = 'https://lms.example.org';

/** supertest's parser for a binary body as one Buffer. */
const binary = ((res: NodeJS.ReadableStream, callback: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}) as unknown as (res: request.Response, callback: (err: Error | null, body: unknown) => void) => void;

/**
 * Issue 19: certificates drawn while PUBLIC_BASE_URL was unset print localhost in their QR code and
 * verify link. They are found, listed to admins, and redrawn with the public address once it is set,
 * through a restart of the app on the same database.
 */
describeEachEngine('Certificates drawn with a local address', (engine) => {
  let db: TestDatabase;
  let t: TestApp;
  let admin: Browser;
  let localBase: string;
  /** Credentials whose certificate was drawn with localhost: two current, one revoked, one of unknown address. */
  const ids = { current: [] as string[], revoked: '', unknown: '' };

  const rows = (credentialId: string) =>
    t.dataSource.getRepository(Certificate).find({ where: { credentialId }, order: { issuedAt: 'ASC' } });
  const pdf = async (id: string) =>
    (await t.as(admin).get(`/certificates/${id}/download`).buffer(true).parse(binary).expect(200)).body as Buffer;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    t = await createTestApp(engine, { database: db });
    localBase = t.config.publicBaseUrl;
    admin = await t.browser(['admin']);
    const holder = await t.person(['peer'], { name: 'Renee Twofeathers' });
    const f = programFactory(t.dataSource);
    const today = t.config.today();
    const issue = async () => {
      const credential = await f.credential(holder, 'CORR', today, addDays(today, 364));
      await t.app.get(CertificatesService).issue(credential.id, null);
      return credential.id;
    };
    ids.current = [await issue(), await issue()];
    ids.revoked = await issue();
    const [revoked] = await rows(ids.revoked);
    await t.app
      .get(CertificatesService)
      .revokeCertificate(revoked.id, { effectiveOn: today, reason: 'issued_in_error' }, systemActor('test'));
    ids.unknown = await issue();
    // As a certificate drawn before the address was recorded.
    await t.dataSource.getRepository(Certificate).update({ credentialId: ids.unknown }, { drawnBaseUrl: null });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await db?.cleanup();
  });

  it('records the local address certificates are drawn with while PUBLIC_BASE_URL is unset, and offers no redraw', async () => {
    expect(isLocalAddress(localBase)).toBe(true);
    const drawn = await t.dataSource.getRepository(Certificate).findBy({ credentialId: In(ids.current) });
    expect(drawn.map((c) => c.drawnBaseUrl)).toEqual([localBase, localBase]);
    expect(pdfText(await pdf(drawn[0].id))).toContain(`${localBase.replace(/^https?:\/\//, '')}/verify`);

    const api = await t.as(admin).get('/api/v1/certificates/drawn-with-local-address').expect(200);
    expect(api.body).toMatchObject({ total: 2, addresses: [{ baseUrl: localBase, count: 2 }], redrawWith: null });
    expect([...api.body.credentialIds].sort()).toEqual([...ids.current].sort());

    const page = await t.as(admin).get('/certificates').expect(200);
    expect(page.text).toContain(`2 certificates point at ${localBase}`);
    expect(page.text).toContain('Set PUBLIC_BASE_URL');
    expect(page.text).not.toContain('action="/certificates/redraw-local"');
    const refused = await t.as(admin).post('/certificates/redraw-local').type('form').send({}).expect(400);
    expect(refused.text).toContain('Set PUBLIC_BASE_URL to the public address');
    await t.as(admin).post('/api/v1/certificates/redraw-local').expect(409);
  });

  it('after a restart with PUBLIC_BASE_URL set, redraws exactly those with the public address, keeping the history', async () => {
    await t.close();
    t = await createTestApp(engine, { database: db, env: { PUBLIC_BASE_URL: BASE } });
    admin = await t.browser(['admin']);
    const before = await t.dataSource.getRepository(Certificate).findBy({ credentialId: In(ids.current) });

    const page = await t.as(admin).get('/certificates').expect(200);
    expect(page.text).toContain(`2 certificates point at ${localBase}`);
    expect(page.text).toContain('action="/certificates/redraw-local"');
    expect(page.text).toContain(`Redraw them with ${BASE}`);

    const posted = await t.as(admin).post('/certificates/redraw-local').type('form').send({}).expect(303);
    const jobId = decodeURIComponent(/^\/certificates\/jobs\/(.+)$/.exec(posted.headers.location)![1]);
    expect((await settle(t.app.get(JobQueue), jobId)).state).toBe('completed');
    expect((await t.as(admin).get(posted.headers.location).expect(200)).text).toContain('2 of 2');

    for (const credentialId of ids.current) {
      const [old, fresh] = await rows(credentialId);
      expect(before.map((c) => c.id)).toContain(old.id);
      expect(old).toMatchObject({ supersededById: fresh.id, supersedeReason: 'public_address' });
      expect(old.supersededAt).not.toBeNull();
      expect(fresh).toMatchObject({ drawnBaseUrl: BASE, supersededAt: null });
      const drawn = await pdf(fresh.id);
      expect(pdfText(drawn)).toContain('lms.example.org/verify');
      expect(pdfQrText(drawn)).toBe(`${BASE}/verify/${fresh.code}`);
      // The old PDF is history, byte for byte: it still says localhost.
      expect(pdfQrText(await pdf(old.id))).toBe(`${localBase}/verify/${old.code}`);
      const verify = await t.http().get(`/verify/${old.code}`).expect(200);
      expect(verify.text).toContain('replaced by a newer one');
      expect(verify.text).toContain(`href="/verify/${fresh.code}"`);
      expect((await t.http().get(`/api/v1/verify/${old.code}`).expect(200)).body.supersededBy).toEqual({
        code: fresh.code,
        url: `${BASE}/verify/${fresh.code}`,
      });
    }
    // Revoked, and drawn with an unknown address: left alone.
    expect(await rows(ids.revoked)).toHaveLength(1);
    expect(await rows(ids.unknown)).toHaveLength(1);

    const audit = await t.dataSource
      .getRepository(AuditEntry)
      .findBy({ action: 'certificate.reissue_requested', actorId: admin.person.id });
    expect(audit.map((a) => a.entityId).sort()).toEqual(before.map((c) => c.id).sort());
    expect(audit.every((a) => JSON.parse(a.after!).reason === 'public_address')).toBe(true);

    const after = await t.as(admin).get('/certificates').expect(200);
    expect(after.text).not.toContain('point at');
    const again = await t.as(admin).post('/certificates/redraw-local').type('form').send({}).expect(400);
    expect(again.text).toContain('No current certificate points at a local address.');
  }, 60_000);
});
