import { nextSteps } from './next-steps';

const line = (code: string, expiresOn: string | null, standing: string, standingLabel = '') => ({
  type: { code, name: `${code} name` },
  expiresOn,
  standing,
  standingLabel,
});

describe('nextSteps', () => {
  it('lists the most urgent first and looks only at the latest credential of each type', () => {
    const steps = nextSteps(
      [
        line('CPR', '2026-12-05', 'expiring', 'Expires in 7 days'),
        line('MT-CBHPSS', '2026-10-31', 'grace', 'Lapsed: in grace period, 20 days left'),
        line('CORR', '2026-01-31', 'expired', 'Expired'),
        line('CORR', '2025-01-31', 'expired', 'Expired'), // older, superseded
        line('PS-40', null, 'current', 'Current'),
      ],
      [
        {
          code: 'MT-CBHPSS',
          period: { from: '2026-01-01', to: '2026-12-31', number: 2 },
          hoursNeeded: 20,
          carriedForward: 0,
          hoursDone: 12,
          categoryNeeds: [],
          daysLeft: 33,
          ready: false,
          missing: ['8 more CE hours'],
        },
      ],
    );
    expect(steps).toEqual([
      'Renew MT-CBHPSS now: it expired Oct 31, 2026. Lapsed: in grace period, 20 days left.',
      'CORR (CORR name) has expired: renew it.',
      'Renew CPR by Dec 5, 2026.',
      'For the MT-CBHPSS renewal (Dec 31, 2026), still needed: 8 more CE hours.',
    ]);
  });

  it('has nothing to say when all is well', () => {
    expect(nextSteps([line('PS-40', null, 'current')], [])).toEqual([]);
  });
});
