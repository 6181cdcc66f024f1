/** Calendar dates are `YYYY-MM-DD` strings evaluated in the program's time zone; timestamps are UTC. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A formatter per time zone for one locale and set of options, built on first use and kept:
 * building an Intl.DateTimeFormat is slow, and the same few zones are asked for again and again.
 */
export function formatPerZone(
  locale: string,
  options: Omit<Intl.DateTimeFormatOptions, 'timeZone'>,
): (timeZone: string) => Intl.DateTimeFormat {
  const formats = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let format = formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      formats.set(timeZone, format);
    }
    return format;
  };
}

// en-CA formats as YYYY-MM-DD.
const dayFormat = formatPerZone('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
/** Every zone in use changes date on a whole minute, so the date of an instant is that of its minute: kept per zone. */
const lastMinute = new Map<string, { minute: number; date: IsoDate }>();

/** The calendar date of `instant` in `timeZone`. */
export function dateInZone(instant: Date, timeZone: string): IsoDate {
  const minute = Math.floor(instant.getTime() / 60_000);
  const known = lastMinute.get(timeZone);
  if (known?.minute === minute) return known.date;
  const date = formatInZone(instant, timeZone);
  lastMinute.set(timeZone, { minute, date });
  return date;
}

function formatInZone(instant: Date, timeZone: string): IsoDate {
  return dayFormat(timeZone).format(instant);
}

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function toUtc(date: IsoDate): Date {
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

function fromUtc(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

/** Date arithmetic runs in tight loops (clearance over a whole program) on few distinct dates: remember answers. */
const added = new Map<string, IsoDate>();

export function addDays(date: IsoDate, days: number): IsoDate {
  const key = `${date}|${days}`;
  let result = added.get(key);
  if (result === undefined) {
    const d = toUtc(date);
    d.setUTCDate(d.getUTCDate() + days);
    result = fromUtc(d);
    if (added.size > 200_000) added.clear();
    added.set(key, result);
  }
  return result;
}

/** Adds calendar months, clamping to the last day of the target month (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const d = toUtc(date);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return fromUtc(d);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A human date such as "Dec 31, 2026" (written out by hand: Intl formatting is slow in hot loops). */
export function formatDate(date: IsoDate): string {
  if (!ISO_DATE.test(date)) throw new RangeError(`Not a calendar date: ${date}`);
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}, ${date.slice(0, 4)}`;
}

export const LONG_MONTHS: readonly string[] = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A date as a certificate prints it, month written out: "March 3, 2026". */
export function longDate(date: IsoDate): string {
  if (!ISO_DATE.test(date)) throw new RangeError(`Not a calendar date: ${date}`);
  return `${LONG_MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}, ${date.slice(0, 4)}`;
}

/** The UTC instant at which `date` begins in `timeZone` (for filtering timestamps by local calendar days). */
export function startOfDayInZone(date: IsoDate, timeZone: string): Date {
  return instantInZone(date, '00:00', timeZone);
}

/** The UTC instant of a local date and "HH:MM" wall-clock time in `timeZone` (a class at 09:00 in Denver). */
export function instantInZone(date: IsoDate, time: string, timeZone: string): Date {
  const wallClockAsUtc = toUtc(date).getTime() + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * 60_000;
  // Both instants are whole seconds (a whole minute less a whole-second offset), so no milliseconds are dropped.
  const guess = wallClockAsUtc - zoneOffsetAt(wallClockAsUtc, timeZone);
  // Near a daylight-saving change the offset at the guess can differ; one correction settles it.
  return new Date(wallClockAsUtc - zoneOffsetAt(guess, timeZone));
}

/** The date `days` business days after `date` (Monday to Friday; public holidays are not counted out). */
export function addBusinessDays(date: IsoDate, days: number): IsoDate {
  let current = date;
  for (let left = days; left > 0;) {
    current = addDays(current, 1);
    const weekday = toUtc(current).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return current;
}

const offsetFormat = formatPerZone('en-US', {
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** How far `timeZone` is ahead of UTC at `instant`, in milliseconds, from how Intl renders the instant there. */
function zoneOffsetAt(instant: number, timeZone: string): number {
  const parts = offsetFormat(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * What a local date and "HH:MM" mean in `timeZone` on a daylight-saving night: a time that occurs
 * once (`instants` has one), one skipped when clocks go forward (none: 02:30 on 2027-03-14 in Denver),
 * or one repeated when they go back (two, earlier first: 01:30 on 2027-11-07 is MDT, then MST).
 */
export interface LocalTimeInZone {
  instants: Date[];
  /** For a skipped time: how many minutes the clocks jumped. */
  skippedMinutes: number;
}

export function resolveLocalTime(date: IsoDate, time: string, timeZone: string): LocalTimeInZone {
  const wall = toUtc(date).getTime() + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * 60_000;
  // No zone changes its offset twice within two days, so the offsets a day either side are all there are.
  const before = zoneOffsetAt(wall - 86_400_000, timeZone);
  const after = zoneOffsetAt(wall + 86_400_000, timeZone);
  const instants = [...new Set([wall - before, wall - after])]
    .filter((instant) => instant + zoneOffsetAt(instant, timeZone) === wall)
    .sort((a, b) => a - b)
    .map((instant) => new Date(instant));
  return { instants, skippedMinutes: instants.length === 0 ? Math.abs(after - before) / 60_000 : 0 };
}

/** The zone's short name or offset at `instant` ("MDT", "MST"; "GMT+2" where there is no abbreviation). */
export function zoneNameAt(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(instant);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/**
 * A local "HH:MM" as a page shows it: as is, or with its zone when the clocks repeat that time on
 * `date` ("01:30 MDT", the first occurrence, which is what a session's hours are counted from).
 */
export function localTimeLabel(date: IsoDate, time: string, timeZone: string): string {
  if (!isIsoDate(date) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) return time;
  const { instants } = resolveLocalTime(date, time, timeZone);
  return instants.length === 2 ? `${time} ${zoneNameAt(instants[0], timeZone)}` : time;
}
