import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { CatalogService } from '../../src/modules/catalog/catalog.service';
import { CredentialType } from '../../src/modules/catalog/credential-type.entity';
import { ExpiryScanService } from '../../src/modules/expiry/expiry-scan.service';
import { STALE_REMINDER_DAYS } from '../../src/modules/expiry/expiry-rules';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { credential, credentialType, placeholders, rows } from '../helpers/expiry';

/**
 * Clearance changes no credential write announces (dates that simply arrive), and catch-up
 * reminders too old to send. The scan date is the clock: each test uses later dates than the one
 * before, as days pass in production, because the scan remembers the last date it finished.
 */
describeEachEngine('Expiry scan: clearance by date, stale reminders', (engine) => {
  let t: TestApp;
  let scan: ExpiryScanService;
  beforeAll(async () => {
    t = await createTestApp(engine, { env: { JOBS_IN_WEB: 'off', PROGRAM_TIMEZONE: 'America/Denver' } });
    scan = t.app.get(ExpiryScanService);
  });
  afterAll(() => t?.close());

  const ph = (n: number) => placeholders(t, n);
  const sql = (text: string, params: unknown[] = []) => rows(t, text, params);
  const typeByCode = (code: string) => t.dataSource.getRepository(CredentialType).findOneByOrFail({ code });

  /** A supervisor with a qualification from 2020 (or the dates given). */
  async function qualifiedSupervisor(from: IsoDate = '2020-01-01', until: IsoDate | null = null): Promise<Person> {
    const s = await t.person(['supervisor']);
    await sql(
      `INSERT INTO supervisor_qualifications (id, person_id, licence, qualified_from, qualified_until) VALUES (${ph(5)})`,
      [randomUUID(), s.id, 'LCPC 1234', from, until],
    );
    return s;
  }

  async function assign(
    peerId: string,
    supervisorId: string,
    startsOn: IsoDate,
    endsOn: IsoDate | null = null,
  ): Promise<string> {
    const id = randomUUID();
    await sql(
      `INSERT INTO supervision_assignments (id, peer_id, supervisor_id, starts_on, ends_on) VALUES (${ph(5)})`,
      [id, peerId, supervisorId, startsOn, endsOn],
    );
    return id;
  }

  /** A peer who meets the seeded Peer Support Specialist rule: lived experience, PS-40, MT-CBHPSS, qualified supervision. */
  async function clearedPeer(by: Person): Promise<{ peer: Person; ps40: string }> {
    const peer = await t.person(['peer']);
    await sql(
      `INSERT INTO lived_experience_attestations (id, person_id, verified_by_id, verified_on, evidence_location) VALUES (${ph(5)})`,
      [randomUUID(), peer.id, by.id, '2020-01-01', 'file room'],
    );
    const ps40 = await credential(t, peer.id, await typeByCode('PS-40'), '2099-01-01');
    await credential(t, peer.id, await typeByCode('MT-CBHPSS'), '2099-12-31');
    await assign(peer.id, by.id, '2020-01-01');
    return { peer, ps40: ps40.id };
  }

  /** The clearance notices about `peer` in `to`'s inbox, oldest first. */
  const noticesAbout = async (to: Person, peer: Person) =>
    (
      await sql(
        `SELECT kind, title FROM notifications WHERE person_id = $1 AND kind LIKE 'clearance%' ORDER BY created_at, kind`,
        [to.id],
      )
    )
      .filter((n) => String(n.title).includes(peer.name))
      .map((n) => n.kind);

  describe('stale catch-up reminders', () => {
    const reminderRows = async (credentialId: string) =>
      (
        await sql(
          `SELECT threshold, outcome, skipped_reason, CAST(scan_date AS TEXT) AS scan_date FROM sent_reminders WHERE credential_id = $1 ORDER BY scan_date`,
          [credentialId],
        )
      ).map((r) => ({
        threshold: r.threshold,
        outcome: r.outcome,
        scanDate: String(r.scan_date).slice(0, 10),
        reason: r.skipped_reason,
      }));
    const inbox = async (personId: string) =>
      Number((await sql(`SELECT COUNT(*) AS n FROM notifications WHERE person_id = $1`, [personId]))[0].n);

    it(`records a reminder whose threshold is more than ${STALE_REMINDER_DAYS} days old as skipped, sends a recent one, and never sends the skipped one later`, async () => {
      const type = await credentialType(t);
      const longAgo = await t.person(['peer']);
      const old = await credential(t, longAgo.id, type, '2028-01-31', '2027-01-31');
      const recent = await t.person(['peer']);
      // Expired 2028-11-29: the "expired" threshold fell on Nov 30, 30 days before the Dec 30 scan — still news.
      const justIn = await credential(t, recent.id, type, '2028-11-29', '2027-11-29');
      const edge = await t.person(['peer']);
      // One day older: 31 days, skipped.
      const justOut = await credential(t, edge.id, type, '2028-11-28', '2027-11-28');
      const soon = await t.person(['peer']);
      // 5 days before expiry on its first scan: 90, 60, 30 and 7 have passed; only the 7-day reminder goes out.
      const urgent = await credential(t, soon.id, type, '2029-01-04', '2028-01-04');

      await scan.run('2028-12-30');
      expect(await reminderRows(old.id)).toEqual([
        {
          threshold: 'expired',
          outcome: 'skipped',
          scanDate: '2028-12-30',
          reason: expect.stringContaining('fell on 2028-02-01, 333 days before this scan'),
        },
      ]);
      expect(await reminderRows(justOut.id)).toEqual([
        expect.objectContaining({ threshold: 'expired', outcome: 'skipped' }),
      ]);
      expect(await reminderRows(justIn.id)).toEqual([
        { threshold: 'expired', outcome: 'sent', scanDate: '2028-12-30', reason: null },
      ]);
      expect(await reminderRows(urgent.id)).toEqual([
        { threshold: 'd7', outcome: 'sent', scanDate: '2028-12-30', reason: null },
      ]);
      expect(await inbox(longAgo.id)).toBe(0);
      expect(await inbox(edge.id)).toBe(0);
      expect(await inbox(recent.id)).toBe(1);
      expect(await inbox(soon.id)).toBe(1);
      // The status change is recorded however old it is.
      const transitions = await sql(`SELECT to_standing FROM credential_transitions WHERE credential_id = $1`, [
        old.id,
      ]);
      expect(transitions.map((r) => r.to_standing)).toEqual(['expired']);

      // Rerun, and a later scan after the expiry date is edited back and forth: the skipped one is never sent.
      await scan.run('2028-12-30');
      await scan.run('2028-12-31');
      expect(await inbox(longAgo.id)).toBe(0);
      expect((await reminderRows(old.id)).map((r) => r.outcome)).toEqual(['skipped']);
    });
  });

  describe('clearance changes from dates that arrive', () => {
    it('an assignment ending: the supervisor whose assignment ended hears the day after its last day, once', async () => {
      const s = await qualifiedSupervisor();
      const { peer } = await clearedPeer(s);
      await scan.run('2030-03-01');
      expect(await noticesAbout(s, peer)).toEqual([]);
      await sql(`UPDATE supervision_assignments SET ends_on = $1 WHERE peer_id = $2`, ['2030-03-10', peer.id]);
      await scan.run('2030-03-09');
      await scan.run('2030-03-10');
      expect(await noticesAbout(s, peer)).toEqual([]);
      // No write on the 11th: the date arriving is the change.
      await scan.run('2030-03-11');
      await scan.run('2030-03-11');
      await scan.run('2030-03-12');
      expect(await noticesAbout(s, peer)).toEqual(['clearance_lost']);
    });

    it("a supervisor's qualification ending is caught up after missed days, and told once", async () => {
      const s = await qualifiedSupervisor('2020-01-01', '2030-06-15');
      const { peer } = await clearedPeer(s);
      await scan.run('2030-06-01');
      // The scan does not run from Jun 2 to Jun 19; the qualification's last day passes meanwhile.
      await scan.run('2030-06-20');
      await scan.run('2030-06-21');
      expect(await noticesAbout(s, peer)).toEqual(['clearance_lost']);
      const [state] = await sql(`SELECT CAST(scanned_through AS TEXT) AS d FROM expiry_scan_state`);
      expect(String(state.d).slice(0, 10)).toBe('2030-06-21');
    });

    it('a revocation recorded ahead of its effective date takes effect on that date', async () => {
      const s = await qualifiedSupervisor();
      const { peer, ps40 } = await clearedPeer(s);
      await scan.run('2030-09-01');
      await sql(`UPDATE credentials SET revoked_on = $1, revocation_reason = 'other' WHERE id = $2`, [
        '2030-09-10',
        ps40,
      ]);
      await scan.run('2030-09-02');
      await scan.run('2030-09-09');
      expect(await noticesAbout(s, peer)).toEqual([]);
      await scan.run('2030-09-10');
      await scan.run('2030-09-11');
      expect(await noticesAbout(s, peer)).toEqual(['clearance_lost']);
    });

    it('cleared again when a new assignment starts, with no write on that day', async () => {
      const old = await qualifiedSupervisor();
      const { peer } = await clearedPeer(old);
      await sql(`UPDATE supervision_assignments SET ends_on = $1 WHERE peer_id = $2`, ['2030-11-30', peer.id]);
      const next = await qualifiedSupervisor();
      await assign(peer.id, next.id, '2030-12-05');
      await scan.run('2030-11-29');
      await scan.run('2030-12-01');
      expect(await noticesAbout(old, peer)).toEqual(['clearance_lost']);
      await scan.run('2030-12-04');
      expect(await noticesAbout(next, peer)).toEqual([]);
      await scan.run('2030-12-05');
      await scan.run('2030-12-06');
      expect(await noticesAbout(next, peer)).toEqual(['clearance_regained']);
      expect(await noticesAbout(old, peer)).toEqual(['clearance_lost']);
    });

    // Last: it changes a seeded role's rule for the rest of this database's dates.
    it('a practice-role rule version taking effect, for someone no credential write concerns', async () => {
      const s = await qualifiedSupervisor();
      const { peer } = await clearedPeer(s);
      await scan.run('2033-05-01');
      const catalog = t.app.get(CatalogService);
      const pss = (await catalog.listPracticeRoles()).find((r) => r.role.name === 'Peer Support Specialist')!;
      await catalog.replaceRule(
        pss.role.id,
        {
          kind: 'all_of',
          children: [
            { kind: 'credential', credentialTypeCode: 'PS-40' },
            { kind: 'credential', credentialTypeCode: 'CPR' },
          ],
        },
        systemActor('test'),
        { effectiveFrom: '2033-06-01' },
      );
      await scan.run('2033-05-31');
      expect(await noticesAbout(s, peer)).toEqual([]);
      await scan.run('2033-06-01');
      await scan.run('2033-06-02');
      expect(await noticesAbout(s, peer)).toEqual(['clearance_lost']);
    });
  });
});
