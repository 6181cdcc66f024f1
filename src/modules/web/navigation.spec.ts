import { MENU_GROUPED_ABOVE, menuFor, navigationFor, NAVIGATION, NAV_GROUPS, type MenuEntry } from './navigation';

/** A menu as its labels: a group as "Label: its, entries". */
const shape = (menu: MenuEntry[]) =>
  menu.map((e) => (e.kind === 'link' ? e.link.label : `${e.label}: ${e.links.map((l) => l.label).join(', ')}`));

describe('navigationFor', () => {
  it('shows each role only its own entries', () => {
    expect(navigationFor(['peer'], '/').map((i) => i.label)).toEqual(['Home', 'My credentials', 'My training']);
    expect(navigationFor(['trainer'], '/').map((i) => i.label)).toEqual(['Home', 'Training', 'Credential types']);
    expect(navigationFor(['admin'], '/').map((i) => i.label)).toEqual([
      'Home',
      'Training',
      'Clearance',
      'People',
      'Credential types',
      'Practice roles',
      'Supervision',
      'Certificates',
      'Reports',
      'Audit log',
      'Submissions',
      'Jobs',
      'Imports',
    ]);
  });

  it('gives the union for several roles and marks the current section', () => {
    const nav = navigationFor(['peer', 'supervisor'], '/catalog/practice-roles/123');
    expect(nav.map((i) => i.label)).toEqual([
      'Home',
      'My credentials',
      'My training',
      'Clearance',
      'My supervisees',
      'People',
      'Credential types',
      'Practice roles',
      'Reports',
    ]);
    expect(nav.filter((i) => i.current).map((i) => i.label)).toEqual(['Practice roles']);
    expect(navigationFor(['admin'], '/people').find((i) => i.label === 'Home')?.current).toBe(false);
  });

  it('gives supervisors My supervisees, marked current on its pages rather than the admin page above it', () => {
    expect(navigationFor(['admin'], '/').map((i) => i.label)).not.toContain('My supervisees');
    const both = navigationFor(['admin', 'supervisor'], '/supervision/mine/log');
    expect(both.filter((i) => i.current).map((i) => i.label)).toEqual(['My supervisees']);
    expect(
      navigationFor(['admin', 'supervisor'], '/supervision')
        .filter((i) => i.current)
        .map((i) => i.label),
    ).toEqual(['Supervision']);
  });
});

describe('menuFor', () => {
  it('keeps a short menu flat: peers, trainers and supervisors', () => {
    for (const roles of [['peer'], ['trainer'], ['supervisor'], ['peer', 'trainer']] as const) {
      const menu = menuFor(roles, '/');
      expect(menu.every((e) => e.kind === 'link')).toBe(true);
      expect(shape(menu)).toEqual(navigationFor(roles, '/').map((l) => l.label));
    }
  });

  it("groups an admin's long menu into Records, Training and Admin, after the entries of no group", () => {
    expect(navigationFor(['admin'], '/').length).toBeGreaterThan(MENU_GROUPED_ABOVE);
    expect(shape(menuFor(['admin'], '/'))).toEqual([
      'Home',
      'Records: Clearance, People, Supervision, Certificates',
      'Training: Training, Credential types, Practice roles',
      'Admin: Reports, Audit log, Submissions, Jobs, Imports',
    ]);
    // Someone with more roles keeps their own entries at the top and their supervisees with the records.
    expect(shape(menuFor(['admin', 'peer', 'supervisor'], '/'))).toEqual([
      'Home',
      'My credentials',
      'My training',
      'Records: Clearance, My supervisees, People, Supervision, Certificates',
      'Training: Training, Credential types, Practice roles',
      'Admin: Reports, Audit log, Submissions, Jobs, Imports',
    ]);
  });

  it('gives every entry that an admin sees in a grouped menu a group, and only known groups', () => {
    for (const item of NAVIGATION.filter((i) => i.roles.includes('admin') && i.href !== '/'))
      expect(NAV_GROUPS).toContain(item.group);
  });

  it("marks the group of the current page, and carries its entries' counts", () => {
    const menu = menuFor(['admin'], '/admin/jobs/123');
    const groups = menu.flatMap((e) => (e.kind === 'group' ? [e] : []));
    expect(groups.filter((g) => g.current).map((g) => g.label)).toEqual(['Admin']);
    const admin = groups.find((g) => g.label === 'Admin')!;
    expect(admin.links.filter((l) => l.current).map((l) => l.label)).toEqual(['Jobs']);
    expect(admin.countKeys).toEqual(['waitingSubmissions']);
    expect(groups.find((g) => g.label === 'Records')!.countKeys).toEqual([]);
    // Home is current on / only, and then no group is.
    const home = menuFor(['admin'], '/');
    expect(home[0]).toMatchObject({ kind: 'link', link: { label: 'Home', current: true } });
    expect(home.some((e) => e.kind === 'group' && e.current)).toBe(false);
  });
});
