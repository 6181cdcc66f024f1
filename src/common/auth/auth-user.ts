import type { Role } from './roles';
import type { Actor } from './actor';

/** The signed-in person for this request, by session cookie or API token. */
export interface AuthUser {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  /** Set when signed in through the browser. */
  sessionId: string | null;
  /** Set when calling with an API token. */
  tokenId: string | null;
}

export function hasRole(user: AuthUser | undefined | null, ...roles: Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

export function actorOf(user: AuthUser | undefined | null, ip: string | null): Actor {
  if (!user) return { personId: null, label: 'anonymous', ip };
  return { personId: user.id, label: user.tokenId ? `${user.name} (API token)` : user.name, ip };
}
