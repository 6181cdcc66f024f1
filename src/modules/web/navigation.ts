import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import type { Role } from '../../common/auth/roles';

export interface NavItem {
  label: string;
  href: string;
  roles: Role[];
  /** The `res.locals` key of a count shown beside the entry (set by the feature's middleware), e.g. what waits. */
  countKey?: string;
}

/** The main menu; each entry names the roles that see it. */
export const NAVIGATION: NavItem[] = [
  { label: 'Home', href: '/', roles: ['peer', 'trainer', 'supervisor', 'admin'] },
  { label: 'My credentials', href: '/my/credentials', roles: ['peer'] },
  { label: 'My training', href: '/my/training', roles: ['peer'] },
  { label: 'Training', href: '/training', roles: ['trainer', 'admin'] },
  { label: 'Clearance', href: '/clearance', roles: ['supervisor', 'admin'] },
  { label: 'My supervisees', href: '/supervision/mine', roles: ['supervisor'] },
  { label: 'People', href: '/people', roles: ['supervisor', 'admin'] },
  { label: 'Credential types', href: '/catalog/credential-types', roles: ['trainer', 'supervisor', 'admin'] },
  { label: 'Practice roles', href: '/catalog/practice-roles', roles: ['supervisor', 'admin'] },
  { label: 'Supervision', href: '/supervision', roles: ['admin'] },
  { label: 'Certificates', href: '/certificates', roles: ['admin'] },
  { label: 'Reports', href: '/reports', roles: ['supervisor', 'admin'] },
  { label: 'Audit log', href: '/audit', roles: ['admin'] },
  { label: 'Submissions', href: '/admin/submissions', roles: ['admin'], countKey: 'waitingSubmissions' },
  { label: 'Jobs', href: '/admin/jobs', roles: ['admin'] },
  { label: 'Imports', href: '/admin/imports', roles: ['admin'] },
];

/**
 * The menu for someone holding `roles`, with the entry for `path` marked current: the longest entry the path is
 * under, so /supervision/mine marks "My supervisees" and not also "Supervision" for someone who has both.
 */
export function navigationFor(roles: readonly Role[], path: string) {
  const items = NAVIGATION.filter((item) => item.roles.some((r) => roles.includes(r)));
  const under = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  const current = items
    .filter((item) => under(item.href))
    .reduce<string | null>((best, item) => (best === null || item.href.length > best.length ? item.href : best), null);
  return items.map((item) => ({ ...item, current: item.href === current }));
}

/**
 * Gives every page, error pages included, the menu of whoever `authenticate` found the request is from; and
 * admins, while PUBLIC_BASE_URL is unset (development only: production refuses to start), a banner saying that
 * certificates and e-mail links carry a guessed local address.
 */
export function navigation(config: Pick<AppConfig, 'publicBaseUrl' | 'publicBaseUrlFrom'>) {
  const guessed = config.publicBaseUrlFrom !== 'PUBLIC_BASE_URL';
  return (req: Request, res: Response, next: NextFunction) => {
    const roles = req.user?.roles ?? [];
    res.locals.nav = navigationFor(roles, req.path);
    if (guessed && roles.includes('admin')) res.locals.addressWarning = config.publicBaseUrl;
    next();
  };
}
