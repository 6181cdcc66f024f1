import {
  addBusinessDays,
  addDays,
  addMonths,
  dateInZone,
  daysBetween,
  formatDate,
  isIsoDate,
  isValidTimeZone,
  instantInZone,
  localTimeLabel,
  longDate,
  resolveLocalTime,
  startOfDayInZone,
} from './dates';

describe('calendar dates', () => {
  it('takes the date in the program time zone, not UTC', () => {
    // 04:30 UTC on Nov 28 is still the evening of Nov 27 in Montana.
    const instant = new Date('2026-11-28T04:30:00Z');
    expect(dateInZone(instant, 'America/Denver')).toBe('2026-11-27');
    expect(dateInZone(instant, 'UTC')).toBe('2026-11-28');
    // Across the daylight-saving change (Mar 8, 2026 in the US).
    expect(dateInZone(new Date('2026-03-08T06:59:00Z'), 'America/Denver')).toBe('2026-03-07');
    expect(dateInZone(new Date('2026-03-08T07:00:00Z'), 'America/Denver')).toBe('2026-03-08');
  });

  it('does date arithmetic on calendar days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(daysBetween('2026-11-28', '2026-12-31')).toBe(33);
    expect(daysBetween('2026-12-31', '2026-11-28')).toBe(-33);
  });

  it('validates dates and zones', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('26-01-01')).toBe(false);
    expect(isValidTimeZone('America/Denver')).toBe(true);
    expect(isValidTimeZone('America/Nowhere')).toBe(false);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('formats for people', () => {
    expect(formatDate('2026-12-31')).toBe('Dec 31, 2026');
  });

  it('writes the month out the way a certificate prints a date', () => {
    expect(longDate('2026-03-03')).toBe('March 3, 2026');
    expect(longDate('2027-12-31')).toBe('December 31, 2027');
    expect(() => longDate('03/03/2026')).toThrow(RangeError);
  });
});

describe('startOfDayInZone', () => {
  it('gives the UTC instant a local day begins', () => {
    expect(startOfDayInZone('2026-11-28', 'America/Denver').toISOString()).toBe('2026-11-28T07:00:00.000Z');
    expect(startOfDayInZone('2026-07-04', 'America/Denver').toISOString()).toBe('2026-07-04T06:00:00.000Z');
    expect(startOfDayInZone('2026-03-08', 'America/Denver').toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(startOfDayInZone('2026-11-28', 'UTC').toISOString()).toBe('2026-11-28T00:00:00.000Z');
  });
});

describe('addBusinessDays', () => {
  it('skips weekends', () => {
    expect(addBusinessDays('2026-11-27', 1)).toBe('2026-11-30'); // Friday -> Monday
    expect(addBusinessDays('2026-11-02', 20)).toBe('2026-11-30'); // four working weeks
    expect(addBusinessDays('2026-11-28', 0)).toBe('2026-11-28');
  });
});

describe('instantInZone', () => {
  it('turns a local wall-clock time into the UTC instant, in and out of daylight saving', () => {
    expect(instantInZone('2027-01-12', '09:00', 'America/Denver').toISOString()).toBe('2027-01-12T16:00:00.000Z');
    expect(instantInZone('2027-07-01', '09:00', 'America/Denver').toISOString()).toBe('2027-07-01T15:00:00.000Z');
    // The morning after clocks spring forward (2027-03-14 at 02:00).
    expect(instantInZone('2027-03-14', '09:00', 'America/Denver').toISOString()).toBe('2027-03-14T15:00:00.000Z');
    expect(instantInZone('2027-03-13', '17:30', 'America/Denver').toISOString()).toBe('2027-03-14T00:30:00.000Z');
  });
});

describe('resolveLocalTime and localTimeLabel (daylight-saving nights)', () => {
  const denver = 'America/Denver';
  const iso = (r: { instants: Date[] }) => r.instants.map((d) => d.toISOString());

  it('finds one instant for an ordinary time, none for a skipped one, two (earlier first) for a repeated one', () => {
    expect(iso(resolveLocalTime('2027-07-14', '01:30', denver))).toEqual(['2027-07-14T07:30:00.000Z']);
    expect(resolveLocalTime('2027-03-14', '02:30', denver)).toEqual({ instants: [], skippedMinutes: 60 });
    expect(iso(resolveLocalTime('2027-03-14', '03:00', denver))).toEqual(['2027-03-14T09:00:00.000Z']);
    expect(iso(resolveLocalTime('2027-11-07', '01:30', denver))).toEqual([
      '2027-11-07T07:30:00.000Z',
      '2027-11-07T08:30:00.000Z',
    ]);
    expect(iso(resolveLocalTime('2027-11-07', '02:00', denver))).toEqual(['2027-11-07T09:00:00.000Z']);
  });

  it('works in zones east of UTC, in the southern hemisphere and with half-hour changes', () => {
    expect(resolveLocalTime('2027-03-28', '01:30', 'Europe/London').instants).toHaveLength(0);
    expect(resolveLocalTime('2027-04-04', '02:30', 'Australia/Sydney').instants).toHaveLength(2);
    expect(resolveLocalTime('2027-10-03', '02:15', 'Australia/Lord_Howe')).toEqual({
      instants: [],
      skippedMinutes: 30,
    });
    expect(resolveLocalTime('2027-03-14', '02:30', 'UTC').instants).toHaveLength(1);
  });

  it('labels only a repeated time with its zone', () => {
    expect(localTimeLabel('2027-11-07', '01:30', denver)).toBe('01:30 MDT');
    expect(localTimeLabel('2027-11-07', '03:00', denver)).toBe('03:00');
    expect(localTimeLabel('2027-07-14', '01:30', denver)).toBe('01:30');
  });
});
