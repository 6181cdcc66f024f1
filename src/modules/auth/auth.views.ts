import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import type { AppConfig } from '../../config/app-config';
import { passwordsOffMessage } from './account-links.service';
import type { OidcClient } from './oidc-client';

/**
 * The ways in the sign-in page offers: the SSO button first when configured (saying so when the provider cannot be
 * reached), the password form below it unless PASSWORD_SIGNIN=off; or neither.
 */
export function signInOptions(config: AppConfig, oidc: OidcClient, next: string) {
  const sso = config.signIn.oidc;
  return {
    sso: sso
      ? {
          label: sso.label,
          available: oidc.available,
          href: next === '/' ? '/login/oidc' : `/login/oidc?next=${encodeURIComponent(next)}`,
        }
      : null,
    passwords: config.signIn.passwords,
  };
}

/** The sentence password forms show instead of themselves when PASSWORD_SIGNIN=off; null while passwords are on. */
export function passwordsOff(config: AppConfig): string | null {
  return config.signIn.passwords ? null : passwordsOffMessage(config);
}

/** The sign-in page's model after a post: the address typed is kept, the password never is. */
export function loginModel(next: string, body: Record<string, unknown>, extra: object) {
  return { title: 'Sign in', next, values: { email: body.email }, ...extra };
}

/**
 * A sign-in the service refused, as the form says it: a wrong address or password (401) or too many tries (429),
 * with the status kept. Anything else is not the form's to say, and is thrown on.
 */
export function loginRefusal(e: unknown): { status: number; failure: string } {
  if (e instanceof HttpException && [401, 403, 429].includes(e.getStatus())) {
    return { status: e.getStatus(), failure: (e.getResponse() as { message: string }).message };
  }
  throw e;
}

/** Where a sign-in comes from, as the session records it: the address and the browser. */
export function signInFrom(req: Request): [ip: string, userAgent: string | null] {
  return [req.ip ?? 'unknown', req.headers['user-agent'] ?? null];
}

/** Only same-site paths, so a crafted link cannot send someone elsewhere after signing in. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

export interface SsoRefusalModel {
  title: string;
  reason: string;
  message: string;
  advice: string;
}

const START_AGAIN = 'Go back to the sign-in page and start again. If it keeps happening, tell your program admin.';
const ASK_ADMIN = 'Ask your program admin to add you, with the e-mail address your organisation gives you.';

/** What a refused single sign-on says, by the reason it was refused. Nobody is signed in on any of these. */
export function ssoRefusalModel(reason: string, detail: string | null): SsoRefusalModel {
  const as = detail ? ` (${detail})` : '';
  const pages: Record<string, [string, string]> = {
    unknown_email: [`No one here signs in with that e-mail address${as}.`, ASK_ADMIN],
    email_not_verified: [
      `Your organisation's account has not verified its e-mail address${as}, so it cannot be matched to anyone here.`,
      'Ask your IT team to verify the address, or your program admin to help.',
    ],
    domain_not_allowed: [
      `Accounts with that e-mail domain${as} cannot sign in here.`,
      'Sign in with your organisation account, or ask your program admin.',
    ],
    deactivated: [`Your account here is not active${as}.`, 'Ask your program admin if you should have access again.'],
    linked_to_another_account: [
      `Your account here is already linked to a different account at the identity provider${as}.`,
      'Ask your program admin to unlink it on your sign-in page, then sign in again.',
    ],
    no_email: ['The identity provider did not say which e-mail address you use.', ASK_ADMIN],
    not_configured: ['Single sign-on is not set up here.', 'Sign in with your e-mail and password instead.'],
    unavailable: [
      `Single sign-on${detail ? ` ("${detail}")` : ''} is unavailable right now: the identity provider cannot be reached.`,
      'Try again in a few minutes.',
    ],
    flow_missing: ['This sign-in expired or was started in another browser.', START_AGAIN],
    access_denied: ['The sign-in was cancelled at the identity provider.', START_AGAIN],
  };
  const [message, advice] = pages[reason] ?? ['The sign-in could not be completed safely.', START_AGAIN];
  return { title: 'Single sign-on refused', reason, message, advice };
}
