import { randomUUID } from 'node:crypto';
import { makePdf } from '../factories/evidence-files';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/**
 * The submission pages as a browser posts them (multipart with the CSRF field in the body): a refusal re-shows
 * the form at 400 with the draft, a person sees only their own, and a second decision is said on the page.
 */
describeEachEngine('Submission pages', (engine) => {
  let t: TestApp;
  let peer: Browser;
  let otherPeer: Browser;
  let admin: Browser;
  let credentialId: string;

  const post = (b: Browser, fields: Record<string, string>, files: Array<[Buffer, string]> = []) => {
    let req = t.as(b).post('/my/submissions').field('_csrf', b.csrf);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    for (const [bytes, name] of files) req = req.attach('files', bytes, name);
    return req;
  };
  const ce = { kind: 'ce', title: 'Boundaries refresher', provider: 'MPSN', completedOn: '2026-11-02', hours: '1.5' };

  beforeAll(async () => {
    t = await createTestApp(engine);
    peer = await t.browser(['peer']);
    otherPeer = await t.browser(['peer']);
    admin = await t.browser(['admin']);
    credentialId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO credentials (id, person_id, credential_type_id, source, issued_on, licence_number) SELECT '${credentialId}', '${peer.person.id}', id, 'external', '2025-01-10', 'CPR-77' FROM credential_types WHERE code = 'CPR'`,
    );
  });
  afterAll(async () => t?.close());

  it('opens the renew form for your own credential only, with its type and number filled in', async () => {
    const form = await t.as(peer).get(`/my/credentials/${credentialId}/renew`).expect(200);
    expect(form.text).toMatch(/<option value="CPR" selected>/);
    expect(form.text).toContain('value="CPR-77"');
    expect(form.text).toContain(`name="credentialId" value="${credentialId}"`);
    expect(form.text).toContain('Never upload health information');
    await t.as(otherPeer).get(`/my/credentials/${credentialId}/renew`).expect(404);
  });

  it('re-shows the form at 400 with each message beside its field and the draft kept', async () => {
    const noCategory = await post(peer, ce, [[makePdf(), 'cert.pdf']]).expect(400);
    expect(noCategory.text).toMatch(/id="category-error">is required</);
    expect(noCategory.text).toContain('value="Boundaries refresher"');
    const noFiles = await post(peer, { ...ce, category: 'ethics' }).expect(400);
    expect(noFiles.text).toMatch(/id="files-error">Attach the evidence/);
    const renamed = await post(peer, { ...ce, category: 'ethics' }, [[Buffer.from('<html>hi</html>'), 'x.pdf']]);
    expect(renamed.status).toBe(400);
    expect(renamed.text).toMatch(/id="files-error">[^<]*must be a PDF, JPEG, PNG or HEIC/);
    // Refused by the upload itself, before the page's handler: still the form, with what came before the files.
    const six = await post(peer, { ...ce, category: 'ethics' }, Array(6).fill([makePdf(), 'cert.pdf']));
    expect(six.status).toBe(400);
    expect(six.text).toMatch(/id="files-error">At most 5 evidence files/);
    expect(six.text).toContain('value="Boundaries refresher"');
    const big = await post(peer, { ...ce, category: 'ethics' }, [[Buffer.alloc(10 * 1024 * 1024 + 1), 'big.pdf']]);
    expect(big.status).toBe(413);
    expect(big.text).toMatch(/id="files-error">Each evidence file can be at most 10 MB/);
    const notMine = await post(otherPeer, { kind: 'renewal', credentialId, issuedOn: '2026-11-01' }, [
      [makePdf(), 'licence.pdf'],
    ]).expect(400);
    expect(notMine.text).toMatch(/role="alert" class="field-error">credentialId is not one of this person/);
    expect(await t.dataSource.query('SELECT id FROM submissions')).toEqual([]);
  });

  it('shows a submission to its holder only, and says on the page when it was already decided', async () => {
    const sent = await post(peer, { ...ce, category: 'ethics' }, [[makePdf(), 'cert.pdf']]).expect(303);
    const [, id] = /^\/my\/submissions\/([0-9a-f-]+)\?notice=submitted$/.exec(sent.headers.location)!;
    const mine = await t.as(peer).get(`/my/submissions/${id}`).expect(200);
    expect(mine.text).toContain('class="badge submitted"');
    expect(mine.text).toContain(`action="/my/submissions/${id}/withdraw"`);
    await t.as(otherPeer).get(`/my/submissions/${id}`).expect(404);
    await t.as(otherPeer).post(`/my/submissions/${id}/withdraw`).expect(404);

    const queue = await t.as(admin).get('/admin/submissions?kind=ce').expect(200);
    expect(queue.text).toContain(`href="/admin/submissions/${id}"`);
    expect(queue.text).toMatch(/under an hour/);
    const review = await t.as(admin).get(`/admin/submissions/${id}`).expect(200);
    expect(review.text).toContain(`<iframe src="/api/v1/submissions/${id}/files/1?inline&#x3D;1"`);
    expect(review.text).toContain(`name="verifiedOn" value="${t.config.today()}"`);
    const approve = { verifiedOn: t.config.today(), result: 'confirmed', source: 'Certificate of attendance' };
    await t.as(admin).post(`/admin/submissions/${id}/approve`).type('form').send(approve).expect(303);
    const again = await t.as(admin).post(`/admin/submissions/${id}/return`).type('form').send({
      reason: 'Please send the whole certificate.',
    });
    expect(again.status).toBe(400);
    expect(again.text).toContain('This submission was already approved.');
    // Approved, it is no longer waiting, and the person can no longer withdraw it.
    expect((await t.as(admin).get('/admin/submissions').expect(200)).text).not.toContain(id);
    const withdrawn = await t.as(peer).post(`/my/submissions/${id}/withdraw`);
    expect(withdrawn.status).toBe(409);
    expect(withdrawn.text).toContain('This submission was already approved.');
  });
});
