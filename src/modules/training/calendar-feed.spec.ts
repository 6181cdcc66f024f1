import ICAL from 'ical.js';
import { calendarFeed, calendarToken, isCalendarToken, type FeedEvent } from './calendar-feed';

/** Read the feed back with an independent parser, registering its VTIMEZONE the way a calendar app would. */
function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  return { calendar, events };
}

describe('calendar feed', () => {
  const event: FeedEvent = {
    uid: 's1@lms.example.org',
    date: '2027-03-01',
    startsAt: '09:00',
    endsAt: '17:00',
    summary: 'Peer Support Course: Ethics, Boundaries; Recovery',
    location: 'Riverstone clinic, room 2',
    description: 'Cohort Billings spring 2027\nBring lunch',
    cancelled: false,
  };
  // A session either side of the spring change, and one after the autumn change, in Denver.
  const summer: FeedEvent = { ...event, uid: 's2@lms.example.org', date: '2027-07-15', startsAt: '13:30' };
  const winter: FeedEvent = { ...event, uid: 's3@lms.example.org', date: '2027-11-08', endsAt: '12:00' };
  const now = new Date('2026-11-28T12:00:00Z');

  afterEach(() => ICAL.TimezoneService.reset());

  it('names local times in the program zone, with a VTIMEZONE that puts them at the right instants', () => {
    const ics = calendarFeed('Org training', [event, summer, winter], 'America/Denver', now);
    const { calendar, events } = parse(ics);

    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Org training');
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('America/Denver');
    const zones = calendar.getAllSubcomponents('vtimezone');
    expect(zones.map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['America/Denver']);

    expect(events.map((e) => e.uid)).toEqual(['s1@lms.example.org', 's2@lms.example.org', 's3@lms.example.org']);
    expect(events.map((e) => e.startDate.zone.tzid)).toEqual(['America/Denver', 'America/Denver', 'America/Denver']);
    // What a reader in Denver sees: the wall-clock times as entered.
    expect(events.map((e) => e.startDate.toString())).toEqual([
      '2027-03-01T09:00:00',
      '2027-07-15T13:30:00',
      '2027-11-08T09:00:00',
    ]);
    // What a reader anywhere else gets: the instants, MST (-7) in March and November, MDT (-6) in July.
    const utc = (t: ICAL.Time) => t.toJSDate().toISOString();
    expect(events.map((e) => utc(e.startDate))).toEqual([
      '2027-03-01T16:00:00.000Z',
      '2027-07-15T19:30:00.000Z',
      '2027-11-08T16:00:00.000Z',
    ]);
    expect(events.map((e) => utc(e.endDate))).toEqual([
      '2027-03-02T00:00:00.000Z',
      '2027-07-15T23:00:00.000Z',
      '2027-11-08T19:00:00.000Z',
    ]);
    const stamp = events[0].component.getFirstPropertyValue('dtstamp') as ICAL.Time;
    expect(stamp.zone).toBe(ICAL.Timezone.utcTimezone);
    expect(utc(stamp)).toBe('2026-11-28T12:00:00.000Z');
  });

  it('keeps text intact through escaping, and writes CRLF line ends', () => {
    const ics = calendarFeed('Org training', [event], 'America/Denver', now);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
    expect(ics).toContain('SUMMARY:Peer Support Course: Ethics\\, Boundaries\\; Recovery\r\n');
    const [parsed] = parse(ics).events;
    expect(parsed.summary).toBe('Peer Support Course: Ethics, Boundaries; Recovery');
    expect(parsed.location).toBe('Riverstone clinic, room 2');
    expect(parsed.description).toBe('Cohort Billings spring 2027\nBring lunch');
    expect(parsed.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  it('marks cancelled sessions so calendars drop them', () => {
    const [parsed] = parse(calendarFeed('Org', [{ ...event, cancelled: true }], 'America/Denver')).events;
    expect(parsed.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(parsed.summary).toBe(`Cancelled: ${event.summary}`);
  });

  it('folds long lines at 75 octets without splitting a character', () => {
    const location = 'Lodge Grass community hall — Apsáalooke Nation, '.repeat(4);
    const ics = calendarFeed('Org', [{ ...event, location }], 'America/Denver');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(parse(ics).events[0].location).toBe(location);
  });

  it('uses a token tied to the person and the feed version', () => {
    const token = calendarToken('secret', 'person-1', 1);
    expect(isCalendarToken('secret', 'person-1', 1, token)).toBe(true);
    expect(isCalendarToken('secret', 'person-1', 2, token)).toBe(false);
    expect(isCalendarToken('secret', 'person-2', 1, token)).toBe(false);
    expect(isCalendarToken('other secret', 'person-1', 1, token)).toBe(false);
  });
});
