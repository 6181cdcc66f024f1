import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret for a cookie, link or API token: 256 random bits, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored in place of a secret token: an HMAC keyed with SESSION_SECRET, so a copy of the
 * database opens no session, link or API token.
 */
export function keyedHash(key: string, token: string): string {
  return createHmac('sha256', key).update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
