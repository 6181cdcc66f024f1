import ical, { ICalCalendarMethod, ICalEventStatus, type ICalDayJsStub } from 'ical-generator';
import { instantInZone } from '../../common/dates';
import { vtimezone } from '../../common/vtimezone';
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

/**
 * A session's wall-clock time in the program's zone, in the shape ical-generator formats as a local time under a
 * TZID. A plain Date would be rendered in the server process's own zone, which need not be the program's.
 */
class ZonedTime implements ICalDayJsStub {
  private readonly instant: Date;

  constructor(
    private readonly date: string,
    private readonly time: string,
    timeZone: string,
  ) {
    this.instant = instantInZone(date, time, timeZone);
  }

  /** ical-generator asks for "YYYYMMDD" and "HHmmss"; anything else gets the instant in ISO form. */
  format(pattern?: string): string {
    if (pattern === 'YYYYMMDD') return this.date.replace(/-/g, '');
    if (pattern === 'HHmmss') return `${this.time.replace(':', '')}00`;
    return this.instant.toISOString();
  }

  isValid(): boolean {
    return !Number.isNaN(this.instant.getTime());
  }

  toDate(): Date {
    return this.instant;
  }

  toJSON(): string {
    return this.instant.toISOString();
  }
}

/**
 * An iCalendar (RFC 5545) feed. Times are the program's local times under a TZID with its VTIMEZONE, so calendar
 * apps show 09:00 as 09:00 in the program's zone whatever the reader's own; cancelled sessions say so.
 */
export function calendarFeed(name: string, events: FeedEvent[], timeZone: string, now = new Date()): string {
  const years = events.map((e) => Number(e.date.slice(0, 4)));
  const calendar = ical({
    name,
    prodId: { company: name, product: 'Training calendar' },
    method: ICalCalendarMethod.PUBLISH,
    scale: 'GREGORIAN',
    // No calendar-wide zone name: with one, ical-generator would write DTSTAMP in local time, and it must be UTC.
    timezone: { name: null, generator: (zone) => vtimezone(zone, Math.min(...years), Math.max(...years)) },
  });
  calendar.x([['X-WR-TIMEZONE', timeZone]]);
  for (const e of events) {
    calendar.createEvent({
      id: e.uid,
      stamp: now,
      start: new ZonedTime(e.date, e.startsAt, timeZone),
      end: new ZonedTime(e.date, e.endsAt, timeZone),
      timezone: timeZone,
      summary: e.cancelled ? `Cancelled: ${e.summary}` : e.summary,
      location: e.location,
      description: e.description,
      status: e.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString() + '\r\n';
}
