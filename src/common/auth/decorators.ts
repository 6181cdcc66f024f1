import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from './actor';
import type { Role } from './roles';
import { actorOf, type AuthUser } from './auth-user';

export const PUBLIC_KEY = 'access:public';
export const ROLES_KEY = 'access:roles';

/** Deliberately reachable without signing in (sign-in itself, links from e-mail, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only people holding one of these roles; everyone else gets 403. (Records out of scope answer 404 in the services.) */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The signed-in person; the access guard has made sure there is one unless the route is public. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest<Request>().user!,
);

/** The signed-in person and their address, for the audit log. */
export const RequestActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return actorOf(req.user, req.ip ?? null);
});

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthUser;
  }
}
