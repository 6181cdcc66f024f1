import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import type { AuthService } from './auth.service';
import { CSRF_COOKIE, csrfTokenFor, SESSION_COOKIE } from './csrf';
import { randomToken } from './secrets';

export function cookieOptions(config: AppConfig) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: config.servesHttps, path: '/' };
}

/**
 * Works out who every request is from (API token, else session cookie) before any route, error
 * page or the API docs see it, and gives the pages the person and a CSRF token (web/ adds the menu).
 */
export function authenticate(auth: AuthService, config: AppConfig) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const cookies = (req.cookies ?? {}) as Record<string, string>;
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      req.user =
        (await auth.authenticate({ bearer, sessionToken: bearer ? undefined : cookies[SESSION_COOKIE] })) ?? undefined;

      // A caller with an API token needs no CSRF token (the guard exempts it), so it is spared making one.
      if (!bearer) {
        let csrfSeed = cookies[CSRF_COOKIE];
        if (!csrfSeed || !/^[\w-]{43}$/.test(csrfSeed)) {
          csrfSeed = randomToken();
          res.cookie(CSRF_COOKIE, csrfSeed, cookieOptions(config));
          req.cookies = { ...cookies, [CSRF_COOKIE]: csrfSeed };
        }
        res.locals.csrfToken = csrfTokenFor(config.sessionSecret, csrfSeed);
      }
      res.locals.user = req.user;
      next();
    } catch (e) {
      next(e);
    }
  };
}
