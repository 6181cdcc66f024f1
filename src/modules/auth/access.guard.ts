import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import type { Role } from '../../common/auth/roles';
import { hasRole } from '../../common/auth/auth-user';
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, isValidCsrf } from './csrf';
import { PUBLIC_KEY, ROLES_KEY } from '../../common/auth/decorators';
import { checksCsrfAfterUpload, CSRF_REFUSED_MESSAGE } from './file-upload.interceptor';

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
      const submitted = body?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
      const cookie = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
      // A file upload's body is read after this guard runs: the route's upload interceptor checks its form's token.
      const multipart = (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
      if (
        submitted === undefined &&
        multipart &&
        checksCsrfAfterUpload(this.reflector.getAllAndMerge<unknown[]>(INTERCEPTORS_METADATA, targets))
      ) {
        req.csrfAfterUpload = true;
      } else if (!isValidCsrf(this.config.sessionSecret, cookie, submitted)) {
        throw new ForbiddenException({ statusCode: 403, message: CSRF_REFUSED_MESSAGE, errors: [] });
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
