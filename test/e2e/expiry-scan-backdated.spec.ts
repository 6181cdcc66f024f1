import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { EVERY_PEER } from '../../src/common/db/facts-changed';
import { CatalogService } from '../../src/modules/catalog/catalog.service';
import { CredentialType } from '../../src/modules/catalog/credential-type.entity';
import { CredentialsService } from '../../src/modules/credentials/credentials.service';
import { ExpiryScanService } from '../../src/modules/expiry/expiry-scan.service';
import { ExpiryRepository } from '../../src/modules/expiry/expiry.repository';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { credential, placeholders, rows } from '../helpers/expiry';

/**
 * Backdated writes (issue 21 §3): a change recorded today whose date lies before the last scan is in
 * no window of dates the scan looks at. The write marks the person (clearance_facts_changed, by
 * trigger, in the write's transaction); the next scan rechecks exactly them, tells the supervisor
 * once, and consumes the marker. Each test: a scan sets what is known, the backdated write, the next
 * scan tells, and the one after tells nothing more. Scan dates only move forward, as in production.
 */
describeEachEngine('Expiry scan: backdated changes', (engine) => {
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

  async function qualify(supervisorId: string, from: IsoDate): Promise<void> {
    await sql(
      `INSERT INTO supervisor_qualifications (id, person_id, licence, qualified_from, qualified_until) VALUES (${ph(5)})`,
      [randomUUID(), supervisorId, 'LCPC 1234', from, null],
    );
  }

  async function supervisor(qualified = true): Promise<Person> {
    const s = await t.person(['supervisor']);
    if (qualified) await qualify(s.id, '2020-01-01');
    return s;
  }

  async function assign(peerId: string, supervisorId: string, startsOn: IsoDate): Promise<string> {
    const id = randomUUID();
    await sql(`INSERT INTO supervision_assignments (id, peer_id, supervisor_id, starts_on) VALUES (${ph(4)})`, [
      id,
      peerId,
      supervisorId,
      startsOn,
    ]);
    return id;
  }

  async function attest(peerId: string, by: Person, verifiedOn: IsoDate): Promise<string> {
    const id = randomUUID();
    await sql(
      `INSERT INTO lived_experience_attestations (id, person_id, verified_by_id, verified_on, evidence_location) VALUES (${ph(5)})`,
      [id, peerId, by.id, verifiedOn, 'file room'],
    );
    return id;
  }

  /** A peer meeting the Peer Support Specialist rule, less whatever `without` names. */
  async function peer(
    s: Person,
    without: Array<'attestation' | 'MT-CBHPSS' | 'supervision'> = [],
  ): Promise<{ peer: Person; ps40: string; attestation: string | null; assignment: string | null }> {
    const p = await t.person(['peer']);
    const attestation = without.includes('attestation') ? null : await attest(p.id, s, '2020-01-01');
    const ps40 = await credential(t, p.id, await typeByCode('PS-40'), '2099-01-01');
    if (!without.includes('MT-CBHPSS')) await credential(t, p.id, await typeByCode('MT-CBHPSS'), '2099-12-31');
    const assignment = without.includes('supervision') ? null : await assign(p.id, s.id, '2020-01-01');
    return { peer: p, ps40: ps40.id, attestation, assignment };
  }

  const noticesAbout = async (to: Person, p: Person) =>
    (
      await sql(
        `SELECT kind, title FROM notifications WHERE person_id = $1 AND kind LIKE 'clearance%' ORDER BY created_at, kind`,
        [to.id],
      )
    )
      .filter((n) => String(n.title).includes(p.name))
      .map((n) => n.kind);
  const markers = async () =>
    (await sql(`SELECT person_id FROM clearance_facts_changed ORDER BY person_id`)).map((r) => String(r.person_id));

  /** The scan of `first` sets what is known; `write` is backdated before it; the next two scans. */
  async function backdated(
    first: IsoDate,
    next: IsoDate,
    after: IsoDate,
    write: () => Promise<void>,
    heard: () => Promise<unknown[]>,
    expected: string,
  ): Promise<void> {
    await scan.run(first);
    expect(await heard()).toEqual([]);
    expect(await markers()).toEqual([]);
    await write();
    expect((await markers()).length).toBeGreaterThan(0);
    const report = await scan.run(next);
    expect(report.window.from).toBe(first);
    expect(report.factsChanged > 0 || report.rulesChanged).toBe(true);
    expect(await heard()).toEqual([expected]);
    expect(await markers()).toEqual([]);
    const again = await scan.run(after);
    expect(again).toMatchObject({ factsChanged: 0, rulesChanged: false });
    expect(await heard()).toEqual([expected]);
  }

  it('a supervision assignment entered today, starting before the last scan: the new supervisor hears, once', async () => {
    const s = await supervisor();
    const { peer: p } = await peer(s, ['supervision']);
    await backdated(
      '2040-01-10',
      '2040-01-11',
      '2040-01-12',
      () => assign(p.id, s.id, '2040-01-02').then(() => undefined),
      () => noticesAbout(s, p),
      'clearance_regained',
    );
  });

  it('an assignment ended with a date before the last scan: the supervisor whose assignment ended hears, once', async () => {
    const s = await supervisor();
    const { peer: p, assignment } = await peer(s);
    await backdated(
      '2040-02-10',
      '2040-02-11',
      '2040-02-12',
      async () => {
        await sql(`UPDATE supervision_assignments SET ends_on = $1 WHERE id = $2`, ['2040-02-01', assignment]);
      },
      () => noticesAbout(s, p),
      'clearance_lost',
    );
  });

  it('a revocation effective before the last scan, through the credentials service: the supervisor hears, once', async () => {
    const s = await supervisor();
    const { peer: p, ps40 } = await peer(s);
    const credentials = t.app.get(CredentialsService);
    await backdated(
      '2040-03-10',
      '2040-03-11',
      '2040-03-12',
      async () => {
        await credentials.revoke(ps40, { effectiveOn: '2040-03-08', reason: 'other' }, systemActor('test'));
      },
      () => noticesAbout(s, p),
      'clearance_lost',
    );
  });

  it('a credential recorded with a past issue date: the supervisor hears the peer is cleared, once', async () => {
    const s = await supervisor();
    const { peer: p } = await peer(s, ['MT-CBHPSS']);
    await backdated(
      '2040-04-10',
      '2040-04-11',
      '2040-04-12',
      async () => {
        await credential(t, p.id, await typeByCode('MT-CBHPSS'), '2099-12-31', '2040-04-01');
      },
      () => noticesAbout(s, p),
      'clearance_regained',
    );
  });

  it("a credential's issue date corrected to a past one (no other date changes): heard once", async () => {
    const s = await supervisor();
    const { peer: p } = await peer(s, ['MT-CBHPSS']);
    const later = await credential(t, p.id, await typeByCode('MT-CBHPSS'), '2099-12-31', '2041-01-01');
    await backdated(
      '2040-05-10',
      '2040-05-11',
      '2040-05-12',
      async () => {
        await sql(`UPDATE credentials SET issued_on = $1 WHERE id = $2`, ['2040-05-01', later.id]);
      },
      () => noticesAbout(s, p),
      'clearance_regained',
    );
  });

  it('a suspension recorded after the fact, from before the last scan: heard once', async () => {
    const s = await supervisor();
    const { peer: p, ps40 } = await peer(s);
    await backdated(
      '2040-06-10',
      '2040-06-11',
      '2040-06-12',
      async () => {
        await sql(`UPDATE credentials SET suspended_from = $1 WHERE id = $2`, ['2040-06-01', ps40]);
      },
      () => noticesAbout(s, p),
      'clearance_lost',
    );
  });

  it("a supervisor's qualification recorded with a past start: each peer they supervise is cleared, heard once", async () => {
    const s = await supervisor(false);
    const { peer: p } = await peer(s);
    await backdated(
      '2040-07-10',
      '2040-07-11',
      '2040-07-12',
      () => qualify(s.id, '2040-07-01'),
      () => noticesAbout(s, p),
      'clearance_regained',
    );
  });

  it('a lived-experience attestation verified before the last scan: heard once', async () => {
    const s = await supervisor();
    const { peer: p } = await peer(s, ['attestation']);
    await backdated(
      '2040-08-10',
      '2040-08-11',
      '2040-08-12',
      () => attest(p.id, s, '2040-08-01').then(() => undefined),
      () => noticesAbout(s, p),
      'clearance_regained',
    );
  });

  it('an attestation withdrawn with a date before the last scan: heard once', async () => {
    const s = await supervisor();
    const { peer: p, attestation } = await peer(s);
    await backdated(
      '2040-09-10',
      '2040-09-11',
      '2040-09-12',
      async () => {
        await sql(`UPDATE lived_experience_attestations SET withdrawn_on = $1 WHERE id = $2`, [
          '2040-09-01',
          attestation,
        ]);
      },
      () => noticesAbout(s, p),
      'clearance_lost',
    );
  });

  it('a marker written again while the scan ran stays for the next scan; writes nobody reads mark nobody', async () => {
    const s = await supervisor();
    const { peer: p, ps40 } = await peer(s);
    await scan.run('2040-10-10');
    expect(await markers()).toEqual([]);
    // The scan's own writes (standing, next check) and a column clearance does not read mark nobody.
    await sql(`UPDATE credentials SET standing = 'active', next_check_on = '2041-01-01' WHERE id = $1`, [ps40]);
    expect(await markers()).toEqual([]);

    await sql(`UPDATE credentials SET suspended_from = $1 WHERE id = $2`, ['2040-10-01', ps40]);
    const repo = t.app.get(ExpiryRepository);
    const read = await repo.factsChanged();
    expect([...read.keys()]).toEqual([p.id]);
    // A second write lands between the scan's read and its consuming transaction.
    await sql(`UPDATE credentials SET suspended_until = $1 WHERE id = $2`, ['2040-10-05', ps40]);
    await repo.writeTransaction((tx) => repo.consumeFactsChanged(tx, new Map([[p.id, read.get(p.id)!.version]])));
    expect(await markers()).toEqual([p.id]);
    // Its own version is consumed.
    const now = await repo.factsChanged();
    await repo.writeTransaction((tx) => repo.consumeFactsChanged(tx, new Map([[p.id, now.get(p.id)!.version]])));
    expect(await markers()).toEqual([]);
  });

  // Last: it changes a seeded role's rule for the rest of this database's dates.
  it('a practice-role rule version effective before the last scan: every peer is rechecked, heard once', async () => {
    const s = await supervisor();
    const { peer: p } = await peer(s);
    const catalog = t.app.get(CatalogService);
    const pss = (await catalog.listPracticeRoles()).find((r) => r.role.name === 'Peer Support Specialist')!;
    await backdated(
      '2040-11-10',
      '2040-11-11',
      '2040-11-12',
      async () => {
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
          { effectiveFrom: '2040-11-01' },
        );
        expect(await markers()).toContain(EVERY_PEER);
      },
      () => noticesAbout(s, p),
      'clearance_lost',
    );
  });
});
