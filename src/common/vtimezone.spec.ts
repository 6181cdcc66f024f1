import ICAL from 'ical.js';
import { offsetMinutes, vtimezone, zoneTransitions } from './vtimezone';

describe('VTIMEZONE from Intl data', () => {
  it('finds the daylight-saving changes of a year to the minute', () => {
    expect(zoneTransitions('America/Denver', 2027, 2027)).toEqual([
      // 02:00 MST on Mar 14 and 02:00 MDT on Nov 7, 2027.
      { at: new Date('2027-03-14T09:00:00Z'), offsetFrom: -420, offsetTo: -360 },
      { at: new Date('2027-11-07T08:00:00Z'), offsetFrom: -360, offsetTo: -420 },
    ]);
    expect(zoneTransitions('America/Phoenix', 2026, 2028)).toEqual([]);
    expect(offsetMinutes(Date.UTC(2027, 0, 1), 'UTC')).toBe(0);
    expect(offsetMinutes(Date.UTC(2027, 0, 1), 'Asia/Kolkata')).toBe(330);
  });

  it('writes the observance in force on Jan 1, then one per change, in local time before the change', () => {
    expect(vtimezone('America/Denver', 2027, 2027).split('\r\n')).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:America/Denver',
      'BEGIN:STANDARD',
      'DTSTART:20270101T000000',
      'TZOFFSETFROM:-0700',
      'TZOFFSETTO:-0700',
      'TZNAME:MST',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:20270314T020000',
      'TZOFFSETFROM:-0700',
      'TZOFFSETTO:-0600',
      'TZNAME:MDT',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20271107T020000',
      'TZOFFSETFROM:-0600',
      'TZOFFSETTO:-0700',
      'TZNAME:MST',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
  });

  it('gives local times across the years it covers the offset Intl gives, read back by ical.js', () => {
    // Sydney's daylight time spans the new year; London's offset is zero in winter. Every hour of the days around
    // a change is checked, and two hours of every other day (checking all hours takes seconds).
    const wrong: string[] = [];
    const changeDays = new Set(
      ['America/Denver', 'Australia/Sydney', 'Europe/London'].flatMap((zone) =>
        zoneTransitions(zone, 2026, 2027).flatMap((t) =>
          [-1, 0, 1].map((d) => Math.floor(t.at.getTime() / 86_400_000) + d),
        ),
      ),
    );
    for (const zone of ['America/Denver', 'Australia/Sydney', 'Europe/London']) {
      const vcalendar = ICAL.parse(`BEGIN:VCALENDAR\r\n${vtimezone(zone, 2026, 2027)}\r\nEND:VCALENDAR`);
      const timezone = new ICAL.Timezone(new ICAL.Component(vcalendar).getFirstSubcomponent('vtimezone')!);
      for (let wall = Date.UTC(2026, 0, 1); wall < Date.UTC(2028, 0, 1); wall += 3_600_000) {
        const hour = new Date(wall).getUTCHours();
        if (hour !== 2 && hour !== 14 && !changeDays.has(Math.floor(wall / 86_400_000))) continue;
        // The offsets that put this wall-clock time at an instant showing it; skip the hour skipped or repeated.
        const candidates = new Set([offsetMinutes(wall - 86_400_000, zone), offsetMinutes(wall + 86_400_000, zone)]);
        const valid = [...candidates].filter((o) => offsetMinutes(wall - o * 60_000, zone) === o);
        if (valid.length !== 1) continue;
        const d = new Date(wall);
        const local = new ICAL.Time(
          { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours() },
          timezone,
        );
        if (local.utcOffset() / 60 !== valid[0]) wrong.push(`${zone} ${d.toISOString()}: ${local.utcOffset() / 60}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives a zone without daylight time one standard observance', () => {
    const block = vtimezone('America/Phoenix', 2027, 2027);
    expect(block).toContain('BEGIN:STANDARD\r\nDTSTART:20270101T000000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0700');
    expect(block).not.toContain('DAYLIGHT');
  });
});
