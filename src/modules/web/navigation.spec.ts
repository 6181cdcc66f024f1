import { navigationFor } from './navigation';

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
