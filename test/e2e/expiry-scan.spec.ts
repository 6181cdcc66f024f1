import { randomUUID } from 'node:crypto';
import { addDays, type IsoDate } from '../../src/common/dates';
import { CredentialType } from '../../src/modules/catalog/credential-type.entity';
import { ExpiryScanService } from '../../src/modules/expiry/expiry-scan.service';
import { reminderEvents, scanOutcome } from '../../src/modules/expiry/expiry-rules';
import { dueRuns, localClock } from '../../src/modules/jobs/job-scheduler.service';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { count, credential, credentialType, supervise } from '../helpers/expiry';

/** Every calendar date from `from` to `to`, inclusive. */
function days(from: IsoDate, to: IsoDate): IsoDate[] {
  const all: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) all.push(d);
  return all;
}

describeEachEngine('Expiry scan', (engine) => {
  let t: TestApp;
  let scan: ExpiryScanService;
  let peer: Person;
  let supervisor: Person;
  beforeAll(async () => {
    // Deliveries stay queued: these tests look at what the scan wrote, the outbox tests at sending.
    t = await createTestApp(engine, { env: { JOBS_IN_WEB: 'off', PROGRAM_TIMEZONE: 'America/Denver' } });
    scan = t.app.get(ExpiryScanService);
    supervisor = await t.person(['supervisor']);
  });
  beforeEach(async () => {
    peer = await t.person(['peer']);
    await supervise(t, peer.id, supervisor.id);
  });
  afterAll(() => t?.close());

  const reminders = (credentialId: string) =>
    t.dataSource.query(
      `SELECT threshold FROM sent_reminders WHERE credential_id = ${engine === 'postgres' ? '$1' : '?'} ORDER BY scan_date`,
      [credentialId],
    ) as Promise<Array<{ threshold: string }>>;
  const inbox = (personId: string) =>
    count(t, `SELECT COUNT(*) AS n FROM notifications WHERE person_id = $1`, [personId]);
  const outboxFor = (personId: string) => count(t, `SELECT COUNT(*) AS n FROM outbox WHERE person_id = $1`, [personId]);

  it('sends each threshold exactly once when run every day, twice a day, through expiry and grace', async () => {
    const type = await credentialType(t, { graceDays: 10 });
    const c = await credential(t, peer.id, type, '2027-03-31');
    for (const date of days('2026-12-15', '2027-04-20')) {
      await scan.run(date);
      await scan.run(date);
    }
    expect((await reminders(c.id)).map((r) => r.threshold)).toEqual([
      'd90',
      'd60',
      'd30',
      'd7',
      'd0',
      'grace',
      'expired',
    ]);
    // The peer hears of all seven; the supervisor from 30 days on (d30, d7, d0, grace, expired).
    expect(await inbox(peer.id)).toBe(7);
    expect(await outboxFor(peer.id)).toBe(7);
    expect(await inbox(supervisor.id)).toBeGreaterThanOrEqual(5);
    const transitions = await t.dataSource.query(
      `SELECT from_standing, to_standing, CAST(on_date AS TEXT) AS on_date FROM credential_transitions WHERE credential_id = ${engine === 'postgres' ? '$1' : '?'} ORDER BY on_date`,
      [c.id],
    );
    expect(transitions).toEqual([
      { from_standing: 'active', to_standing: 'grace', on_date: '2027-04-01' },
      { from_standing: 'grace', to_standing: 'expired', on_date: '2027-04-11' },
    ]);
    expect(
      await count(
        t,
        `SELECT COUNT(*) AS n FROM audit_log WHERE entity_id = $1 AND action = 'credential.standing_changed'`,
        [c.id],
      ),
    ).toBe(2);
  });

  it('after missed days sends only the most urgent threshold passed, and nothing already sent', async () => {
    const type = await credentialType(t);
    const c = await credential(t, peer.id, type, '2027-03-31');
    await scan.run('2026-12-31'); // 90 days before
    // Down until 5 days before expiry: 60, 30 and 7 have passed; only 7 goes out.
    await scan.run('2027-03-26');
    await scan.run('2027-03-27');
    expect((await reminders(c.id)).map((r) => r.threshold)).toEqual(['d90', 'd7']);
    const titles: Array<{ title: string }> = await t.dataSource.query(
      `SELECT title FROM notifications WHERE person_id = ${engine === 'postgres' ? '$1' : '?'} ORDER BY created_at, title`,
      [peer.id],
    );
    expect(titles.map((n) => n.title)).toEqual([
      'Test Certification expires in 90 days',
      'Test Certification expires in 5 days',
    ]);
  });

  it('a scan killed halfway leaves the rest due; the rerun finishes them without repeating any', async () => {
    const type = await credentialType(t);
    const people = [
      peer,
      await t.person(['peer']),
      await t.person(['peer']),
      await t.person(['peer']),
      await t.person(['peer']),
    ];
    const creds: Array<{ id: string }> = [];
    for (const p of people) creds.push(await credential(t, p.id, type, '2027-01-30'));
    let pages = 0;
    const killer = {
      progress: async () => {
        if (++pages === 2) throw new Error('worker killed');
      },
    };
    // Pages of 2: the first two pages commit, then the "crash".
    await expect(scan.run('2027-01-01', killer, { pageSize: 2 })).rejects.toThrow('worker killed');
    const after = await Promise.all(creds.map((c) => reminders(c.id)));
    expect(after.filter((r) => r.length === 1)).toHaveLength(4);
    await scan.run('2027-01-01', undefined, { pageSize: 2 });
    await scan.run('2027-01-01');
    for (const c of creds) expect((await reminders(c.id)).map((r) => r.threshold)).toEqual(['d30']);
    for (const p of people) expect(await inbox(p.id)).toBe(1);
  });

  it('two scans at the same moment send each reminder once', async () => {
    const type = await credentialType(t);
    // Set up one at a time: SQLite has one connection, and these helpers do not queue for it as requests do.
    const people: Person[] = [];
    const creds: Array<{ id: string }> = [];
    for (let i = 0; i < 12; i++) {
      people.push(await t.person(['peer']));
      creds.push(await credential(t, people[i].id, type, '2027-02-07'));
    }
    await Promise.all([
      scan.run('2027-01-31', undefined, { pageSize: 3 }),
      scan.run('2027-01-31', undefined, { pageSize: 5 }),
    ]);
    for (const c of creds) expect((await reminders(c.id)).map((r) => r.threshold)).toEqual(['d7']);
    for (const p of people) {
      expect(await inbox(p.id)).toBe(1);
      expect(await outboxFor(p.id)).toBe(1);
    }
  });

  it('respects the e-mail choice for reminders (in-app stays), and skips a renewed or revoked credential', async () => {
    const type = await credentialType(t);
    await t.dataSource.query(
      `INSERT INTO notification_preferences (person_id, email_reminders) VALUES (${engine === 'postgres' ? '$1, false' : '?, 0'})`,
      [peer.id],
    );
    await credential(t, peer.id, type, '2027-05-10');
    const other = await t.person(['peer']);
    const old = await credential(t, other.id, type, '2027-05-10');
    await credential(t, other.id, type, '2028-05-10', '2027-04-01');
    const revokedHolder = await t.person(['peer']);
    const revoked = await credential(t, revokedHolder.id, type, '2027-05-10');
    await t.dataSource.query(
      `UPDATE credentials SET revoked_on = '2027-01-01', revocation_reason = 'other' WHERE id = '${revoked.id}'`,
    );
    await scan.run('2027-05-05');
    expect(await inbox(peer.id)).toBe(1);
    expect(await outboxFor(peer.id)).toBe(0);
    expect(await reminders(old.id)).toEqual([]);
    expect(await reminders(revoked.id)).toEqual([]);
  });

  it('a changed expiry date makes the credential due again (trigger), so an earlier date is not missed', async () => {
    const type = await credentialType(t);
    const c = await credential(t, peer.id, type, '2028-01-01');
    await scan.run('2027-06-01');
    expect(await reminders(c.id)).toEqual([]);
    await t.dataSource.query(`UPDATE credentials SET expires_on = '2027-06-20' WHERE id = '${c.id}'`);
    await scan.run('2027-06-02');
    expect((await reminders(c.id)).map((r) => r.threshold)).toEqual(['d30']);
  });

  it('tells the supervisor when someone stops being cleared for a practice role, and when they are cleared again', async () => {
    // The seeded Peer Support Specialist (PSS) role: lived experience, PS-40, MT-CBHPSS and active qualified supervision.
    const p =
      engine === 'postgres'
        ? (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')
        : (n: number) => Array(n).fill('?').join(', ');
    await t.dataSource.query(
      `INSERT INTO lived_experience_attestations (id, person_id, verified_by_id, verified_on, evidence_location) VALUES (${p(5)})`,
      [randomUUID(), peer.id, supervisor.id, '2020-01-01', 'file room'],
    );
    await t.dataSource.query(
      `INSERT INTO supervisor_qualifications (id, person_id, licence, qualified_from) VALUES (${p(4)})`,
      [randomUUID(), supervisor.id, 'LCPC 1234', '2020-01-01'],
    );
    const typeByCode = async (code: string) => t.dataSource.getRepository(CredentialType).findOneByOrFail({ code });
    await credential(t, peer.id, await typeByCode('PS-40'), '2099-01-01');
    await credential(t, peer.id, await typeByCode('MT-CBHPSS'), '2026-12-31', '2026-01-01');
    const clearanceNotices = async () =>
      (
        (await t.dataSource.query(
          `SELECT kind, title FROM notifications WHERE person_id = ${p(1)} AND kind LIKE 'clearance%' ORDER BY created_at`,
          [supervisor.id],
        )) as Array<{ kind: string; title: string }>
      ).filter((n) => n.title.includes(peer.name));
    // Grace ends Feb 14 (45 days after Dec 31): still cleared that day, not the next.
    await scan.run('2027-02-14');
    expect(await clearanceNotices()).toEqual([]);
    await scan.run('2027-02-15');
    await scan.run('2027-02-15');
    expect(await clearanceNotices()).toEqual([
      { kind: 'clearance_lost', title: `${peer.name} is no longer cleared for Peer Support Specialist` },
    ]);
    // Renewed: the new credential is seen by the next scan, and the supervisor hears it once.
    await credential(t, peer.id, await typeByCode('MT-CBHPSS'), '2027-12-31', '2027-02-20');
    await scan.run('2027-02-20');
    await scan.run('2027-02-21');
    expect((await clearanceNotices()).map((n) => n.kind)).toEqual(['clearance_lost', 'clearance_regained']);
    expect(await outboxFor(supervisor.id)).toBeGreaterThanOrEqual(2);
  });
});

describe('Expiry rules in America/Denver, around grace, termination and daylight saving', () => {
  const cbhpss = { graceDays: 45, terminatesAfterDays: 730, reminderDays: [90, 60, 30, 7, 0] };

  it('walks active → grace → expired → terminated on the boundary days', () => {
    const c = { expiresOn: '2026-03-07', revokedOn: null };
    // 2026-03-08 is the day clocks go forward in Denver; calendar dates do not care.
    expect(scanOutcome(c, cbhpss, '2026-03-07', false)).toMatchObject({
      standing: 'active',
      reminder: { threshold: 'd0' },
      nextCheckOn: '2026-03-08',
    });
    expect(scanOutcome(c, cbhpss, '2026-03-08', false)).toMatchObject({
      standing: 'grace',
      reminder: { threshold: 'grace' },
      nextCheckOn: '2026-04-22',
    });
    expect(scanOutcome(c, cbhpss, '2026-04-21', false)).toMatchObject({ standing: 'grace', nextCheckOn: '2026-04-22' });
    expect(scanOutcome(c, cbhpss, '2026-04-22', false)).toMatchObject({
      standing: 'expired',
      reminder: { threshold: 'expired' },
      nextCheckOn: '2028-03-07',
    });
    expect(scanOutcome(c, cbhpss, '2028-03-06', false)).toMatchObject({ standing: 'expired' });
    expect(scanOutcome(c, cbhpss, '2028-03-07', false)).toMatchObject({
      standing: 'terminated',
      reminder: null,
      nextCheckOn: null,
    });
  });

  it('lists reminders in the order they fall due', () => {
    expect(reminderEvents('2026-11-01', cbhpss).map((e) => `${e.threshold}@${e.dueOn}`)).toEqual([
      'd90@2026-08-03',
      'd60@2026-09-02',
      'd30@2026-10-02',
      'd7@2026-10-25',
      'd0@2026-11-01',
      'grace@2026-11-02',
      'expired@2026-12-17',
    ]);
  });

  const config = {
    timeZone: 'America/Denver',
    jobs: { schedule: { expiryScan: { hour: 6, minute: 0 }, supervisorDigest: { weekday: 1, hour: 7, minute: 0 } } },
    backup: { dir: null },
  } as never;

  it('fires the 06:00 scan by Denver wall-clock time on both sides of the spring-forward change', () => {
    // Saturday 2026-03-07, MST (UTC-7): 12:30 UTC is 05:30 local, not yet; 13:00 UTC is 06:00.
    expect(localClock(new Date('2026-03-07T12:30:00Z'), 'America/Denver')).toMatchObject({
      date: '2026-03-07',
      minutes: 5 * 60 + 30,
    });
    expect(dueRuns(new Date('2026-03-07T12:30:00Z'), config).map((r) => r.key)).not.toContain('expiry-scan:2026-03-07');
    expect(dueRuns(new Date('2026-03-07T13:00:00Z'), config).map((r) => r.key)).toContain('expiry-scan:2026-03-07');
    // Sunday 2026-03-08, MDT (UTC-6) from 02:00 local: 12:00 UTC is already 06:00.
    expect(dueRuns(new Date('2026-03-08T11:59:00Z'), config).map((r) => r.key)).not.toContain('expiry-scan:2026-03-08');
    expect(dueRuns(new Date('2026-03-08T12:00:00Z'), config).map((r) => r.key)).toContain('expiry-scan:2026-03-08');
    // Back in November: 2026-11-01 is MST again from 02:00 local, so 06:00 is 13:00 UTC.
    expect(dueRuns(new Date('2026-11-01T12:30:00Z'), config).map((r) => r.key)).not.toContain('expiry-scan:2026-11-01');
    expect(dueRuns(new Date('2026-11-01T13:00:00Z'), config).map((r) => r.key)).toContain('expiry-scan:2026-11-01');
  });

  it('keys the weekly digest by the Monday it belongs to, and catches up a missed one later in the week', () => {
    // Monday 2026-11-30 06:59 Denver: last week's digest (Nov 23); at 07:00, this week's.
    expect(dueRuns(new Date('2026-11-30T13:59:00Z'), config).map((r) => r.key)).toContain(
      'supervisor-digest:2026-11-23',
    );
    expect(dueRuns(new Date('2026-11-30T14:00:00Z'), config).map((r) => r.key)).toContain(
      'supervisor-digest:2026-11-30',
    );
    expect(dueRuns(new Date('2026-12-03T18:00:00Z'), config).map((r) => r.key)).toContain(
      'supervisor-digest:2026-11-30',
    );
  });
});
