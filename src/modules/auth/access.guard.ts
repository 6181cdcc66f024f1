import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import type { Role } from '../people/person-role.entity';
import { hasRole } from './auth-user';
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, isValidCsrf } from './csrf';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs before every route: a state-changing request from a browser must carry the CSRF token;
 * every route needs a signed-in person unless marked @Public(); @Roles() narrows who may call it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;

    if (req.headers.authorization && !req.user) {
      throw new UnauthorizedException({
        statusCode: 401,
        message: 'The API token is not valid, or it was revoked.',
        errors: [],
      });
    }
    // API tokens travel in a header a foreign page cannot set, so they need no CSRF token.
    if (!SAFE_METHODS.has(req.method) && !req.user?.tokenId) {
      const body = req.body as Record<string, unknown> | undefined;
      // A file upload's body is read after this guard runs, so its form carries the token in the address instead.
      const multipart = (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
      const submitted =
        body?.[CSRF_FIELD] ??
        req.headers[CSRF_HEADER] ??
        (multipart ? (req.query as Record<string, unknown>)[CSRF_FIELD] : undefined);
      if (
        !isValidCsrf(
          this.config.sessionSecret,
          (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE],
          submitted,
        )
      ) {
        throw new ForbiddenException({
          statusCode: 403,
          message: 'This form has expired or did not come from this site. Go back, reload the page and try again.',
          errors: [],
        });
      }
      if (body && typeof body === 'object') delete body[CSRF_FIELD];
    }
    if (isPublic) return true;
    if (!req.user) throw new UnauthorizedException({ statusCode: 401, message: 'Please sign in.', errors: [] });
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !hasRole(req.user, ...roles)) {
      throw new ForbiddenException({ statusCode: 403, message: 'Your role does not include this.', errors: [] });
    }
    return true;
  }
}
