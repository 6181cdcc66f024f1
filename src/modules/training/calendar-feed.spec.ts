import { calendarFeed, calendarToken, isCalendarToken } from './calendar-feed';

describe('calendar feed', () => {
  const event = {
    uid: 's1@lms.example.org',
    date: '2027-03-01',
    startsAt: '09:00',
    endsAt: '17:00',
    summary: 'Peer Support Course: Ethics, Boundaries; Recovery',
    location: 'Riverstone clinic, room 2',
    description: 'Cohort Billings spring 2027\nBring lunch',
    cancelled: false,
  };

  it('writes RFC 5545 events in UTC with escaped text and CRLF line ends', () => {
    const ics = calendarFeed('Org training', [event], 'America/Denver', new Date('2026-11-28T12:00:00Z'));
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics).toContain('DTSTART:20270301T160000Z\r\n');
    expect(ics).toContain('DTEND:20270302T000000Z\r\n');
    expect(ics).toContain('DTSTAMP:20261128T120000Z\r\n');
    expect(ics).toContain('SUMMARY:Peer Support Course: Ethics\\, Boundaries\\; Recovery\r\n');
    expect(ics).toContain('DESCRIPTION:Cohort Billings spring 2027\\nBring lunch\r\n');
    expect(ics).toContain('STATUS:CONFIRMED');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
  });

  it('marks cancelled sessions so calendars drop them', () => {
    const ics = calendarFeed('Org', [{ ...event, cancelled: true }], 'America/Denver');
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('SUMMARY:Cancelled: ');
  });

  it('folds long lines at 75 octets without splitting a character', () => {
    const ics = calendarFeed(
      'Org',
      [{ ...event, location: 'Lodge Grass community hall — Apsáalooke Nation, '.repeat(4) }],
      'America/Denver',
    );
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('Apsáalooke Nation\\, Lodge Grass');
  });

  it('uses a token tied to the person and the feed version', () => {
    const token = calendarToken('secret', 'person-1', 1);
    expect(isCalendarToken('secret', 'person-1', 1, token)).toBe(true);
    expect(isCalendarToken('secret', 'person-1', 2, token)).toBe(false);
    expect(isCalendarToken('secret', 'person-2', 1, token)).toBe(false);
    expect(isCalendarToken('other secret', 'person-1', 1, token)).toBe(false);
  });
});
