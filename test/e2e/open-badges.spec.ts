import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { IsNull } from 'typeorm';
import { addDays } from '../../src/common/dates';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { rotateSigningKey } from '../../src/modules/certificates/rotate-signing-key';
import { SigningKeys } from '../../src/modules/certificates/signing-key';
import { statusBit } from '../../src/modules/certificates/status-lists';
import type { Person } from '../../src/modules/people/person.entity';
import { programFactory } from '../factories/program';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { OB3_SCHEMA, schemaErrors } from '../helpers/open-badges';
import { freePort } from '../helpers/free-port';

/** A real 1×1 PNG: the renderer draws the logo, so it must decode. */
const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const HOLDER_EMAIL = 'Renee.TwoFeathers@Example.org';

interface Badge {
  '@context': string[];
  type: string[];
  credentialSchema: Array<{ id: string; type: string }>;
  credentialStatus: { type: string; statusPurpose: string; statusListIndex: string; statusListCredential: string };
  credentialSubject: {
    identifier: Array<{ identityType: string; identityHash: string; hashed: boolean; salt?: string }>;
    achievement: { achievementType: string; image: { id: string; type: string } };
  };
}

/**
 * What a verifier does, over real HTTP to the listening app: fetch the kid URL named in the JWT
 * header and check the signature with jose against only that JWK. Throws when it does not verify.
 */
async function verify(jwt: string): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }> {
  const header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  const res = await fetch(String(header.kid));
  if (res.status !== 200) throw new Error(`kid ${String(header.kid)} answered ${res.status}`);
  const jwk = (await res.json()) as JWK;
  const { payload } = await compactVerify(jwt, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'] });
  return { header, payload: JSON.parse(Buffer.from(payload).toString('utf8')) };
}

/** Every kind of credential the program issues, downloaded by its holder, against the official schema and signature. */
describeEachEngine('Open Badges 3.0 credentials pass the 1EdTech checks', (engine) => {
  let t: TestApp;
  let base: string;
  let today: string;
  let admin: string;
  let holder: { person: Person; bearer: string };
  const kinds: Record<string, string> = {};
  const jwts = new Map<string, string>();

  const certificates = () => t.app.get(CertificatesService);
  const jwksNow = async () =>
    (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: Array<JWK & { kid: string }> };
  const codeOf = async (id: string) => (await t.dataSource.getRepository(Certificate).findOneByOrFail({ id })).code;
  const currentOf = (credentialId: string) =>
    t.dataSource.getRepository(Certificate).findOneByOrFail({ credentialId, supersededAt: IsNull() });
  const download = async (certificateId: string) =>
    (
      await t
        .withBearer(holder.bearer)
        .get(`/api/v1/certificates/${certificateId}/open-badge`)
        .buffer(true)
        .parse((res, cb) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => cb(null, text));
        })
        .expect(200)
    ).body as string;
  const statusList = async (purpose: 'revocation' | 'suspension') => {
    const res = await fetch(`${base}/status-lists/${purpose}`);
    expect(res.headers.get('content-type')).toMatch(/application\/vc\+jwt/);
    const { header, payload } = await verify(await res.text());
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
    const subject = payload.credentialSubject as { statusPurpose: string; encodedList: string };
    expect(subject.statusPurpose).toBe(purpose);
    return subject.encodedList;
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const logo = join(mkdtempSync(join(tmpdir(), 'lms-logo-')), 'logo.png');
    writeFileSync(logo, LOGO);
    t = await createTestApp(engine, {
      env: { PORT: String(port), PUBLIC_BASE_URL: base, ORG_NAME: 'Big Sky Peer Support', CERTIFICATE_LOGO: logo },
    });
    await t.app.listen(port, '127.0.0.1');
    today = t.config.today();
    admin = (await t.token(['admin'])).bearer;
    holder = await t.token(['peer'], { name: 'Renee Twofeathers', email: HOLDER_EMAIL });

    const f = programFactory(t.dataSource);
    const course = await f.course('PSF-8', 'Peer support foundations', 8, 'PS-40');
    const cohort = await f.cohort(
      course,
      'Spring, Billings',
      'clinic',
      'Billings',
      addDays(today, -9),
      today,
      'completed',
    );
    const issue = async (kind: string, credentialId: string) => {
      kinds[kind] = (await certificates().issue(credentialId, null))!.id;
      return credentialId;
    };
    await issue(
      'course completion',
      (await f.credential(holder.person, 'PS-40', today, null, { cohortId: cohort.id })).id,
    );
    await issue('corrections (CORR)', (await f.credential(holder.person, 'CORR', today, addDays(today, 364))).id);
    const reissued = await issue(
      're-issue: the replaced one',
      (await f.credential(holder.person, 'CORR', today, addDays(today, 200))).id,
    );
    await issue('revoked', (await f.credential(holder.person, 'CORR', addDays(today, -30), addDays(today, 300))).id);
    await issue('suspended', (await f.credential(holder.person, 'CORR', addDays(today, -60), addDays(today, 300))).id);

    await t
      .withBearer(admin)
      .post(`/api/v1/certificates/${kinds['re-issue: the replaced one']}/reissue`)
      .send({ reason: 'corrected_data' })
      .expect(202);
    const deadline = Date.now() + 20_000;
    while ((await currentOf(reissued)).id === kinds['re-issue: the replaced one']) {
      if (Date.now() > deadline) throw new Error('The re-issue job did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    kinds['re-issued'] = (await currentOf(reissued)).id;
  }, 90_000);
  afterAll(async () => t?.close());

  it('keeps the official schema as it was published (its $id names the source)', () => {
    expect(OB3_SCHEMA.$id).toBe(
      'https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json',
    );
  });

  it('signs every kind RS256 with a header of exactly alg, kid and typ, verifiable with the key its kid URL answers', async () => {
    for (const [kind, id] of Object.entries(kinds)) {
      const jwt = await download(id);
      jwts.set(kind, jwt);
      const { header } = await verify(jwt);
      expect({ kind, header }).toEqual({ kind, header: { alg: 'RS256', kid: expect.any(String), typ: 'JWT' } });
      expect(String(header.kid)).toMatch(new RegExp(`^${base}/keys/[A-Za-z0-9_-]{43}$`));
    }
    const jwks = await jwksNow();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      kid: decodeProtectedHeader(jwts.get('revoked')!).kid,
    });
    expect(Buffer.from(jwks.keys[0].n!, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
  });

  it('flips the bit in the revocation list on revoke, and in the suspension list on suspend and on lifting it', async () => {
    const row = (id: string) => t.dataSource.getRepository(Certificate).findOneByOrFail({ id });
    const revoked = (await row(kinds.revoked)).statusIndex;
    const suspended = (await row(kinds.suspended)).statusIndex;
    const valid = (await row(kinds['corrections (CORR)'])).statusIndex;
    const bits = async (purpose: 'revocation' | 'suspension') => {
      const list = await statusList(purpose);
      return [revoked, suspended, valid].map((i) => statusBit(list, i));
    };
    expect(await bits('revocation')).toEqual([false, false, false]);
    expect(await bits('suspension')).toEqual([false, false, false]);

    await t
      .withBearer(admin)
      .post(`/api/v1/certificates/${kinds.revoked}/revoke`)
      .send({ effectiveOn: today, reason: 'surrendered' })
      .expect(200);
    expect(await bits('revocation')).toEqual([true, false, false]);
    expect(await bits('suspension')).toEqual([false, false, false]);

    const suspend = (body: object) =>
      t
        .withBearer(admin)
        .post(`/api/v1/credentials/${suspendedCredential}/suspend`)
        .send({ reason: 'investigation', ...body })
        .expect(200);
    const suspendedCredential = (await row(kinds.suspended)).credentialId;
    await suspend({ from: addDays(today, -2) });
    expect(await bits('suspension')).toEqual([false, true, false]);
    expect(await bits('revocation')).toEqual([true, false, false]);
    const page = await t
      .http()
      .get(`/verify/${await codeOf(kinds.suspended)}`)
      .expect(200);
    expect(page.text).toContain('Suspended');

    // Lifted: the suspension ended yesterday.
    await suspend({ from: addDays(today, -2), until: addDays(today, -1) });
    expect(await bits('suspension')).toEqual([false, false, false]);
    // Suspended again (from today, open-ended), as the schema test below expects.
    await suspend({ from: today });
    expect(await bits('suspension')).toEqual([false, true, false]);
    expect(await bits('revocation')).toEqual([true, false, false]);
  });

  it('makes every kind valid against the AchievementCredential schema, with credentialSchema, an image and a hashed e-mail', async () => {
    // The revoked one is revoked and the suspended one suspended by now (the test above).
    expect(
      await t
        .http()
        .get(`/api/v1/verify/${await codeOf(kinds.revoked)}`)
        .expect(200),
    ).toMatchObject({ body: { state: 'revoked' } });
    expect(
      await t
        .http()
        .get(`/api/v1/verify/${await codeOf(kinds.suspended)}`)
        .expect(200),
    ).toMatchObject({ body: { state: 'suspended' } });
    const seen = new Set<string>();
    for (const [kind, id] of Object.entries(kinds)) {
      const { payload } = await verify(await download(id));
      expect({ kind, errors: schemaErrors(payload) }).toEqual({ kind, errors: [] });
      const badge = payload as unknown as Badge;
      seen.add(badge.credentialSubject.achievement.achievementType);
      expect(badge.credentialSchema).toEqual([{ id: OB3_SCHEMA.$id, type: '1EdTechJsonSchemaValidator2019' }]);
      expect(badge.credentialSubject.achievement.image).toMatchObject({
        type: 'Image',
        id: `data:image/png;base64,${LOGO.toString('base64')}`,
      });
      const email = badge.credentialSubject.identifier.find((i) => i.identityType === 'emailAddress')!;
      expect(email).toMatchObject({
        type: 'IdentityObject',
        hashed: true,
        salt: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      const hash = createHash('sha256').update(`${HOLDER_EMAIL.toLowerCase()}${email.salt}`).digest('hex');
      expect(email.identityHash).toBe(`sha256$${hash}`);
      expect(badge.credentialStatus).toMatchObject({
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListCredential: `${base}/status-lists/revocation`,
      });
      // Why one entry and not a revocation + suspension array: OB 3.0's schema types credentialStatus as an object.
      const both = [badge.credentialStatus, { ...badge.credentialStatus, statusPurpose: 'suspension' }];
      expect(schemaErrors({ ...payload, credentialStatus: both }).join()).toMatch(/credentialStatus must be object/);
    }
    expect([...seen].sort()).toEqual(['CertificateOfCompletion', 'Certification']);
  });

  it('after rotate-signing-key, new credentials carry the new kid and every earlier one still verifies at its own', async () => {
    expect(jwts.size).toBe(Object.keys(kinds).length);
    const oldKid = decodeProtectedHeader(jwts.get('revoked')!).kid;
    const lines: string[] = [];
    await rotateSigningKey(t.app.get(SigningKeys), (line) => lines.push(line));
    expect(lines.join('\n')).toContain(String(oldKid));

    const fresh = await download(kinds['course completion']);
    const newKid = decodeProtectedHeader(fresh).kid;
    expect(newKid).not.toBe(oldKid);
    expect(lines[0]).toContain(String(newKid));
    expect(schemaErrors((await verify(fresh)).payload)).toEqual([]);
    for (const [kind, jwt] of jwts) {
      const { header } = await verify(jwt);
      expect({ kind, kid: header.kid }).toEqual({ kind, kid: oldKid });
    }
    const jwks = await jwksNow();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([newKid, oldKid]);
    // The status list is signed by the new key from now on.
    const listJwt = await (await fetch(`${base}/status-lists/revocation`)).text();
    expect(decodeProtectedHeader(listJwt).kid).toBe(newKid);
  });
});
