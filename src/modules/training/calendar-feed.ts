import { instantInZone } from '../../common/dates';
import { keyedHash, safeEqual } from '../auth/secrets';

export interface FeedEvent {
  uid: string;
  date: string;
  startsAt: string;
  endsAt: string;
  summary: string;
  location: string;
  description: string;
  cancelled: boolean;
}

/**
 * A person's secret calendar-feed token: a keyed hash of their id and feed version, so nothing secret
 * is stored and bumping the version retires every copy of the old address.
 */
export function calendarToken(secret: string, personId: string, version: number): string {
  return keyedHash(secret, `calendar:${personId}:${version}`).slice(0, 40);
}

export function isCalendarToken(secret: string, personId: string, version: number, token: string): boolean {
  return safeEqual(calendarToken(secret, personId, version), token);
}

/** RFC 5545 text: backslash, semicolon, comma and newlines escaped. */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded: CRLF and a space, never splitting a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > (out.length ? 74 : 75)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const utc = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** An iCalendar (RFC 5545) feed; times are converted from the program's zone to UTC, cancelled sessions say so. */
export function calendarFeed(name: string, events: FeedEvent[], timeZone: string, now = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//${text(name)}//Training calendar//EN`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(name)}`,
  ];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${utc(now)}`,
      `DTSTART:${utc(instantInZone(e.date, e.startsAt, timeZone))}`,
      `DTEND:${utc(instantInZone(e.date, e.endsAt, timeZone))}`,
      `SUMMARY:${text(e.cancelled ? `Cancelled: ${e.summary}` : e.summary)}`,
      `LOCATION:${text(e.location)}`,
      `DESCRIPTION:${text(e.description)}`,
      `STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
