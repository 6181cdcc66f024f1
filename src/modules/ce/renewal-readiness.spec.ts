import { renewalReadiness, type CeHours } from './renewal-readiness';

const year = (y: number) => ({ issuedOn: `${y}-01-01`, expiresOn: `${y}-12-31` });
const ce = (completedOn: string, hours: number, category: CeHours['category'] = 'general'): CeHours => ({
  completedOn,
  hours,
  category,
});

describe('renewal readiness', () => {
  it('owes no CE hours before the first MT-CBHPSS renewal, but 2 h of suicide prevention at it', () => {
    const r = renewalReadiness('MT-CBHPSS', 20, [year(2026)], [], '2026-11-28');
    expect(r).toMatchObject({
      hoursNeeded: 0,
      hoursDone: 0,
      daysLeft: 33,
      ready: false,
      missing: ['2 h of suicide prevention'],
    });
    expect(
      renewalReadiness('MT-CBHPSS', 20, [year(2026)], [ce('2026-05-01', 2, 'suicide_prevention')], '2026-11-28'),
    ).toMatchObject({
      ready: true,
      missing: [],
    });
  });

  it('owes 20 h at the second renewal, with no suicide-prevention hours that year', () => {
    const r = renewalReadiness(
      'MT-CBHPSS',
      20,
      [year(2025), year(2026)],
      [ce('2026-02-01', 12), ce('2025-06-01', 2, 'suicide_prevention')],
      '2026-11-28',
    );
    expect(r).toMatchObject({
      period: { number: 2 },
      hoursNeeded: 20,
      hoursDone: 12,
      carriedForward: 2,
      categoryNeeds: [],
      missing: ['6 more CE hours'],
    });
  });

  it('carries forward surplus hours, at most 20', () => {
    const r = renewalReadiness(
      'MT-CBHPSS',
      20,
      [year(2024), year(2025), year(2026)],
      [ce('2025-03-01', 45), ce('2026-01-10', 2, 'suicide_prevention')],
      '2026-06-01',
    );
    // 2025 needed 20 and got 45: 25 surplus, capped at 20.
    expect(r).toMatchObject({
      period: { number: 3 },
      carriedForward: 20,
      hoursDone: 2,
      categoryNeeds: [{ category: 'suicide_prevention', needed: 2, done: 2 }],
      ready: true,
    });
  });

  it.each([
    [1, 0, true],
    [2, 20, false],
    [3, 20, true],
    [4, 20, false],
    [5, 20, true],
  ])('MT-CBHPSS renewal %i owes %i h, and 2 h of suicide prevention: %s', (n, hours, suicidePrevention) => {
    const periods = Array.from({ length: n }, (_, i) => year(2022 + i));
    const r = renewalReadiness('MT-CBHPSS', 20, periods, [], `${2021 + n}-11-28`);
    expect(r).toMatchObject({
      period: { number: n },
      hoursNeeded: hours,
      hoursDone: 0,
      carriedForward: 0,
      daysLeft: 33,
    });
    expect(r.categoryNeeds).toEqual(suicidePrevention ? [{ category: 'suicide_prevention', needed: 2, done: 0 }] : []);
    expect(r.missing).toEqual([
      ...(hours ? [`${hours} more CE hours`] : []),
      ...(suicidePrevention ? ['2 h of suicide prevention'] : []),
    ]);
  });

  it('counts only hours inside the current period, and a surplus only from the period just before', () => {
    const r = renewalReadiness(
      'MT-CBHPSS',
      20,
      [year(2024), year(2025), year(2026)],
      // 2024's 30 h were its own period's (owed nothing, the first); 2025 got 21 (1 spare); one entry after today is not counted.
      [ce('2024-05-01', 30), ce('2025-05-01', 21), ce('2026-03-01', 10), ce('2027-01-02', 15)],
      '2026-11-28',
    );
    expect(r).toMatchObject({
      hoursNeeded: 20,
      hoursDone: 10,
      carriedForward: 1,
      ready: false,
      missing: ['9 more CE hours', '2 h of suicide prevention'],
    });
  });

  it('asks a plain type for its hours in every period, with no carry-forward', () => {
    const doula = { issuedOn: '2024-03-01', expiresOn: '2027-03-01' };
    const r = renewalReadiness('DOULA', 15, [doula], [ce('2025-01-01', 10.5), ce('2023-01-01', 30)], '2026-11-28');
    expect(r).toMatchObject({
      hoursNeeded: 15,
      hoursDone: 10.5,
      carriedForward: 0,
      missing: ['4.5 more CE hours'],
      ready: false,
    });
  });
});
