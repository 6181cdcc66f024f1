import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { addDays } from '../../src/common/dates';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { makeJpegWithMetadata, makePdf, makeZip } from '../factories/evidence-files';

type Token = { person: Person; bearer: string };
type Part = [Buffer, string];

/** A date column as YYYY-MM-DD, whichever way the driver returns it. */
const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

/** A PDF no other test uploads, so content addressing never hides a file stored twice. */
const freshPdf = () => makePdf(`BT /F1 12 Tf (Licence ${randomUUID()}) Tj ET`);

/** Handing in records with evidence, and their review, through the real API (issue 17). */
describeEachEngine('Submissions', (engine) => {
  let t: TestApp;
  let admin: Token;
  let admin2: Token;
  let peer: Token;
  let otherPeer: Token;
  let supervisor: Token;
  let otherSupervisor: Token;
  let trainer: Token;
  let credential: string;
  let othersCredential: string;
  let today: string;

  const query = (sql: string, params: unknown[] = []) =>
    t.dataSource.query(engine === 'postgres' ? sql : sql.replace(/\$\d+/g, '?'), params);
  const count = async (sql: string, params: unknown[] = []) => Number((await query(sql, params))[0].n);
  const evidenceFiles = () => {
    const root = join(t.config.dataDir, 'evidence');
    try {
      return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)).map((f) => `${shard}/${f}`));
    } catch {
      return [];
    }
  };

  const submit = (who: Token, fields: Record<string, string>, files: Part[] = [[freshPdf(), 'licence.pdf']]) => {
    let req = t.withBearer(who.bearer).post('/api/v1/me/submissions');
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    for (const [bytes, name] of files) req = req.attach('files', bytes, name);
    return req;
  };
  const renewal = () => ({ kind: 'renewal', credentialId: credential, issuedOn: addDays(today, -5) });
  const approval = () => ({ verifiedOn: today, result: 'confirmed', source: 'Montana licence lookup' });
  const approve = (id: string, who = admin) =>
    t.withBearer(who.bearer).post(`/api/v1/submissions/${id}/approve`).send(approval());
  const clearance = async (who: Token) =>
    (await t.withBearer(admin.bearer).get(`/api/v1/people/${who.person.id}/clearance`).expect(200)).body;

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = t.config.today();
    admin = await t.token(['admin'], { name: 'Ida Admin' });
    admin2 = await t.token(['admin'], { name: 'Abe Admin' });
    peer = await t.token(['peer'], { name: 'Pat Peer' });
    otherPeer = await t.token(['peer'], { name: 'Olive Other' });
    supervisor = await t.token(['supervisor'], { name: 'Sue Supervisor' });
    otherSupervisor = await t.token(['supervisor'], { name: 'Sid Supervisor' });
    trainer = await t.token(['trainer'], { name: 'Tom Trainer' });
    const record = async (who: Token) =>
      (
        await t
          .withBearer(admin.bearer)
          .post(`/api/v1/people/${who.person.id}/credentials`)
          .send({ credentialTypeCode: 'MT-CBHPSS', issuedOn: addDays(today, -400), licenceNumber: 'CBHPSS-1' })
          .expect(201)
      ).body.id as string;
    credential = await record(peer);
    othersCredential = await record(otherPeer);
    await t
      .withBearer(admin.bearer)
      .post('/api/v1/supervision/assignments')
      .send({ peerId: peer.person.id, supervisorId: supervisor.person.id, startsOn: addDays(today, -30) })
      .expect(201);
  });
  afterAll(async () => t?.close());

  it('takes a renewal, leaves clearance alone until approval, returns it, takes the answer and approves that once', async () => {
    const before = await clearance(peer);
    const first = await submit(peer, renewal()).expect(201);
    expect(first.body).toMatchObject({
      personId: peer.person.id,
      kind: 'renewal',
      state: 'submitted',
      credentialId: credential,
      issuedOn: addDays(today, -5),
      files: [{ n: 1, name: 'licence.pdf', type: 'pdf', url: `/api/v1/submissions/${first.body.id}/files/1` }],
      submittedById: peer.person.id,
      submittedAt: expect.any(String),
      previousId: null,
      reviewedById: null,
      recordId: null,
    });
    // Nothing changes but the note that a renewal is in hand: a pending submission never counts.
    expect(await clearance(peer)).toEqual({
      ...before,
      pendingReviews: [{ kind: 'renewal', credentialTypeCode: 'MT-CBHPSS', submittedOn: expect.any(String) }],
    });

    const reason = 'The scan is cut off: the expiry date is not readable.';
    const returned = await t
      .withBearer(admin.bearer)
      .post(`/api/v1/submissions/${first.body.id}/return`)
      .send({ reason })
      .expect(200);
    expect(returned.body).toMatchObject({
      state: 'returned',
      returnReason: reason,
      reviewedById: admin.person.id,
      reviewedAt: expect.any(String),
    });
    expect(await clearance(peer)).toEqual(before);
    const [notice] = await query('SELECT kind, body, link FROM notifications WHERE person_id = $1', [peer.person.id]);
    expect(notice).toMatchObject({ kind: 'submission.returned', link: `/my/submissions/${first.body.id}` });
    expect(notice.body).toContain(reason);
    const mail = await query('SELECT to_address, template FROM outbox WHERE person_id = $1', [peer.person.id]);
    expect(mail).toEqual([{ to_address: peer.person.email, template: 'submission-returned' }]);
    await approve(first.body.id).expect(409);

    const second = await submit(peer, { ...renewal(), previousId: first.body.id }).expect(201);
    expect(second.body).toMatchObject({ state: 'submitted', previousId: first.body.id });
    expect(second.body.id).not.toBe(first.body.id);

    const approved = await approve(second.body.id).expect(200);
    expect(approved.body).toMatchObject({ state: 'approved', reviewedById: admin.person.id });
    const recordId = approved.body.recordId as string;
    expect(recordId).toEqual(expect.any(String));
    const rows = await query(
      `SELECT c.id, c.issued_on, c.verification_source, c.verification_result, c.verified_by_id FROM credentials c
       JOIN credential_types t ON t.id = c.credential_type_id WHERE c.person_id = $1 AND t.code = 'MT-CBHPSS'`,
      [peer.person.id],
    );
    expect(rows.map((r: { id: string }) => r.id).sort()).toEqual([credential, recordId].sort());
    const renewed = rows.find((r: { id: string }) => r.id === recordId);
    expect(isoDay(renewed.issued_on)).toBe(addDays(today, -5));
    expect(renewed).toMatchObject({
      verification_source: 'Montana licence lookup',
      verification_result: 'confirmed',
      verified_by_id: admin.person.id,
    });
    const got = await t.withBearer(peer.bearer).get(`/api/v1/submissions/${second.body.id}`).expect(200);
    expect(got.body).toMatchObject({ state: 'approved', recordId });
    for (const [action, id] of [
      ['submission.submitted', first.body.id],
      ['submission.returned', first.body.id],
      ['submission.submitted', second.body.id],
      ['submission.approved', second.body.id],
    ])
      expect(
        await count('SELECT COUNT(*) AS n FROM audit_log WHERE action = $1 AND entity_id = $2 AND after LIKE $3', [
          action,
          peer.person.id,
          `%${id}%`,
        ]),
      ).toBe(1);

    const again = await approve(second.body.id).expect(409);
    expect(again.body.message).toBe('This submission was already approved.');
    expect(await count('SELECT COUNT(*) AS n FROM credentials WHERE person_id = $1', [peer.person.id])).toBe(2);
  });

  it('approves CE as a confirmed entry reviewed by the admin', async () => {
    const ce = await submit(peer, {
      kind: 'ce',
      title: 'Suicide prevention: QPR gatekeeper training',
      provider: 'Montana DPHHS',
      completedOn: addDays(today, -3),
      hours: '1.5',
      category: 'general',
    }).expect(201);
    expect(ce.body).toMatchObject({ kind: 'ce', state: 'submitted', hours: 1.5 });
    const approved = await approve(ce.body.id).expect(200);
    const [entry] = await query('SELECT * FROM ce_entries WHERE id = $1', [approved.body.recordId]);
    expect(entry).toMatchObject({ person_id: peer.person.id, status: 'confirmed', reviewed_by_id: admin.person.id });
    expect(Number(entry.hours)).toBe(1.5);
    expect(isoDay(entry.completed_on)).toBe(addDays(today, -3));
  });

  it('approves a new external credential, and takes an expiry printed on the evidence without a note', async () => {
    const narcan = await submit(peer, {
      kind: 'credential',
      credentialTypeCode: 'NARCAN-MT',
      issuedOn: addDays(today, -10),
      licenceNumber: 'NX-204',
      issuingBody: 'Montana DPHHS',
    }).expect(201);
    const approved = await approve(narcan.body.id).expect(200);
    const [row] = await query(
      `SELECT t.code, c.licence_number, c.source, c.verification_source FROM credentials c
       JOIN credential_types t ON t.id = c.credential_type_id WHERE c.id = $1`,
      [approved.body.recordId],
    );
    expect(row).toEqual({
      code: 'NARCAN-MT',
      licence_number: 'NX-204',
      source: 'external',
      verification_source: 'Montana licence lookup',
    });

    const doula = await submit(peer, {
      kind: 'credential',
      credentialTypeCode: 'DOULA',
      issuedOn: addDays(today, -10),
      expiresOn: addDays(today, 700),
    }).expect(201);
    const recorded = await approve(doula.body.id).expect(200);
    const [withExpiry] = await query('SELECT expires_on FROM credentials WHERE id = $1', [recorded.body.recordId]);
    expect(isoDay(withExpiry.expires_on)).toBe(addDays(today, 700));
  });

  it('lets exactly one of two admins approving at once write the record', async () => {
    const waiting = await submit(otherPeer, {
      kind: 'renewal',
      credentialId: othersCredential,
      issuedOn: addDays(today, -2),
    }).expect(201);
    const answers = await Promise.all([approve(waiting.body.id, admin), approve(waiting.body.id, admin2)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(
      await count('SELECT COUNT(*) AS n FROM credentials WHERE evidence_note = $1', [`Submission ${waiting.body.id}`]),
    ).toBe(1);
    expect(
      await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'submission.approved' AND after LIKE $1", [
        `%${waiting.body.id}%`,
      ]),
    ).toBe(1);
  });

  it('withdraws before review, and not after', async () => {
    const mine = await submit(peer, renewal()).expect(201);
    const withdrawn = await t.withBearer(peer.bearer).post(`/api/v1/submissions/${mine.body.id}/withdraw`).expect(200);
    expect(withdrawn.body.state).toBe('withdrawn');
    await t.withBearer(peer.bearer).post(`/api/v1/submissions/${mine.body.id}/withdraw`).expect(409);
    await approve(mine.body.id).expect(409);

    const reviewed = await submit(peer, renewal()).expect(201);
    await t
      .withBearer(admin.bearer)
      .post(`/api/v1/submissions/${reviewed.body.id}/return`)
      .send({ reason: 'Please upload the back of the card as well.' })
      .expect(200);
    const late = await t.withBearer(peer.bearer).post(`/api/v1/submissions/${reviewed.body.id}/withdraw`).expect(409);
    expect(late.body.message).toBe('This submission was already returned.');
  });

  describe('refuses bad input with a field error, and keeps no row and no file', () => {
    const pdf = (): Part => [freshPdf(), 'ok.pdf'];
    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');
    const big = () => Buffer.concat([freshPdf(), Buffer.alloc(10 * 1024 * 1024 + 1 - freshPdf().length, 0x20)]);
    const truncated = () => freshPdf().subarray(0, 60);
    const cases: Array<[string, () => Record<string, string>, () => Part[], number, string]> = [
      ['a 0-byte file', () => renewal(), () => [[Buffer.alloc(0), 'empty.pdf']], 400, 'files'],
      ['a file of 10 MB and 1 byte', () => renewal(), () => [[big(), 'big.pdf']], 413, 'files'],
      ['six files', () => renewal(), () => Array.from({ length: 6 }, pdf), 400, 'files'],
      ['a ZIP named .pdf (after a good file)', () => renewal(), () => [pdf(), [makeZip(), 'scan.pdf']], 400, 'files'],
      ['HTML named .png', () => renewal(), () => [[html, 'photo.png']], 400, 'files'],
      ['a truncated PDF', () => renewal(), () => [[truncated(), 'cut.pdf']], 400, 'files'],
      [
        'an issue date in the future',
        () => ({ ...renewal(), issuedOn: addDays(today, 1) }),
        () => [pdf()],
        400,
        'issuedOn',
      ],
      [
        'an expiry before the issue date',
        () => ({
          kind: 'credential',
          credentialTypeCode: 'NARCAN-MT',
          issuedOn: addDays(today, -10),
          expiresOn: addDays(today, -20),
        }),
        () => [pdf()],
        400,
        'expiresOn',
      ],
      [
        'a program-issued type',
        () => ({ kind: 'credential', credentialTypeCode: 'PS-40', issuedOn: addDays(today, -10) }),
        () => [pdf()],
        400,
        'credentialTypeCode',
      ],
      [
        "a renewal of someone else's credential",
        () => ({ ...renewal(), credentialId: othersCredential }),
        () => [pdf()],
        400,
        'credentialId',
      ],
      ['an unknown field', () => ({ ...renewal(), colour: 'blue' }), () => [pdf()], 400, 'colour'],
    ];
    it.each(cases)('%s', async (_name, fields, files, status, field) => {
      const rows = await count('SELECT COUNT(*) AS n FROM submissions');
      const stored = evidenceFiles();
      const res = await submit(peer, fields(), files());
      expect(res.status).toBe(status);
      expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
      expect(await count('SELECT COUNT(*) AS n FROM submissions')).toBe(rows);
      expect(evidenceFiles()).toEqual(stored);
    });
  });

  it('keeps a submission and its files to the holder, their supervisor today and admins; the queue to admins', async () => {
    const mine = await submit(peer, renewal()).expect(201);
    const theirs = await submit(otherPeer, { ...renewal(), credentialId: othersCredential }).expect(201);
    const look = (who: Token, id: string, file = false) =>
      t.withBearer(who.bearer).get(`/api/v1/submissions/${id}${file ? '/files/1' : ''}`);
    for (const file of [false, true]) {
      await look(peer, mine.body.id, file).expect(200);
      await look(otherPeer, mine.body.id, file).expect(404);
      await look(supervisor, mine.body.id, file).expect(200);
      await look(supervisor, theirs.body.id, file).expect(404);
      await look(otherSupervisor, mine.body.id, file).expect(404);
      await look(trainer, mine.body.id, file).expect(404);
      await look(admin, mine.body.id, file).expect(200);
      await t
        .http()
        .get(`/api/v1/submissions/${mine.body.id}${file ? '/files/1' : ''}`)
        .expect(401);
    }
    await t.withBearer(otherPeer.bearer).post(`/api/v1/submissions/${mine.body.id}/withdraw`).expect(404);
    await t.withBearer(peer.bearer).get('/api/v1/submissions').expect(403);
    await t.withBearer(supervisor.bearer).get('/api/v1/submissions').expect(403);
    const queue = await t.withBearer(admin.bearer).get('/api/v1/submissions?state=submitted').expect(200);
    const ids = queue.body.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([mine.body.id, theirs.body.id]));
    expect(queue.body.every((s: { state: string }) => s.state === 'submitted')).toBe(true);
    const own = await t.withBearer(peer.bearer).get('/api/v1/me/submissions').expect(200);
    expect(own.body.every((s: { personId: string }) => s.personId === peer.person.id)).toBe(true);
  });

  it('serves evidence with its checked type, as a sandboxed attachment, and images without their GPS', async () => {
    const scan = freshPdf();
    const photo = makeJpegWithMetadata();
    expect(photo.includes('GPSLatitude')).toBe(true);
    const sent = await submit(peer, renewal(), [
      [scan, 'licence.exe'],
      [photo, 'card.jpg'],
    ]).expect(201);
    expect(sent.body.files.map((f: { type: string }) => f.type)).toEqual(['pdf', 'jpeg']);
    // Read as bytes whatever the type: supertest buffers only text and images by itself.
    const get = (n: number) =>
      t
        .withBearer(peer.bearer)
        .get(`/api/v1/submissions/${sent.body.id}/files/${n}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
    const pdf: Response = await get(1).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['x-content-type-options']).toBe('nosniff');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="licence\.exe"$/);
    expect(pdf.headers['content-security-policy']).toContain('sandbox');
    expect(Buffer.compare(pdf.body as Buffer, scan)).toBe(0);

    const jpeg: Response = await get(2).expect(200);
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    expect(jpeg.headers['content-disposition']).toMatch(/^attachment;/);
    expect(jpeg.headers['content-security-policy']).toContain('sandbox');
    const bytes = jpeg.body as Buffer;
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    for (const leak of ['GPSLatitude', 'GPSLongitude', 'Denver', 'Pennsylvania'])
      expect(bytes.includes(leak)).toBe(false);
    await get(3).expect(404);
  });
});
