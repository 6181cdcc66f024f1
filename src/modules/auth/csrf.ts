import { keyedHash, safeEqual } from './secrets';

export const SESSION_COOKIE = 'lms_session';
export const CSRF_COOKIE = 'lms_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Signed double-submit: the browser holds a random value in an HttpOnly cookie; forms carry an HMAC
 * of it. Another site can make the browser send the cookie, but cannot read it to forge the field.
 */
export function csrfTokenFor(secret: string, cookieValue: string): string {
  return keyedHash(secret, `csrf:${cookieValue}`);
}

export function isValidCsrf(secret: string, cookieValue: string | undefined, submitted: unknown): boolean {
  if (!cookieValue || typeof submitted !== 'string') return false;
  return safeEqual(csrfTokenFor(secret, cookieValue), submitted);
}
