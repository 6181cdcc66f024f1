import { activeOn, activeUntil, lastActiveDay, statusOn, type StatusPeriodFact } from './status-periods';

const periods: StatusPeriodFact[] = [
  { status: 'active', from: '2025-03-01', to: '2025-08-31' },
  { status: 'inactive', from: '2025-09-01', to: '2025-12-31' },
  { status: 'active', from: '2026-01-01', to: '2026-05-31' },
  { status: 'inactive', from: '2026-06-01', to: null },
];

describe('status on a date', () => {
  it('is the period holding the date, and the first period before any', () => {
    expect(statusOn(periods, '2025-08-31')?.status).toBe('active');
    expect(statusOn(periods, '2025-09-01')?.status).toBe('inactive');
    expect(statusOn(periods, '2026-01-01')?.status).toBe('active');
    expect(statusOn(periods, '2027-01-01')?.status).toBe('inactive');
    // Before the first period nothing else is known: the first one answers.
    expect(statusOn(periods, '2020-01-01')?.status).toBe('active');
    expect(statusOn([], '2020-01-01')).toBeNull();
  });

  it("falls back to today's status without periods", () => {
    expect(activeOn(undefined, '2020-01-01', true)).toBe(true);
    expect(activeOn([], '2020-01-01', false)).toBe(false);
    expect(activeOn(periods, '2026-07-01', true)).toBe(false);
  });

  it('ends an active stretch the day before the next inactive period', () => {
    expect(activeUntil(periods, '2025-04-01')).toBe('2025-08-31');
    expect(activeUntil(periods, '2020-01-01')).toBe('2025-08-31');
    expect(activeUntil(periods, '2026-02-01')).toBe('2026-05-31');
    expect(activeUntil([{ status: 'active', from: '2025-01-01', to: null }], '2025-02-01')).toBeNull();
    expect(activeUntil(undefined, '2025-02-01')).toBeNull();
  });

  it('knows the last active day: none while active, before every date when never active', () => {
    expect(lastActiveDay(periods, true)).toBe('2026-05-31');
    expect(lastActiveDay([{ status: 'active', from: '2025-01-01', to: null }], false)).toBeNull();
    expect(lastActiveDay([{ status: 'inactive', from: '2025-01-01', to: null }], true)).toBe('');
    expect(lastActiveDay(undefined, false)).toBe('');
    expect(lastActiveDay(undefined, true)).toBeNull();
  });
});
