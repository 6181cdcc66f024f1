/**
 * An iCalendar VTIMEZONE (RFC 5545 §3.6.5) built from the runtime's own time-zone data (Intl), so a feed that
 * names its times in the program's zone carries the rules calendar apps need, with no time-zone package.
 */

export interface ZoneTransition {
  /** The instant the new offset starts. */
  at: Date;
  /** Minutes east of UTC before and after. */
  offsetFrom: number;
  offsetTo: number;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const nameFormats = new Map<string, Intl.DateTimeFormat>();

function cached(store: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions) {
  let format = store.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
    store.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at `instant`, in minutes east ("GMT-07:00" is -420; plain "GMT" is 0). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const label = cached(offsetFormats, timeZone, { timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(label ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The abbreviation a reader of that zone uses at `instant` ("MST", "MDT"; "GMT+1" where there is none). */
function zoneName(instant: number, timeZone: string): string {
  return (
    cached(nameFormats, timeZone, { timeZoneName: 'short' })
      .formatToParts(instant)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone
  );
}

const DAY = 86_400_000;
const MINUTE = 60_000;

/**
 * Every change of offset from the start of `fromYear` to the end of `toYear`. Zones change offset at most once a
 * day and on a whole minute, so a day-by-day scan finds each change and a binary search pins its minute.
 */
export function zoneTransitions(timeZone: string, fromYear: number, toYear: number): ZoneTransition[] {
  const transitions: ZoneTransition[] = [];
  const end = Date.UTC(toYear + 1, 0, 1);
  let before = Date.UTC(fromYear, 0, 1);
  let offset = offsetMinutes(before, timeZone);
  for (let next = before + DAY; next <= end; before = next, next += DAY) {
    const nextOffset = offsetMinutes(next, timeZone);
    if (nextOffset === offset) continue;
    let lo = before;
    let hi = next;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetMinutes(mid, timeZone) === offset) lo = mid;
      else hi = mid;
    }
    transitions.push({ at: new Date(hi), offsetFrom: offset, offsetTo: nextOffset });
    offset = nextOffset;
  }
  return transitions;
}

/** "-0700" from -420. */
function utcOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** A wall-clock time as iCalendar writes a local DATE-TIME: "20270314T020000". */
function localDateTime(utcMillis: number, offset: number): string {
  return new Date(utcMillis + offset * MINUTE).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/**
 * The VTIMEZONE for `timeZone`, valid for events from `fromYear` to `toYear`: the observance in force on Jan 1 of
 * `fromYear`, then one observance per change of offset. Listing each change (rather than an RRULE) is exact for
 * whatever rules the zone had in those years. An observance is daylight time when its offset is ahead of the
 * year's standard offset, the smaller of January's and July's (so it holds in both hemispheres).
 */
export function vtimezone(timeZone: string, fromYear: number, toYear: number): string {
  const key = `${timeZone}|${fromYear}|${toYear}`;
  let block = built.get(key);
  if (block === undefined) {
    block = buildVtimezone(timeZone, fromYear, toYear);
    built.set(key, block);
  }
  return block;
}

/** A feed is read often and its years rarely change: each zone's block is built once per span of years. */
const built = new Map<string, string>();

function buildVtimezone(timeZone: string, fromYear: number, toYear: number): string {
  const standardOffset = (year: number) =>
    Math.min(offsetMinutes(Date.UTC(year, 0, 1), timeZone), offsetMinutes(Date.UTC(year, 6, 1), timeZone));
  const observance = (at: number, offsetFrom: number, offsetTo: number) => {
    const kind = offsetTo > standardOffset(new Date(at).getUTCFullYear()) ? 'DAYLIGHT' : 'STANDARD';
    return [
      `BEGIN:${kind}`,
      `DTSTART:${localDateTime(at, offsetFrom)}`,
      `TZOFFSETFROM:${utcOffset(offsetFrom)}`,
      `TZOFFSETTO:${utcOffset(offsetTo)}`,
      `TZNAME:${zoneName(at, timeZone)}`,
      `END:${kind}`,
    ];
  };
  // Jan 1 00:00 local of the first year: the offset in force then, as an observance that changes nothing.
  const startOffset = offsetMinutes(Date.UTC(fromYear, 0, 1), timeZone);
  const start = Date.UTC(fromYear, 0, 1) - startOffset * MINUTE;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`, ...observance(start, startOffset, startOffset)];
  for (const t of zoneTransitions(timeZone, fromYear, toYear))
    lines.push(...observance(t.at.getTime(), t.offsetFrom, t.offsetTo));
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
