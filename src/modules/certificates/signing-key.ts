import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';
import { RSA_MODULUS_BITS, signingKeyProblem } from '../../common/signing-key-check';

/** A published verification key: what a credential's `kid` dereferences to. */
export interface PublicJwk extends JWK {
  kid: string;
  alg: 'RS256' | 'EdDSA';
  use: 'sig';
}

export interface SigningKeysOptions {
  /** Holds the generated current key (current.pem) and the public half of every key ever used (published/). */
  dir: string;
  /** CERTIFICATE_SIGNING_KEY_FILE: the operator's own RSA key, used instead of a generated one. */
  configuredFile: string | null;
  /** Where earlier versions generated their Ed25519 key: published as retired when it is there. */
  legacyFile: string;
  baseUrl: string;
}

/** RFC 7638 thumbprints are SHA-256, base64url: 43 characters. Checked before a name touches the file system. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

function readKey(file: string): KeyObject {
  const key = createPrivateKey(readFileSync(file));
  const problem = signingKeyProblem(key);
  if (problem) throw new Error(`${file} ${problem}`);
  return key;
}

/** Generated off the event loop: an RSA key takes about a second here, and requests keep being served meanwhile. */
async function newKeyPem(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: RSA_MODULUS_BITS });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * The organisation's signing keys. One is current and signs every VC-JWT (RS256, through jose); every
 * key that was ever current keeps its public half in `published/`, so a credential signed years ago
 * still verifies at its `kid` (`<base>/keys/<RFC 7638 thumbprint>`) and in /.well-known/jwks.json.
 * The current key's file is checked on each use, so a rotation by the CLI reaches a running app
 * without a restart.
 */
export class SigningKeys {
  private current: { key: KeyObject; kid: string; stamp: string } | null = null;
  private readonly cache = new Map<string, PublicJwk>();

  private constructor(private readonly options: SigningKeysOptions) {}

  static async open(options: SigningKeysOptions): Promise<SigningKeys> {
    const keys = new SigningKeys(options);
    mkdirSync(keys.publishedDir, { recursive: true, mode: 0o700 });
    if (existsSync(options.legacyFile)) {
      const legacy = createPrivateKey(readFileSync(options.legacyFile));
      if (legacy.asymmetricKeyType === 'ed25519') await keys.publish(legacy);
    }
    await keys.refresh();
    return keys;
  }

  private get publishedDir(): string {
    return join(this.options.dir, 'published');
  }

  private get currentFile(): string {
    return this.options.configuredFile ?? join(this.options.dir, 'current.pem');
  }

  private tempName(file: string): string {
    return `${file}.${randomUUID()}.tmp`;
  }

  private kid(thumbprint: string): string {
    return `${this.options.baseUrl}/keys/${thumbprint}`;
  }

  /** The current key, generated once (mode 0600) when there is none, and re-read when its file was replaced. */
  private async refresh(): Promise<{ key: KeyObject; kid: string }> {
    const file = this.currentFile;
    if (!this.options.configuredFile && !existsSync(file)) {
      // Written whole under a temporary name, then linked in: the key file is never seen half written.
      const tmp = this.tempName(file);
      writeFileSync(tmp, await newKeyPem(), { mode: 0o600, flag: 'wx' });
      try {
        linkSync(tmp, file);
      } catch (error) {
        // Another instance starting at the same moment linked its key first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        unlinkSync(tmp);
      }
    }
    const s = statSync(file);
    const stamp = `${s.ino}:${s.mtimeMs}:${s.size}`;
    if (this.current?.stamp === stamp) return this.current;
    const key = readKey(file);
    // Published before it signs anything, so no credential ever names a kid that does not answer.
    const kid = await this.publish(key);
    this.current = { key, kid, stamp };
    return this.current;
  }

  /** Records the key's public half (once) and returns its kid. */
  private async publish(key: KeyObject): Promise<string> {
    const jwk = await exportJWK(createPublicKey(key));
    const thumbprint = await calculateJwkThumbprint(jwk);
    const file = join(this.publishedDir, `${thumbprint}.json`);
    if (!existsSync(file)) {
      const tmp = this.tempName(file);
      writeFileSync(tmp, JSON.stringify(jwk) + '\n', { mode: 0o644, flag: 'wx' });
      renameSync(tmp, file);
    }
    return this.kid(thumbprint);
  }

  /** A compact JWS of the payload: RS256, header exactly { alg, kid, typ: "JWT" } as Open Badges 3.0 allows. */
  async sign(payload: Record<string, unknown>): Promise<string> {
    const { key, kid } = await this.refresh();
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  }

  async currentKid(): Promise<string> {
    return (await this.refresh()).kid;
  }

  /** One published key by its thumbprint, or null. */
  key(thumbprint: string): PublicJwk | null {
    if (!THUMBPRINT.test(thumbprint)) return null;
    const cached = this.cache.get(thumbprint);
    if (cached) return cached;
    const file = join(this.publishedDir, `${thumbprint}.json`);
    if (!existsSync(file)) return null;
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    const published: PublicJwk = {
      ...jwk,
      kid: this.kid(thumbprint),
      alg: jwk.kty === 'RSA' ? 'RS256' : 'EdDSA',
      use: 'sig',
    };
    this.cache.set(thumbprint, published);
    return published;
  }

  /** Every key ever used, the current one first. */
  async all(): Promise<PublicJwk[]> {
    const currentKid = await this.currentKid();
    const keys = readdirSync(this.publishedDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => this.key(name.slice(0, -'.json'.length)))
      .filter((k): k is PublicJwk => k !== null);
    return [...keys.filter((k) => k.kid === currentKid), ...keys.filter((k) => k.kid !== currentKid)];
  }

  /**
   * Makes a new key current. The new key's public half is published first; the old key's private
   * half is replaced (only its public half is kept, so it can verify but never sign again).
   */
  async rotate(): Promise<{ previous: string; current: string }> {
    if (this.options.configuredFile)
      throw new Error(
        `CERTIFICATE_SIGNING_KEY_FILE is set, so the key is yours to replace: write a new RSA key (${RSA_MODULUS_BITS} bits or more) to ${this.options.configuredFile}; the app publishes the old one's public half already.`,
      );
    const previous = await this.currentKid();
    const pem = await newKeyPem();
    await this.publish(createPrivateKey(pem));
    const tmp = this.tempName(this.currentFile);
    writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, this.currentFile);
    return { previous, current: await this.currentKid() };
  }
}
