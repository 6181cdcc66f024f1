import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type request from 'superagent';
import { IsNull } from 'typeorm';
import { addDays, formatDate } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { AccountLink } from '../../src/modules/auth/account-link.entity';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { Credential } from '../../src/modules/credentials/credential.entity';
import { CredentialsService } from '../../src/modules/credentials/credentials.service';
import { OutboxMessage } from '../../src/modules/notifications/outbox-message.entity';
import { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { makePdf } from '../factories/evidence-files';
import { pdfText } from '../helpers/pdf';

const BASE = 'https://lms.example.org';

/** supertest's parser for a binary body (a PDF) as one Buffer. */
const binary = ((res: NodeJS.ReadableStream, callback: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}) as unknown as (res: request.Response, callback: (err: Error | null, body: unknown) => void) => void;

/** A 240 × 60 signature-like PNG: a dark wavy stroke on white. */
function signaturePng(): Buffer {
  const png = new PNG({ width: 240, height: 60 });
  png.data.fill(255);
  for (let x = 10; x < 230; x++) {
    const y = Math.round(30 + 18 * Math.sin(x / 14) * Math.cos(x / 41));
    for (let dy = -2; dy <= 2; dy++) {
      const i = ((y + dy) * 240 + x) * 4;
      png.data[i] = png.data[i + 1] = 20;
      png.data[i + 2] = 80;
    }
  }
  return PNG.sync.write(png);
}

/** Decodes the quoted-printable parts of an .eml well enough to search its text. */
const decodeMail = (eml: string) =>
  eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Issue 19's admin details: invitation on adding a person, revoke confirmation, public reason, settings, mail, progress. */
describeEachEngine('Admin details', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let today: string;

  const credentials = () => t.app.get(CredentialsService);
  const certificates = () => t.app.get(CertificatesService);
  const issueFor = async (personId: string, code = 'PS-40') => {
    const c = await credentials().record(
      personId,
      { credentialTypeCode: code, issuedOn: addDays(today, -2) },
      systemActor('test'),
    );
    return (await certificates().issue(c.id, null))!;
  };
  const mails = async (): Promise<string[]> => {
    const dir = join(t.config.dataDir, 'mail');
    const files = await readdir(dir).catch(() => [] as string[]);
    return Promise.all(
      files.filter((f) => f.endsWith('.eml')).map(async (f) => decodeMail(await readFile(join(dir, f), 'utf8'))),
    );
  };
  const pdfOf = async (id: string) =>
    (await t.as(admin).get(`/certificates/${id}/download`).buffer(true).parse(binary).expect(200)).body as Buffer;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { PUBLIC_BASE_URL: BASE, ORG_NAME: 'Big Sky Peer Support' } });
    today = t.config.today();
    admin = await t.browser(['admin'], { name: 'Avery Admin' });
  }, 60_000);
  afterAll(async () => t?.close());

  it('adding a person offers the invitation, ticked by default, and sends it only when ticked', async () => {
    const form = await t.as(admin).get('/people/new').expect(200);
    expect(form.text).toMatch(/<input type="checkbox" name="sendInvitation" value="true" checked/);
    expect(form.text).toContain('Send the invitation now');
    // Editing someone never invites them from the form.
    const edit = await t.as(admin).get(`/people/${admin.person.id}/edit`).expect(200);
    expect(edit.text).not.toContain('sendInvitation');

    const email = `invited.${randomUUID().slice(0, 8)}@example.org`;
    const invited = await t
      .as(admin)
      .post('/people')
      .type('form')
      .send({ name: 'Invited Person', email, roles: 'peer', status: 'active', sendInvitation: ['false', 'true'] })
      .expect(303);
    expect(invited.headers.location).toMatch(/\?notice=created-invited$/);
    const person = await t.dataSource.getRepository(Person).findOneByOrFail({ email });
    expect(await t.dataSource.getRepository(AccountLink).countBy({ personId: person.id, purpose: 'invitation' })).toBe(
      1,
    );
    const sent = (await mails()).filter((m) => m.includes(email));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(`${BASE}/invitation/`);
    expect((await t.as(admin).get(invited.headers.location).expect(200)).text).toContain('invitation e-mailed');

    const quiet = `quiet.${randomUUID().slice(0, 8)}@example.org`;
    const notInvited = await t
      .as(admin)
      .post('/people')
      .type('form')
      .send({ name: 'Quiet Person', email: quiet, roles: 'peer', status: 'active', sendInvitation: 'false' })
      .expect(303);
    expect(notInvited.headers.location).toMatch(/\?notice=created$/);
    const other = await t.dataSource.getRepository(Person).findOneByOrFail({ email: quiet });
    expect(await t.dataSource.getRepository(AccountLink).countBy({ personId: other.id })).toBe(0);
    expect((await mails()).some((m) => m.includes(quiet))).toBe(false);

    // A refused form keeps the box as it was sent.
    const refused = await t
      .as(admin)
      .post('/people')
      .type('form')
      .send({ name: 'X', email: 'not an address', roles: 'peer', status: 'active', sendInvitation: 'false' })
      .expect(400);
    expect(refused.text).toMatch(/<input type="checkbox" name="sendInvitation" value="true" aria-describedby=/);
  });

  it('revoking from the certificate page asks first, says what will happen, and revokes only when confirmed', async () => {
    const peer = await t.person(['peer'], { name: 'Renée Two Feathers' });
    const cert = await issueFor(peer.id);
    const effectiveOn = addDays(today, -1);
    const step1 = await t
      .as(admin)
      .post(`/certificates/${cert.id}/revoke`)
      .type('form')
      .send({ effectiveOn, reason: 'disciplinary', note: 'board letter', reasonPublic: 'false' })
      .expect(200);
    expect(step1.text).toContain('Revoke PS-40 of Renée Two Feathers?');
    expect(step1.text).toContain(`certificate ${cert.code}`);
    expect(step1.text).toContain(`revoked from <strong>${formatDate(effectiveOn)}</strong>`);
    expect(step1.text).toContain('without the reason');
    expect(step1.text).toContain('It cannot be undone.');
    expect(step1.text).toContain('name="confirm" value="yes"');
    expect(step1.text).toContain(`href="/certificates/${cert.id}"`);
    // Nothing changed yet.
    const untouched = await t.dataSource.getRepository(Credential).findOneByOrFail({ id: cert.credentialId });
    expect(untouched.revokedOn).toBeNull();
    expect((await t.http().get(`/api/v1/verify/${cert.code}`).expect(200)).body.state).toBe('valid');

    const done = await t
      .as(admin)
      .post(`/certificates/${cert.id}/revoke`)
      .type('form')
      .send({ effectiveOn, reason: 'disciplinary', note: 'board letter', reasonPublic: 'false', confirm: 'yes' })
      .expect(303);
    expect(done.headers.location).toBe(`/certificates/${cert.id}?notice=revoked`);
    const verify = await t.http().get(`/verify/${cert.code}`).expect(200);
    expect(verify.text).toContain(`Revoked on <strong>${formatDate(effectiveOn)}</strong>`);
    expect(verify.text).not.toContain('Disciplinary action');
    expect(verify.text).not.toContain('board letter');
    expect((await t.http().get(`/api/v1/verify/${cert.code}`).expect(200)).body).toMatchObject({
      state: 'revoked',
      revokedOn: effectiveOn,
      revocationReason: null,
    });
    // The status list still carries the revocation for Open Badges verifiers.
    expect((await t.dataSource.getRepository(Certificate).findOneByOrFail({ id: cert.id })).revokedOn).toBe(
      effectiveOn,
    );
    // A second confirmation of an already revoked credential is refused, not done twice.
    const again = await t
      .as(admin)
      .post(`/certificates/${cert.id}/revoke`)
      .type('form')
      .send({ effectiveOn, reason: 'disciplinary', reasonPublic: 'false' })
      .expect(400);
    expect(again.text).toContain('already revoked');
  });

  it('revoking from the credential page shows the reason publicly only when the admin ticked it', async () => {
    const peer = await t.person(['peer'], { name: 'Public Reason' });
    const cert = await issueFor(peer.id);
    const body = { effectiveOn: today, reason: 'issued_in_error', reasonPublic: ['false', 'true'] };
    const step1 = await t
      .as(admin)
      .post(`/credentials/${cert.credentialId}/revoke`)
      .type('form')
      .send(body)
      .expect(200);
    expect(step1.text).toContain('with the reason "Issued in error"');
    expect(step1.text).toContain('name="reasonPublic" value="true"');
    expect(step1.text).toContain(`href="/credentials/${cert.credentialId}/manage"`);
    await t
      .as(admin)
      .post(`/credentials/${cert.credentialId}/revoke`)
      .type('form')
      .send({ ...body, reasonPublic: 'true', confirm: 'yes' })
      .expect(303)
      .expect('Location', `/people/${peer.id}?notice=credential-revoked`);
    const verify = await t.http().get(`/verify/${cert.code}`).expect(200);
    expect(verify.text).toContain('Reason: <strong>Issued in error</strong>');
    expect((await t.http().get(`/api/v1/verify/${cert.code}`).expect(200)).body).toMatchObject({
      state: 'revoked',
      revocationReason: 'issued_in_error',
    });
    // The API is unchanged: one step, and the reason stays private unless asked.
    const api = t.withBearer((await t.token(['admin'])).bearer);
    const other = await issueFor((await t.person(['peer'])).id);
    await api.post(`/api/v1/certificates/${other.id}/revoke`).send({ effectiveOn: today, reason: 'fraud' }).expect(200);
    expect((await t.http().get(`/api/v1/verify/${other.code}`).expect(200)).body.revocationReason).toBeNull();
    const third = await issueFor((await t.person(['peer'])).id);
    await api
      .post(`/api/v1/certificates/${third.id}/revoke`)
      .send({ effectiveOn: today, reason: 'fraud', reasonPublic: true })
      .expect(200);
    expect((await t.http().get(`/api/v1/verify/${third.code}`).expect(200)).body.revocationReason).toBe('fraud');
  });

  it("prints the director's name and signature set on the settings page; checks the image by its bytes", async () => {
    const page = await t.as(admin).get('/admin/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Not set: certificates print a blank line today.');
    const blank = await issueFor((await t.person(['peer'], { name: 'Before Settings' })).id);
    expect(pdfText(await pdfOf(blank.id))).not.toContain('Dana Littlelight');

    await t
      .as(admin)
      .post('/admin/settings')
      .type('form')
      .send({ directorName: '  Dana Littlelight ' })
      .expect(303)
      .expect('Location', '/admin/settings?notice=director');
    const tooLong = await t
      .as(admin)
      .post('/admin/settings')
      .type('form')
      .send({ directorName: 'x'.repeat(121) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('must be at most 120 characters');

    const upload = (bytes: Buffer, name: string) =>
      t.as(admin).post('/admin/settings/signature').field('_csrf', admin.csrf).attach('signature', bytes, name);
    const notImage = await upload(makePdf(), 'signature.png');
    expect(notImage.status).toBe(400);
    expect(notImage.text).toContain('must be a PNG or JPEG file');
    const huge = await upload(Buffer.concat([signaturePng(), Buffer.alloc(1024 * 1024 + 1)]), 'big.png');
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('larger than 1 MB');
    await t.as(admin).get('/admin/settings/signature').expect(404);
    await upload(signaturePng(), 'signature.png').expect(303).expect('Location', '/admin/settings?notice=signature');
    const image = await t.as(admin).get('/admin/settings/signature').expect(200);
    expect(image.headers['content-type']).toBe('image/png');

    const cert = await issueFor((await t.person(['peer'], { name: 'After Settings' })).id);
    const pdf = await pdfOf(cert.id);
    expect(pdfText(pdf)).toMatch(/Dana Littlelight PROGRAM DIRECTOR/);
    // The signature is embedded as an image (a PNG with transparency as two: the picture and its soft mask) beside
    // the QR code's image mask; the certificate drawn before has only the QR code.
    const images = (bytes: Buffer) => bytes.toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0;
    expect(images(await pdfOf(blank.id))).toBe(1);
    expect(images(pdf)).toBeGreaterThan(1);
    // Issued PDFs never change: the earlier certificate still has the blank line.
    expect(pdfText(await pdfOf(blank.id))).not.toContain('Dana Littlelight');

    const audit = await t
      .withBearer((await t.token(['admin'])).bearer)
      .get('/api/v1/audit?action=settings.changed')
      .expect(200);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
    await t
      .as(admin)
      .post('/admin/settings/signature/remove')
      .expect(303)
      .expect('Location', '/admin/settings?notice=signature-removed');
    await t.as(admin).get('/admin/settings/signature').expect(404);
  });

  it('e-mails the holder once when a certificate is drawn, with the download and verify links; a plain redraw is not news', async () => {
    const peer = await t.person(['peer'], { name: 'Mail Holder' });
    const c = await credentials().record(
      peer.id,
      { credentialTypeCode: 'PS-40', issuedOn: addDays(today, -2) },
      systemActor('test'),
    );
    const jobContext = (attempt: number) => ({ id: `job-${c.id}`, attempt, progress: async () => {} });
    await certificates().handleIssueCertificate({ credentialId: c.id }, jobContext(1));
    // The job retried (its first run's answer was lost): the certificate and its message exist once.
    await certificates().handleIssueCertificate({ credentialId: c.id }, jobContext(2));
    const cert = await t.dataSource.getRepository(Certificate).findOneByOrFail({ credentialId: c.id });
    const outbox = await t.dataSource.getRepository(OutboxMessage).findBy({ personId: peer.id });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ template: 'certificate-ready', toAddress: peer.email });
    expect(outbox[0].context).toMatchObject({
      link: `/certificates/${cert.id}`,
      verifyUrl: `${BASE}/verify/${cert.code}`,
    });
    const delivered = await waitFor(async () => (await mails()).find((m) => m.includes(cert.code)));
    expect(delivered).toContain(`${BASE}/certificates/${cert.id}`);
    expect(delivered).toContain(`${BASE}/verify/${cert.code}`);

    const api = t.withBearer((await t.token(['admin'])).bearer);
    const regenerate = async (reason: string) => {
      const job = (
        await api
          .post('/api/v1/certificates/regenerate')
          .send({ credentialIds: [c.id], reason })
          .expect(202)
      ).body.jobId as string;
      await waitFor(async () => {
        const current = await t.dataSource
          .getRepository(Certificate)
          .findOneBy({ credentialId: c.id, supersededAt: IsNull() });
        return current && current.id !== cert.id && current.reissueRequestedAt === null ? job : null;
      });
    };
    await regenerate('template_update');
    expect(await t.dataSource.getRepository(OutboxMessage).countBy({ personId: peer.id })).toBe(1);
    await t.dataSource.getRepository(Person).update({ id: peer.id }, { preferredName: 'Mail H.' });
    const before = await t.dataSource
      .getRepository(Certificate)
      .findOneByOrFail({ credentialId: c.id, supersededAt: IsNull() });
    await regenerate('name_change');
    const after = await waitFor(async () => {
      const now = await t.dataSource
        .getRepository(Certificate)
        .findOneBy({ credentialId: c.id, supersededAt: IsNull() });
      return now && now.id !== before.id ? now : null;
    });
    expect(after.recipientName).toBe('Mail H.');
    const messages = await t.dataSource.getRepository(OutboxMessage).findBy({ personId: peer.id });
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.context.verifyUrl)).toContain(`${BASE}/verify/${after.code}`);
  }, 60_000);

  it("shows a completed cohort's certificate batch as 'N of M drawn' with the live progress component", async () => {
    const trainer = await t.token(['trainer'], { name: 'Corey Whitehorse' });
    const trainerApi = t.withBearer(trainer.bearer);
    const api = t.withBearer((await t.token(['admin'])).bearer);
    const course = (
      await api
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
    const cohortId = (
      await api
        .post('/api/v1/cohorts')
        .send({
          courseId: course.id,
          name: 'Batch cohort',
          location: 'Billings clinic',
          setting: 'clinic',
          startsOn: addDays(today, -3),
          endsOn: today,
          capacity: 10,
          trainerIds: [trainer.person.id],
        })
        .expect(201)
    ).body.id as string;
    const session = (
      await trainerApi
        .post(`/api/v1/cohorts/${cohortId}/sessions`)
        .send({ heldOn: addDays(today, -1), startsAt: '09:00', endsAt: '17:00', moduleIds: [course.modules[0].id] })
        .expect(201)
    ).body.id;
    for (let i = 0; i < 3; i++) {
      const p = await t.person(['peer']);
      await trainerApi.post(`/api/v1/cohorts/${cohortId}/enrollments`).send({ personId: p.id }).expect(201);
    }
    await trainerApi.post(`/api/v1/training-sessions/${session}/everyone-present`).expect(200);
    await trainerApi.post(`/api/v1/cohorts/${cohortId}/complete`).send({}).expect(200);
    const progress = await waitFor(async () => {
      const body = (await trainerApi.get(`/api/v1/cohorts/${cohortId}/certificate-progress`).expect(200)).body;
      return body.state === 'completed' ? body : null;
    });
    expect(progress).toEqual({ state: 'completed', progress: { done: 3, total: 3 } });

    // While a certificate is still to draw (here: one taken back to look as if its job had not run yet).
    const one = await t.dataSource.getRepository(Certificate).findOneOrFail({
      where: { credential: { cohortId } },
      relations: { credential: true },
    });
    await t.dataSource.getRepository(Certificate).update({ id: one.id }, { supersededAt: new Date() });
    expect((await trainerApi.get(`/api/v1/cohorts/${cohortId}/certificate-progress`).expect(200)).body).toEqual({
      state: 'active',
      progress: { done: 2, total: 3 },
    });
    const trainerPage = await t.browser(['admin']);
    const page = await t.as(trainerPage).get(`/training/cohorts/${cohortId}`).expect(200);
    expect(page.text).toContain(`data-job-url="/api/v1/cohorts/${cohortId}/certificate-progress"`);
    expect(page.text).toContain('data-job-running="true"');
    expect(page.text).toMatch(/<span data-job-count>2 of 3<\/span> drawn/);
    expect(page.text).toContain('<script src="/assets/job-progress.js" defer></script>');
    await t.dataSource.getRepository(Certificate).update({ id: one.id }, { supersededAt: null });
    const finished = await t.as(trainerPage).get(`/training/cohorts/${cohortId}`).expect(200);
    expect(finished.text).toMatch(/<span data-job-count>3 of 3<\/span> drawn/);
    expect(finished.text).not.toContain('job-progress.js');
    // Another trainer cannot probe the cohort's progress.
    await t
      .withBearer((await t.token(['trainer'])).bearer)
      .get(`/api/v1/cohorts/${cohortId}/certificate-progress`)
      .expect(404);
  }, 60_000);
});

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
