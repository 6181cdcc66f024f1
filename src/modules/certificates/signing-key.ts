import { createHash, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * The organisation's Ed25519 key as JOSE sees it: the public JWK and EdDSA signing. Its `kid` is
 * the address the JWK itself is published at (Open Badges 3.0: a kid "can be dereferenced to" the
 * key), ending in the key's RFC 7638 thumbprint; the JWKS at /.well-known/jwks.json lists it too.
 */
export class SigningKey {
  readonly jwk: PublicJwk;
  readonly thumbprint: string;

  constructor(
    private readonly privateKey: KeyObject,
    baseUrl: string,
  ) {
    const { x } = createPublicKey(privateKey).export({ format: 'jwk' }) as JsonWebKey & { x: string };
    // RFC 7638: the required members in lexicographic order, no spaces.
    this.thumbprint = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x, kid: `${baseUrl}/keys/${this.thumbprint}`, alg: 'EdDSA', use: 'sig' };
  }

  /** A compact JWS (RFC 7515) of `payload`, signed with EdDSA (RFC 8037). */
  signJwt(payload: object, typ = 'JWT'): string {
    const header = { alg: 'EdDSA', kid: this.jwk.kid, typ };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${b64url(sign(null, Buffer.from(input), this.privateKey))}`;
  }
}

/** Checks a compact JWS against a published JWK; returns its header and payload, or null when the signature does not hold. */
export function verifyJwt(
  jwt: string,
  jwk: { kty: string; crv: string; x: string },
): { header: Record<string, unknown>; payload: Record<string, unknown> } | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  const ok = verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
  if (!ok) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
    };
  } catch {
    return null;
  }
}
