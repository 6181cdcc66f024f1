import { HttpException } from '@nestjs/common';
import type { Request } from 'express';

/** The sign-in page's model after a post: the address typed is kept, the password never is. */
export function loginModel(next: string, body: Record<string, unknown>, extra: object) {
  return { title: 'Sign in', next, values: { email: body.email }, ...extra };
}

/**
 * A sign-in the service refused, as the form says it: a wrong address or password (401) or too many tries (429),
 * with the status kept. Anything else is not the form's to say, and is thrown on.
 */
export function loginRefusal(e: unknown): { status: number; failure: string } {
  if (e instanceof HttpException && (e.getStatus() === 401 || e.getStatus() === 429)) {
    return { status: e.getStatus(), failure: (e.getResponse() as { message: string }).message };
  }
  throw e;
}

/** Where a sign-in comes from, as the session records it: the address and the browser. */
export function signInFrom(req: Request): [ip: string, userAgent: string | null] {
  return [req.ip ?? 'unknown', req.headers['user-agent'] ?? null];
}
