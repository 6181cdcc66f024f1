import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import type { Role } from '../../common/auth/roles';

export interface NavItem {
  label: string;
  href: string;
  roles: Role[];
  /** The `res.locals` key of a count shown beside the entry (set by the feature's middleware), e.g. what waits. */
  countKey?: string;
  /** The menu group the entry sits in when the menu is long enough to be grouped (MENU_GROUPED_ABOVE). */
  group?: NavGroupLabel;
}

/** The groups of a long menu, in their order; entries with no group stay at the top level, before them. */
export const NAV_GROUPS = ['Records', 'Training', 'Admin'] as const;
export type NavGroupLabel = (typeof NAV_GROUPS)[number];

/** A menu longer than this many entries is grouped into dropdowns; a shorter one (peer, trainer) stays flat. */
export const MENU_GROUPED_ABOVE = 8;

/** The main menu; each entry names the roles that see it. */
export const NAVIGATION: NavItem[] = [
  { label: 'Home', href: '/', roles: ['peer', 'trainer', 'supervisor', 'admin'] },
  { label: 'My credentials', href: '/my/credentials', roles: ['peer'] },
  { label: 'My training', href: '/my/training', roles: ['peer'] },
  { label: 'Training', href: '/training', roles: ['trainer', 'admin'], group: 'Training' },
  { label: 'Clearance', href: '/clearance', roles: ['supervisor', 'admin'], group: 'Records' },
  { label: 'My supervisees', href: '/supervision/mine', roles: ['supervisor'], group: 'Records' },
  { label: 'People', href: '/people', roles: ['supervisor', 'admin'], group: 'Records' },
  {
    label: 'Credential types',
    href: '/catalog/credential-types',
    roles: ['trainer', 'supervisor', 'admin'],
    group: 'Training',
  },
  { label: 'Practice roles', href: '/catalog/practice-roles', roles: ['supervisor', 'admin'], group: 'Training' },
  { label: 'Supervision', href: '/supervision', roles: ['admin'], group: 'Records' },
  { label: 'Certificates', href: '/certificates', roles: ['admin'], group: 'Records' },
  { label: 'Reports', href: '/reports', roles: ['supervisor', 'admin'], group: 'Admin' },
  { label: 'Audit log', href: '/audit', roles: ['admin'], group: 'Admin' },
  {
    label: 'Submissions',
    href: '/admin/submissions',
    roles: ['admin'],
    countKey: 'waitingSubmissions',
    group: 'Admin',
  },
  { label: 'Jobs', href: '/admin/jobs', roles: ['admin'], group: 'Admin' },
  { label: 'Imports', href: '/admin/imports', roles: ['admin'], group: 'Admin' },
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

export type NavLink = ReturnType<typeof navigationFor>[number];

/** A top-level entry of the menu: a link, or a group of links shown as a dropdown. */
export type MenuEntry =
  | { kind: 'link'; link: NavLink }
  | { kind: 'group'; label: NavGroupLabel; links: NavLink[]; current: boolean; countKeys: string[] };

/**
 * The menu as the header shows it: flat while it is short; grouped into dropdowns (NAV_GROUPS, in that order, after
 * the ungrouped entries) once it has more than MENU_GROUPED_ABOVE entries, so an admin's menu fits on one line. A
 * group is current when the current page is one of its entries, and carries its entries' counts for its summary.
 */
export function menuFor(roles: readonly Role[], path: string): MenuEntry[] {
  const links = navigationFor(roles, path);
  if (links.length <= MENU_GROUPED_ABOVE) return links.map((link) => ({ kind: 'link', link }));
  const top: MenuEntry[] = links.filter((l) => !l.group).map((link) => ({ kind: 'link', link }));
  const groups: MenuEntry[] = NAV_GROUPS.flatMap((label) => {
    const inGroup = links.filter((l) => l.group === label);
    if (!inGroup.length) return [];
    return [
      {
        kind: 'group' as const,
        label,
        links: inGroup,
        current: inGroup.some((l) => l.current),
        countKeys: inGroup.flatMap((l) => (l.countKey ? [l.countKey] : [])),
      },
    ];
  });
  return [...top, ...groups];
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
    res.locals.nav = menuFor(roles, req.path);
    res.locals.navCountKeys = navigationFor(roles, req.path).flatMap((l) => (l.countKey ? [l.countKey] : []));
    if (guessed && roles.includes('admin')) res.locals.addressWarning = config.publicBaseUrl;
    next();
  };
}
