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
    expect(activeOn(periods, '2026-07-01', false)).toBe(false);
  });

  it("gives the open period today's status when a write went around the history", () => {
    expect(activeOn(periods, '2026-07-01', true)).toBe(true);
    expect(activeOn(periods, '2026-05-31', true)).toBe(true);
    const madeToday: StatusPeriodFact[] = [{ status: 'active', from: '2026-12-01', to: null }];
    // Marked inactive in the row alone: inactive on every day, the first period standing for the days before.
    expect(activeOn(madeToday, '2026-11-01', false)).toBe(false);
    expect(lastActiveDay(madeToday, false)).toBe('');
    expect(activeUntil(periods, '2026-02-01', true)).toBeNull();
  });

  it('ends an active stretch the day before the next inactive period', () => {
    expect(activeUntil(periods, '2025-04-01', false)).toBe('2025-08-31');
    expect(activeUntil(periods, '2020-01-01', false)).toBe('2025-08-31');
    expect(activeUntil(periods, '2026-02-01', false)).toBe('2026-05-31');
    expect(activeUntil([{ status: 'active', from: '2025-01-01', to: null }], '2025-02-01', true)).toBeNull();
    expect(activeUntil(undefined, '2025-02-01', true)).toBeNull();
  });

  it('knows the last active day: none while active, before every date when never active', () => {
    expect(lastActiveDay(periods, false)).toBe('2026-05-31');
    expect(lastActiveDay([{ status: 'active', from: '2025-01-01', to: null }], true)).toBeNull();
    expect(lastActiveDay([{ status: 'inactive', from: '2025-01-01', to: null }], false)).toBe('');
    expect(lastActiveDay(undefined, false)).toBe('');
    expect(lastActiveDay(undefined, true)).toBeNull();
  });
});
