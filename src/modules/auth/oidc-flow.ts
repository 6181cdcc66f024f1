import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export const OIDC_FLOW_COOKIE = 'lms_oidc';
/** How long someone has at the identity provider before coming back; later, they start again. */
export const OIDC_FLOW_MS = 10 * 60_000;

/** What one trip to the identity provider must come back to: the PKCE verifier, state and nonce, and where to go. */
export interface OidcFlow {
  codeVerifier: string;
  state: string;
  nonce: string;
  next: string;
  startedAt: number;
}

function key(secret: string): Buffer {
  return createHmac('sha256', secret).update('oidc-flow-cookie').digest();
}

/**
 * The flow travels in a short-lived cookie, sealed (AES-256-GCM with a key derived from SESSION_SECRET): the
 * browser carries it to the callback but can neither read the PKCE verifier nor change the state or nonce.
 */
export function sealFlow(secret: string, flow: OidcFlow): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(flow), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The flow a cookie holds; null when it is missing, altered, sealed with another secret or too old. */
export function openFlow(secret: string, sealed: unknown, now = Date.now()): OidcFlow | null {
  if (typeof sealed !== 'string' || sealed.length > 4000) return null;
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const flow = JSON.parse(text) as OidcFlow;
    return now - flow.startedAt <= OIDC_FLOW_MS && now >= flow.startedAt ? flow : null;
  } catch {
    return null;
  }
}
