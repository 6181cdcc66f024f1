import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { SigningKeys, type PublicJwk } from './signing-key';

const BASE = 'https://lms.example.org';

function setup(configuredFile: (data: string) => string | null = () => null) {
  const data = mkdtempSync(join(tmpdir(), 'signing-keys-'));
  return {
    data,
    options: {
      dir: join(data, 'signing-keys'),
      configuredFile: configuredFile(data),
      legacyFile: join(data, 'certificate-signing-key.pem'),
      baseUrl: BASE,
    },
  };
}

async function verifiesWith(jwt: string, jwk: PublicJwk): Promise<Record<string, unknown>> {
  const { payload } = await compactVerify(jwt, await importJWK(jwk, jwk.alg));
  return JSON.parse(Buffer.from(payload).toString('utf8'));
}

describe('SigningKeys', () => {
  it('generates one RSA key (mode 0600) on first start, keeps it across restarts, and signs RS256 with exactly alg, kid and typ', async () => {
    const { options } = setup();
    const first = await SigningKeys.open(options);
    const file = join(options.dir, 'current.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const kid = await first.currentKid();
    expect(kid).toMatch(new RegExp(`^${BASE}/keys/[A-Za-z0-9_-]{43}$`));
    const again = await SigningKeys.open(options);
    expect(await again.currentKid()).toBe(kid);
    expect(readdirSync(join(options.dir, 'published'))).toHaveLength(1);

    const jwt = await again.sign({ hello: 'world' });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', kid, typ: 'JWT' });
    const [jwk] = await again.all();
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid });
    expect(jwk.d).toBeUndefined();
    expect(Buffer.from(jwk.n!, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
    expect(await verifiesWith(jwt, jwk)).toEqual({ hello: 'world' });
    expect(again.key(new URL(kid).pathname.split('/').pop()!)).toEqual(jwk);
  });

  it('two instances starting at once on a new data folder end up with the same key, and no half-written file', async () => {
    const { options } = setup();
    const [a, b] = await Promise.all([SigningKeys.open(options), SigningKeys.open(options)]);
    expect(await a.currentKid()).toBe(await b.currentKid());
    expect(readdirSync(options.dir).sort()).toEqual(['current.pem', 'published']);
    expect(readdirSync(join(options.dir, 'published'))).toHaveLength(1);
  });

  it('keeps publishing the Ed25519 key earlier versions generated, at the kid they gave it', async () => {
    const { options } = setup();
    const legacy = generateKeyPairSync('ed25519').privateKey;
    writeFileSync(options.legacyFile, legacy.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // The thumbprint the hand-written code computed (RFC 7638), so old credentials' kids still answer.
    const { x } = legacy.export({ format: 'jwk' });
    const oldKid = `${BASE}/keys/${createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url')}`;
    const keys = await SigningKeys.open(options);
    const all = await keys.all();
    expect(all.map((k) => k.kid)).toEqual([await keys.currentKid(), oldKid]);
    expect(all[1]).toEqual({ kty: 'OKP', crv: 'Ed25519', x, kid: oldKid, alg: 'EdDSA', use: 'sig' });
    expect(all[0].alg).toBe('RS256');
  });

  it('rotates: the new key signs, the old one verifies what it signed, its private half is gone, and a running instance follows', async () => {
    const { options } = setup();
    const running = await SigningKeys.open(options);
    const oldKid = await running.currentKid();
    const oldJwt = await running.sign({ n: 1 });
    const oldPem = readFileSync(join(options.dir, 'current.pem'), 'utf8');

    const cli = await SigningKeys.open(options);
    const { previous, current } = await cli.rotate();
    expect(previous).toBe(oldKid);
    expect(current).not.toBe(oldKid);
    expect(statSync(join(options.dir, 'current.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(options.dir, 'current.pem'), 'utf8')).not.toBe(oldPem);
    expect(readdirSync(options.dir).sort()).toEqual(['current.pem', 'published']);

    // The app that was already running signs with the new key on its next signature.
    const newJwt = await running.sign({ n: 2 });
    expect(decodeProtectedHeader(newJwt).kid).toBe(current);
    const published = await running.all();
    expect(published.map((k) => k.kid)).toEqual([current, oldKid]);
    expect(await verifiesWith(oldJwt, published[1])).toEqual({ n: 1 });
    expect(await verifiesWith(newJwt, published[0])).toEqual({ n: 2 });
    await expect(verifiesWith(oldJwt, published[0])).rejects.toThrow();
  });

  it('uses a configured RSA key, refuses to rotate it, and keeps publishing it after the operator replaces it', async () => {
    const { data, options } = setup((dir) => join(dir, 'mine.pem'));
    const configured = join(data, 'mine.pem');
    const rsa = () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(configured, rsa());
    const keys = await SigningKeys.open(options);
    const first = await keys.currentKid();
    await expect(keys.rotate()).rejects.toThrow(/CERTIFICATE_SIGNING_KEY_FILE is set/);
    expect(readdirSync(options.dir)).toEqual(['published']);
    writeFileSync(configured, rsa());
    const second = await keys.currentKid();
    expect(second).not.toBe(first);
    expect((await keys.all()).map((k) => k.kid)).toEqual([second, first]);
  });

  it('answers only thumbprints, so a path can never reach the file system', async () => {
    const keys = await SigningKeys.open(setup().options);
    expect(keys.key('../../current')).toBeNull();
    expect(keys.key('..%2F..%2Fcurrent.pem')).toBeNull();
    expect(keys.key('A'.repeat(43))).toBeNull();
  });
});
