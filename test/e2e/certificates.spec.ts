import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type request from 'superagent';
import yauzl from 'yauzl';
import { addDays, formatDate } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import { CertificateLookup } from '../../src/modules/certificates/certificate-lookup.entity';
import { CertificateRenderer } from '../../src/modules/certificates/certificate-renderer';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { statusBit } from '../../src/modules/certificates/status-lists';
import { Credential } from '../../src/modules/credentials/credential.entity';
import { CredentialsService } from '../../src/modules/credentials/credentials.service';
import { JobQueue, type JobView } from '../../src/modules/jobs/jobs';
import { IsNull } from 'typeorm';
import type { Person } from '../../src/modules/people/person.entity';
import { ROOT_DIR } from '../../src/common/root-dir';
import { createTestApp, type TestApp } from '../helpers/app';
import { makeQueue, settle, uniqueRedisPrefix, type TestQueue } from '../helpers/jobs';
import { JobHandlers } from '../../src/modules/jobs/job-handlers';
import { JobCertificateRequests } from '../../src/modules/certificates/job-certificate-requests';
import { describeEachEngine, redisAvailable, redisUrl } from '../helpers/engines';
import { verifyOverHttp } from '../helpers/open-badges';
import { pdfQrText, pdfText } from '../helpers/pdf';

const BASE = 'https://lms.example.org';

interface OpenBadge {
  '@context': string[];
  type: string[];
  vc?: unknown;
  name: string;
  issuer: { id: string };
  validFrom: string;
  validUntil: string;
  credentialSubject: { id: string; type: string[]; achievement: { criteria: { narrative: string } } };
  credentialStatus: object;
  iss: string;
  jti: string;
  sub: string;
  nbf: number;
  exp: number;
}

/** supertest's parser for a binary body (PDF, ZIP, JWT) as one Buffer. */
const binary = ((res: NodeJS.ReadableStream, callback: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}) as unknown as (res: request.Response, callback: (err: Error | null, body: unknown) => void) => void;

function zipEntries(zip: Buffer): Promise<Array<{ name: string; bytes: Buffer }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const entries: Array<{ name: string; bytes: Buffer }> = [];
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, bytes: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(entries));
      file.readEntry();
    });
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Certificates from a cohort's completion to the public verify page, over the API and the pages. */
describeEachEngine('Certificates', (engine) => {
  let t: TestApp;
  let templatesDir: string;
  let admin: string;
  let trainer: { person: Person; bearer: string };
  let otherTrainer: { person: Person; bearer: string };
  let peers: Array<{ person: Person; bearer: string }>;
  let cohortId: string;
  let awarded: string[];
  let today: string;

  const as = (bearer: string) => t.withBearer(bearer);
  const certificates = () => t.app.get(CertificatesService);
  const currentOf = (credentialId: string) =>
    t.dataSource.getRepository(Certificate).findOneByOrFail({ credentialId, supersededAt: IsNull() });
  const rows = (credentialId: string) =>
    t.dataSource.getRepository(Certificate).find({ where: { credentialId }, order: { issuedAt: 'ASC' } });
  const pdfOf = async (bearer: string, id: string) =>
    (await as(bearer).get(`/api/v1/certificates/${id}/pdf`).buffer(true).parse(binary).expect(200)).body as Buffer;
  const waitForJob = (id: string) =>
    until<JobView>(`job ${id}`, async () => {
      const job = await t.app.get(JobQueue).get(id);
      return job && (job.state === 'completed' || job.state === 'failed') ? job : null;
    });

  beforeAll(async () => {
    // The layouts live in a copy, so one test can change a layout the way an admin would.
    templatesDir = mkdtempSync(join(tmpdir(), 'lms-layouts-'));
    cpSync(join(ROOT_DIR, 'templates', 'certificates'), templatesDir, { recursive: true });
    t = await createTestApp(engine, {
      env: {
        PUBLIC_BASE_URL: BASE,
        CERTIFICATE_DIRECTOR_NAME: 'Dana Littlelight',
        CERTIFICATE_TEMPLATES_DIR: templatesDir,
        ORG_NAME: 'Big Sky Peer Support',
      },
    });
    today = t.config.today();
    admin = (await t.token(['admin'])).bearer;
    trainer = await t.token(['trainer'], { name: 'Corey Whitehorse' });
    otherTrainer = await t.token(['trainer']);
    peers = [
      await t.token(['peer'], { name: 'Renee Twofeathers', preferredName: 'Renée Two Feathers' }),
      await t.token(['peer'], { name: 'Wíŋyaŋ Čaŋté' }),
      await t.token(['peer'], { name: 'Not Finished' }),
    ];
  }, 60_000);
  afterAll(async () => t?.close());

  it('completing a cohort makes each award its certificate, through one job per credential', async () => {
    const course = (
      await as(admin)
        .post('/api/v1/courses')
        .send({
          code: `C-${randomUUID().slice(0, 6)}`,
          title: 'Peer support foundations',
          requiredHours: 8,
          awardsCredentialTypeCode: 'PS-40',
          modules: [{ title: 'Ethics and Boundaries', hours: 8, required: true }],
        })
        .expect(201)
    ).body;
    cohortId = (
      await as(admin)
        .post('/api/v1/cohorts')
        .send({
          courseId: course.id,
          name: 'Spring cohort, Billings',
          location: 'Billings clinic',
          setting: 'clinic',
          startsOn: addDays(today, -3),
          endsOn: today,
          capacity: 10,
          trainerIds: [trainer.person.id],
        })
        .expect(201)
    ).body.id;
    const session = (
      await as(trainer.bearer)
        .post(`/api/v1/cohorts/${cohortId}/sessions`)
        .send({ heldOn: addDays(today, -1), startsAt: '09:00', endsAt: '17:00', moduleIds: [course.modules[0].id] })
        .expect(201)
    ).body.id;
    for (const p of peers.slice(0, 2))
      await as(trainer.bearer)
        .post(`/api/v1/cohorts/${cohortId}/enrollments`)
        .send({ personId: p.person.id })
        .expect(201);
    await as(trainer.bearer).post(`/api/v1/training-sessions/${session}/everyone-present`).expect(200);
    await as(trainer.bearer)
      .post(`/api/v1/cohorts/${cohortId}/enrollments`)
      .send({ personId: peers[2].person.id })
      .expect(201);

    const done = (await as(trainer.bearer).post(`/api/v1/cohorts/${cohortId}/complete`).send({}).expect(200)).body;
    expect(done.awarded).toHaveLength(2);
    // awarded[i] is peer i's credential.
    const credentials = await t.dataSource.getRepository(Credential).findBy({ cohortId });
    awarded = peers.slice(0, 2).map((p) => credentials.find((c) => c.personId === p.person.id)!.id);
    expect([...awarded].sort()).toEqual([...done.awarded].sort());
    const made = await until('certificates', async () => {
      const found = await t.dataSource.getRepository(Certificate).findBy({ credentialId: awarded[0] });
      const other = await t.dataSource.getRepository(Certificate).findBy({ credentialId: awarded[1] });
      return found.length && other.length ? [...found, ...other] : null;
    });
    expect(made).toHaveLength(2);
    expect(new Set(made.map((c) => c.statusIndex)).size).toBe(2);
    expect(
      made.every(
        (c) => c.templateId === 'course-completion' && c.templateVersion === 1 && /^[0-9a-f]{64}$/.test(c.sha256),
      ),
    ).toBe(true);
    const audit = await t.withBearer(admin).get('/api/v1/audit?action=certificate.issued').expect(200);
    expect(audit.body.items.map((e: { entityId: string }) => e.entityId).sort()).toEqual(made.map((c) => c.id).sort());
  });

  it('issuing the same credential again, even twice at once, returns the same certificate and leaves no stray file', async () => {
    const first = await currentOf(awarded[0]);
    const again = await Promise.all([
      certificates().issue(awarded[0], 'retry-1'),
      certificates().issue(awarded[0], 'retry-2'),
    ]);
    expect(again.map((c) => c!.id)).toEqual([first.id, first.id]);
    // A fresh credential raced by two workers: one row, one file.
    const fresh = await t.app
      .get(CredentialsService)
      .record(peers[2].person.id, { credentialTypeCode: 'CORR', issuedOn: addDays(today, -10) }, systemActor('test'));
    const raced = await Promise.all([
      certificates().issue(fresh.id, 'a'),
      certificates().issue(fresh.id, 'b'),
      certificates().issue(fresh.id, 'c'),
    ]);
    expect(new Set(raced.map((c) => c!.id)).size).toBe(1);
    expect(await rows(fresh.id)).toHaveLength(1);
    expect(raced[0]!.templateId).toBe('certification');
    const keys = (await t.dataSource.getRepository(Certificate).find()).map((c) => c.storageKey.split('/')[1]);
    const files = readdirSync(join(t.config.certificates.storageDir), { recursive: true }).filter((f) =>
      String(f).endsWith('.pdf'),
    );
    expect(files.map((f) => String(f).split('/')[1]).sort()).toEqual([...new Set(keys)].sort());
    // The job handler is as repeatable as the method under it.
    const job = await t.app
      .get(JobQueue)
      .add('certificate.issue', { credentialId: fresh.id }, { key: `certificate.issue:${fresh.id}` });
    expect((await waitForJob(job)).state).toBe('completed');
    expect(await rows(fresh.id)).toHaveLength(1);
  });

  it('gives no certificate for a credential issued outside the program', async () => {
    const external = await t.app
      .get(CredentialsService)
      .record(peers[0].person.id, { credentialTypeCode: 'CPR', issuedOn: addDays(today, -5) }, systemActor('test'));
    expect(await certificates().issue(external.id, null)).toBeNull();
    expect(await rows(external.id)).toHaveLength(0);
  });

  it("prints the person's preferred name, the credential, hours, dates, trainer, director and code; the QR opens the verify page", async () => {
    const mine = (await as(peers[0].bearer).get(`/api/v1/people/${peers[0].person.id}/certificates`).expect(200)).body;
    expect(mine).toHaveLength(1);
    const certificate = mine[0];
    const pdf = await pdfOf(peers[0].bearer, certificate.id);
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(certificate.sha256);
    const text = pdfText(pdf);
    for (const expected of [
      'Big Sky Peer Support'.toUpperCase(),
      'Renée Two Feathers',
      '40-hour Peer Support Course (incl. Ethics & Boundaries)',
      '8 hours of instruction · Spring cohort, Billings',
      'Does not expire',
      'Corey Whitehorse',
      'Dana Littlelight',
      certificate.code,
    ])
      expect(text).toContain(expected);
    const [y, m, d] = today.split('-').map(Number);
    const month = new Date(Date.UTC(y, m - 1, d)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
    expect(text).toContain(`Issued ${month} ${d}, ${y}`);
    expect(pdfQrText(pdf)).toBe(`${BASE}/verify/${certificate.code}`);
  });

  it('keeps an issued PDF byte for byte when the layout changes; a re-issue uses the new layout and supersedes it', async () => {
    const before = (await as(peers[1].bearer).get(`/api/v1/people/${peers[1].person.id}/certificates`).expect(200))
      .body[0];
    const original = await pdfOf(peers[1].bearer, before.id);
    const file = join(templatesDir, 'course-completion.json');
    const layout = JSON.parse(readFileSync(file, 'utf8'));
    layout.version = 2;
    layout.elements.find((e: { text?: string }) => e.text === 'Certificate of Completion').text =
      'Certificate of Course Completion';
    writeFileSync(file, JSON.stringify(layout));

    const after = await pdfOf(peers[1].bearer, before.id);
    expect(after.equals(original)).toBe(true);
    expect(createHash('sha256').update(after).digest('hex')).toBe(before.sha256);
    expect(pdfText(after)).not.toContain('Course Completion');

    const res = await as(admin)
      .post(`/api/v1/certificates/${before.id}/reissue`)
      .send({ reason: 'corrected_data', note: 'Hours corrected' })
      .expect(202);
    expect((await waitForJob(res.body.jobId)).state).toBe('completed');
    const history = await rows(before.credentialId);
    expect(history).toHaveLength(2);
    const [old, fresh] = history;
    expect(old.supersededById).toBe(fresh.id);
    expect(old.supersedeReason).toBe('corrected_data');
    expect(fresh.templateVersion).toBe(2);
    expect(fresh.code).not.toBe(old.code);
    expect(fresh.statusIndex).not.toBe(old.statusIndex);
    expect(pdfText(await pdfOf(peers[1].bearer, fresh.id))).toContain('Certificate of Course Completion');
    expect((await pdfOf(peers[1].bearer, old.id)).equals(original)).toBe(true);
    // Asking the same job to run again does nothing more: its request was consumed.
    await certificates().handleRegenerate(
      { credentialIds: [before.credentialId], requestedById: 'x' },
      { id: res.body.jobId, attempt: 2, progress: async () => {} },
    );
    expect(await rows(before.credentialId)).toHaveLength(2);
  });

  it('shows each state on the public verify page and in its JSON: valid, superseded, expired, revoked, unknown', async () => {
    const history = await rows(awarded[1]);
    const [old, current] = history;
    const page = (code: string) => t.http().get(`/verify/${code}`);

    const valid = await page(current.code.toLowerCase().replace(/-/g, '')).expect(200);
    expect(valid.text).toContain('This certificate is genuine and current');
    expect(valid.text).toContain('Wíŋyaŋ Čaŋté');
    expect(valid.text).toContain('Does not expire');
    expect(valid.text).not.toContain(peers[1].person.email);
    const json = (await t.http().get(`/api/v1/verify/${current.code}`).expect(200)).body;
    expect(json).toMatchObject({
      state: 'valid',
      recipientName: 'Wíŋyaŋ Čaŋté',
      issuer: 'Big Sky Peer Support',
      expiresOn: null,
      issuedOn: today,
    });
    expect(Object.keys(json)).not.toContain('personId');

    const superseded = await page(old.code).expect(200);
    expect(superseded.text).toContain('replaced by a newer one');
    expect(superseded.text).toContain(`href="/verify/${current.code}"`);
    expect((await t.http().get(`/api/v1/verify/${old.code}`).expect(200)).body.supersededBy).toEqual({
      code: current.code,
      url: `${BASE}/verify/${current.code}`,
    });

    const lapsed = await t.app.get(CredentialsService).record(
      peers[2].person.id,
      {
        credentialTypeCode: 'CORR',
        issuedOn: '2024-02-01',
        expiresOn: '2025-01-31',
        expiryNote: 'one-year program policy',
      },
      systemActor('test'),
    );
    const expired = (await certificates().issue(lapsed.id, null))!;
    const expiredPage = await page(expired.code).expect(200);
    expect(expiredPage.text).toContain('has expired');
    expect(expiredPage.text).toContain('Jan 31, 2025');

    await as(admin)
      .post(`/api/v1/certificates/${current.id}/revoke`)
      .send({ effectiveOn: today, reason: 'issued_in_error', note: 'wrong cohort' })
      .expect(200);
    const revoked = await page(current.code).expect(200);
    expect(revoked.text).toContain('This certificate was revoked');
    expect(revoked.text).toContain(`Revoked on <strong>${formatDate(today)}</strong>`);
    // The reason is the holder's business unless the admin chose to show it (issue 19); the note never shows.
    expect(revoked.text).not.toContain('Issued in error');
    expect(revoked.text).not.toContain('wrong cohort');
    expect((await t.http().get(`/api/v1/verify/${current.code}`).expect(200)).body).toMatchObject({
      state: 'revoked',
      revokedOn: today,
      revocationReason: null,
    });
    // Its older certificate shows the revocation too: the credential is what was revoked.
    expect((await t.http().get(`/api/v1/verify/${old.code}`).expect(200)).body.state).toBe('revoked');

    const unknown = await page('ZZZZZ-ZZZZZ-ZZZZZ').expect(404);
    expect(unknown.text).toContain('No certificate has this code');
    const typo = current.code.slice(0, -1) + (current.code.endsWith('0') ? '1' : '0');
    await page(typo).expect(404);
    expect((await t.http().get(`/api/v1/verify/${typo}`).expect(404)).body.message).toBe(
      'No certificate has this code.',
    );

    await t
      .http()
      .get(`/verify?code=${encodeURIComponent(' ' + current.code.toLowerCase().replace(/0/g, 'o') + ' ')}`)
      .expect(303)
      .expect('Location', `/verify/${current.code}`);
    const logged = await t.dataSource.getRepository(CertificateLookup).findBy({ certificateId: current.id });
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(logged.map((l) => l.result)).toContain('revoked');
  });

  it('revoking the credential revokes its certificate in the same step, and the reverse; both audited', async () => {
    const c = await currentOf(awarded[0]);
    await t.app
      .get(CredentialsService)
      .revoke(awarded[0], { effectiveOn: today, reason: 'requirements_not_met', note: null }, systemActor('test'));
    const after = await t.dataSource.getRepository(Certificate).findOneByOrFail({ id: c.id });
    expect(after).toMatchObject({ revokedOn: today, revocationReason: 'requirements_not_met' });
    const audit = (await as(admin).get(`/api/v1/audit?action=certificate.revoked`).expect(200)).body.items;
    expect(audit.map((e: { entityId: string }) => e.entityId)).toContain(c.id);
    const credential = await t.dataSource
      .getRepository(Credential)
      .findOneByOrFail({ id: (await rows(awarded[1]))[1].credentialId });
    expect(credential.revokedOn).toBe(today);
    // Revoked: no re-issue.
    await as(admin).post(`/api/v1/certificates/${c.id}/reissue`).send({ reason: 'name_change' }).expect(409);
    await as(admin)
      .post(`/api/v1/certificates/${c.id}/revoke`)
      .send({ effectiveOn: today, reason: 'other' })
      .expect(409);
  });

  it('signs the Open Badges credential RS256 with the published RSA key; tampering breaks it; the status list shows revocations', async () => {
    const jwks = (await t.http().get('/.well-known/jwks.json').expect(200)).body;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
    // The kid dereferences to the key itself, as Open Badges 3.0 asks.
    expect(jwks.keys[0].kid).toMatch(new RegExp(`^${BASE}/keys/[A-Za-z0-9_-]{43}$`));
    expect((await t.http().get(new URL(jwks.keys[0].kid).pathname).expect(200)).body).toEqual(jwks.keys[0]);
    await t.http().get('/keys/not-our-key').expect(404);

    const lapsedCert = (
      await t.dataSource
        .getRepository(Certificate)
        .find({ where: { personId: peers[2].person.id }, relations: { credential: true } })
    ).find((c) => c.credential.expiresOn === '2025-01-31')!;
    const res = await as(peers[2].bearer)
      .get(`/api/v1/certificates/${lapsedCert.id}/open-badge`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/application\/vc\+jwt/);
    const jwt = res.body.toString('utf8');
    const verified = await verifyOverHttp(t.http, jwt);
    expect(verified.header).toEqual({ alg: 'RS256', kid: jwks.keys[0].kid, typ: 'JWT' });
    const vc = verified.payload as unknown as OpenBadge;
    expect(vc['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    expect(vc.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(vc.vc).toBeUndefined();
    expect(vc.issuer).toMatchObject({ id: `${BASE}/issuer`, type: ['Profile'], name: 'Big Sky Peer Support' });
    expect(vc.credentialSubject.type).toEqual(['AchievementSubject']);
    expect(vc.credentialSubject.achievement).toMatchObject({
      type: ['Achievement'],
      achievementType: 'Certification',
      name: lapsedCert.credentialName,
    });
    expect(vc.credentialSubject.achievement.criteria.narrative).toBeTruthy();
    // No CERTIFICATE_LOGO here: the image is the program's icon, at an absolute address that answers.
    const image = (vc.credentialSubject.achievement as unknown as { image: { id: string; type: string } }).image;
    expect(image).toMatchObject({ type: 'Image', id: `${BASE}/assets/favicon.svg` });
    await t
      .http()
      .get(new URL(image.id).pathname)
      .expect(200)
      .expect('Content-Type', /image\/svg\+xml/);
    expect(vc.iss).toBe(vc.issuer.id);
    expect(vc.jti).toBe(`urn:uuid:${lapsedCert.id}`);
    expect(vc.sub).toBe(vc.credentialSubject.id);
    expect(vc.nbf).toBe(Math.floor(new Date(vc.validFrom).getTime() / 1000));
    expect(vc.exp).toBe(Math.floor(new Date(vc.validUntil).getTime() / 1000));
    expect(vc.validUntil).toBe('2025-02-01T07:00:00.000Z');
    expect(vc.credentialStatus).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(lapsedCert.statusIndex),
      statusListCredential: `${BASE}/status-lists/revocation`,
    });
    const [h, p, s] = jwt.split('.');
    const forged = Buffer.from(JSON.stringify({ ...vc, name: 'Something else' })).toString('base64url');
    await expect(verifyOverHttp(t.http, `${h}.${forged}.${s}`)).rejects.toThrow(/signature verification failed/);
    await expect(
      verifyOverHttp(t.http, `${h}.${p}.${Buffer.from(s, 'base64url').reverse().toString('base64url')}`),
    ).rejects.toThrow(/signature verification failed/);

    // Not public, and not for others in scope: the holder and admins only.
    await t.http().get(`/api/v1/certificates/${lapsedCert.id}/open-badge`).expect(401);
    await as(peers[0].bearer).get(`/api/v1/certificates/${lapsedCert.id}/open-badge`).expect(404);

    const statusList = async () => {
      const listJwt = (
        await t.http().get('/status-lists/revocation').buffer(true).parse(binary).expect(200)
      ).body.toString('utf8');
      const list = await verifyOverHttp(t.http, listJwt);
      expect(list.payload.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
      return (list.payload.credentialSubject as { encodedList: string }).encodedList;
    };
    expect(statusBit(await statusList(), lapsedCert.statusIndex)).toBe(false);
    await as(admin)
      .post(`/api/v1/certificates/${lapsedCert.id}/revoke`)
      .send({ effectiveOn: today, reason: 'surrendered' })
      .expect(200);
    const list = await statusList();
    expect(statusBit(list, lapsedCert.statusIndex)).toBe(true);
    const revoked = await t.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .where('c.revoked_on IS NOT NULL')
      .getMany();
    const all = await t.dataSource.getRepository(Certificate).find();
    for (const c of all) expect(statusBit(list, c.statusIndex)).toBe(revoked.some((r) => r.id === c.id));
  });

  it("lets a peer download only their own certificates: another's id answers 404", async () => {
    const theirs = (await rows(awarded[1]))[1];
    await as(peers[0].bearer).get(`/api/v1/certificates/${theirs.id}/pdf`).expect(404);
    await as(peers[0].bearer).get(`/certificates/${theirs.id}/download`).expect(404);
    await as(peers[0].bearer).get(`/api/v1/people/${peers[1].person.id}/certificates`).expect(404);
    const own = await as(peers[1].bearer)
      .get(`/certificates/${theirs.id}/download`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(own.headers['content-type']).toBe('application/pdf');
    expect(own.headers['content-disposition']).toMatch(/^attachment; filename=".*\.pdf"; filename\*=UTF-8''/);
    expect(createHash('sha256').update(own.body).digest('hex')).toBe(theirs.sha256);
  });

  it("streams the cohort's certificates as one ZIP for its trainer and admins only", async () => {
    await as(otherTrainer.bearer).get(`/training/cohorts/${cohortId}/certificates.zip`).expect(404);
    await as(peers[0].bearer).get(`/training/cohorts/${cohortId}/certificates.zip`).expect(403);
    const res = await as(trainer.bearer)
      .get(`/training/cohorts/${cohortId}/certificates.zip`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const entries = await zipEntries(res.body);
    const current = await t.dataSource.getRepository(Certificate).find({ where: { credentialId: awarded[0] } });
    const currentOther = (await rows(awarded[1])).filter((c) => !c.supersededAt);
    const expected = [...current.filter((c) => !c.supersededAt), ...currentOther];
    expect(entries).toHaveLength(2);
    for (const c of expected) {
      const entry = entries.find((e) => e.name.endsWith(`${c.code}.pdf`))!;
      expect(entry.name).toContain(c.recipientName);
      expect(createHash('sha256').update(entry.bytes).digest('hex')).toBe(c.sha256);
    }
    await as(admin).get(`/training/cohorts/${cohortId}/certificates.zip`).expect(200);
  });

  it('regenerates a selection in one job whose progress the page and the JSON show', async () => {
    const extra = [];
    for (const n of [1, 2, 3]) {
      const c = await t.app
        .get(CredentialsService)
        .record(
          peers[2].person.id,
          { credentialTypeCode: 'PS-40', issuedOn: addDays(today, -20 - n) },
          systemActor('test'),
        );
      await certificates().issue(c.id, null);
      extra.push(c.id);
    }
    const bad = await as(admin)
      .post('/api/v1/certificates/regenerate')
      .send({ credentialIds: [], reason: 'template_update' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('credentialIds');
    const res = await as(admin)
      .post('/api/v1/certificates/regenerate')
      .send({ credentialIds: extra, reason: 'template_update', note: 'new layout' })
      .expect(202);
    const job = await waitForJob(res.body.jobId);
    expect(job).toMatchObject({ state: 'completed', progress: { done: 3, total: 3 } });
    const json = (await as(admin).get(`/api/v1/certificate-jobs/${res.body.jobId}`).expect(200)).body;
    expect(json).toMatchObject({ state: 'completed', progress: { done: 3, total: 3 } });
    for (const id of extra) expect(await rows(id)).toHaveLength(2);
    const admins = await t.browser(['admin']);
    const page = await t.as(admins).get(`/certificates/jobs/${res.body.jobId}`).expect(200);
    expect(page.text).toMatch(/<progress id="job-progress" value="3" max="3">/);
    expect(page.text).not.toContain('http-equiv="refresh"');
    await as(admin).get('/api/v1/certificate-jobs/not-a-job').expect(404);
  });

  it('lets a person choose the name printed on their certificates (audited); a re-issue prints it, the old one keeps the old', async () => {
    const peer = await t.browser(['peer'], { name: 'Samuel Kicking Woman' });
    const credential = await t.app
      .get(CredentialsService)
      .record(peer.person.id, { credentialTypeCode: 'PS-40', issuedOn: addDays(today, -4) }, systemActor('test'));
    const first = (await certificates().issue(credential.id, null))!;
    expect(first.recipientName).toBe('Samuel Kicking Woman');
    const tooLong = await t
      .as(peer)
      .post('/account/printed-name')
      .type('form')
      .send({ preferredName: 'x'.repeat(201) })
      .expect(400);
    expect(tooLong.text).toContain('must be at most 200 characters');
    await t
      .as(peer)
      .post('/account/printed-name')
      .type('form')
      .send({ preferredName: '  Sam Kicking Woman ' })
      .expect(303)
      .expect('Location', '/account?notice=name-saved');
    expect((await t.as(peer).get('/account').expect(200)).text).toContain('value="Sam Kicking Woman"');
    const audit = (await as(admin).get(`/api/v1/audit?action=person.updated&personId=${peer.person.id}`).expect(200))
      .body.items;
    expect(
      audit.some(
        (e: { entityId: string; after: { preferredName: string } }) =>
          e.entityId === peer.person.id && e.after.preferredName === 'Sam Kicking Woman',
      ),
    ).toBe(true);

    const res = await as(admin)
      .post(`/api/v1/certificates/${first.id}/reissue`)
      .send({ reason: 'name_change', note: 'Asked for Sam' })
      .expect(202);
    expect((await waitForJob(res.body.jobId)).state).toBe('completed');
    const [old, fresh] = await rows(credential.id);
    expect(old.recipientName).toBe('Samuel Kicking Woman');
    expect(fresh.recipientName).toBe('Sam Kicking Woman');
    expect(pdfText(await pdfOf(admin, fresh.id))).toContain('Sam Kicking Woman');
    expect(pdfText(await pdfOf(admin, old.id))).toContain('Samuel Kicking Woman');
  });

  it('shows certificates on the person page with their downloads, and the admin list', async () => {
    const peer = await t.browser(['peer'], { name: 'Page Peer' });
    const c = await t.app
      .get(CredentialsService)
      .record(peer.person.id, { credentialTypeCode: 'PS-40', issuedOn: addDays(today, -2) }, systemActor('test'));
    const cert = (await certificates().issue(c.id, null))!;
    await t.as(peer).get('/my/credentials').expect(302).expect('Location', `/people/${peer.person.id}`);
    const page = await t.as(peer).get(`/people/${peer.person.id}`).expect(200);
    expect(page.text).toContain(`/certificates/${cert.id}/download`);
    expect(page.text).toContain(`/certificates/${cert.id}/open-badge`);
    const adminBrowser = await t.browser(['admin']);
    const list = await t.as(adminBrowser).get('/certificates?q=page%20peer').expect(200);
    expect(list.text).toContain(cert.code);
    const show = await t.as(adminBrowser).get(`/certificates/${cert.id}`).expect(200);
    expect(show.text).toContain('Revoke this certificate');
  });

  it('keeps web writes flowing while a regenerate job is drawing its PDFs (it takes the write lock only for its rows)', async () => {
    const extra: string[] = [];
    for (const n of [1, 2, 3]) {
      const c = await t.app
        .get(CredentialsService)
        .record(
          peers[1].person.id,
          { credentialTypeCode: 'PS-40', issuedOn: addDays(today, -40 - n) },
          systemActor('test'),
        );
      await certificates().issue(c.id, null);
      extra.push(c.id);
    }
    // The job's first drawing waits on a gate the test opens, so the job is slow for certain.
    const events: string[] = [];
    let open!: (by: string) => void;
    const gate = new Promise<void>((resolve) => {
      open = (by) => {
        events.push(`gate opened by ${by}`);
        resolve();
      };
    });
    let entered!: () => void;
    const drawing = new Promise<void>((resolve) => (entered = resolve));
    const renderer = t.app.get(CertificateRenderer);
    const render = renderer.render.bind(renderer);
    const spy = jest.spyOn(renderer, 'render').mockImplementationOnce(async (input) => {
      entered();
      await gate;
      return render(input);
    });
    // Only so a regression fails instead of hanging: the request waiting for the job's lock.
    const fallback = setTimeout(() => open('timeout'), 15_000);
    try {
      const peer = await t.browser(['peer'], { name: 'Busy Day Peer' });
      const res = await as(admin)
        .post('/api/v1/certificates/regenerate')
        .send({ credentialIds: extra, reason: 'template_update' })
        .expect(202);
      await drawing;
      await t.as(peer).post('/account/printed-name').type('form').send({ preferredName: 'Busy Day' }).expect(303);
      events.push('form post answered');
      open('the test');
      const job = await waitForJob(res.body.jobId);
      events.push('job finished');
      expect(events).toEqual(['form post answered', 'gate opened by the test', 'job finished']);
      expect(job).toMatchObject({ state: 'completed', progress: { done: 3, total: 3 } });
      for (const id of extra) expect(await rows(id)).toHaveLength(2);
    } finally {
      clearTimeout(fallback);
      spy.mockRestore();
    }
  }, 60_000);
});

(redisAvailable() ? describe : describe.skip)('Certificates through real BullMQ (a worker process)', () => {
  let t: TestApp;
  let worker: TestQueue;
  const prefix = uniqueRedisPrefix();
  beforeAll(async () => {
    // Redis mode: the web app only adds jobs; the worker below (the app's own handlers) runs them.
    t = await createTestApp('sqlite', { env: { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix } });
    worker = makeQueue('bullmq', t, t.app.get(JobHandlers), prefix);
    await worker.start();
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('issues the certificates an award asks for, once, and regenerates with progress', async () => {
    const peer = await t.person(['peer']);
    const credential = await t.app
      .get(CredentialsService)
      .record(peer.id, { credentialTypeCode: 'CORR', issuedOn: addDays(t.config.today(), -3) }, systemActor('test'));
    await t.app.get(JobCertificateRequests).requestFor([credential.id, credential.id]);
    const issued = await until('the certificate', () =>
      t.dataSource.getRepository(Certificate).findOneBy({ credentialId: credential.id }),
    );
    expect(issued.templateId).toBe('certification');
    const admin = (await t.token(['admin'])).bearer;
    const res = await t
      .withBearer(admin)
      .post('/api/v1/certificates/regenerate')
      .send({ credentialIds: [credential.id], reason: 'name_change' })
      .expect(202);
    expect(await settle(t.app.get(JobQueue), res.body.jobId)).toMatchObject({
      state: 'completed',
      progress: { done: 1, total: 1 },
    });
    expect(await t.dataSource.getRepository(Certificate).countBy({ credentialId: credential.id })).toBe(2);
  });
});

describe('Certificates in the API docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('documents the verify, Open Badges, download and admin endpoints', async () => {
    const docs = (
      await t
        .as(await t.browser(['peer']))
        .get('/api/docs/openapi.json')
        .expect(200)
    ).body;
    for (const path of [
      '/api/v1/verify/{code}',
      '/.well-known/jwks.json',
      '/issuer',
      '/keys/{thumbprint}',
      '/status-lists/revocation',
      '/api/v1/people/{id}/certificates',
      '/api/v1/certificates/{id}/pdf',
      '/api/v1/certificates/{id}/open-badge',
      '/api/v1/certificates/{id}/revoke',
      '/api/v1/certificates/{id}/reissue',
      '/api/v1/certificates/regenerate',
      '/api/v1/certificate-jobs/{id}',
      '/certificates/{id}/download',
      '/training/cohorts/{id}/certificates.zip',
    ])
      expect(Object.keys(docs.paths)).toContain(path);
    expect(Object.keys(docs.paths)).not.toContain('/verify/{code}');
  });
});

describe('Certificate verification is rate-limited per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { VERIFY_RATE_LIMIT: '5' } });
  });
  afterAll(async () => t?.close());

  it('answers 429 after the limit, and logs every lookup it answered', async () => {
    for (let i = 0; i < 5; i++) await t.http().get('/api/v1/verify/ZZZZZ-ZZZZZ-ZZZZZ').expect(404);
    const refused = await t.http().get('/api/v1/verify/ZZZZZ-ZZZZZ-ZZZZZ').expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429 });
    expect(await t.dataSource.getRepository(CertificateLookup).count()).toBe(5);
  });
});
