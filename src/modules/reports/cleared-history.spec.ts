import { addDays } from '../../common/dates';
import type { StatusPeriodFact } from '../../common/status-periods';
import { CREDENTIAL_TYPE_SEEDS, PRACTICE_ROLE_SEEDS } from '../../database/seeds/catalog-data';
import { ClearanceEngine, type ClearanceFacts, type CredentialFact } from '../clearance/clearance-engine';
import { clearedCounts, clearedCountsDirect, monthEndsUpTo } from './cleared-history';

const roles = PRACTICE_ROLE_SEEDS.map((s) => ({ code: s.code, name: s.name, rule: s.rule }));

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * People with every kind of record the engine reads, spread over 2024–2027 so month ends fall
 * before, inside and after validity, grace, revocation, suspension, supervision and qualification
 * spans, and across the doula licence rule that starts on 2027-01-01.
 */
function population(n: number, seed: number): ClearanceFacts[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const day = (from: string, span: number) => addDays(from, Math.floor(rnd() * span));
  const maybe = (p: number) => rnd() < p;
  return Array.from({ length: n }, (_, i) => {
    const credentials: CredentialFact[] = [];
    const count = 1 + Math.floor(rnd() * 9);
    for (let k = 0; k < count; k++) {
      const type = pick(CREDENTIAL_TYPE_SEEDS);
      const issuedOn = day('2024-01-01', 1000);
      const expiresOn =
        type.validityKind === 'none' && maybe(0.7) ? null : addDays(issuedOn, 30 + Math.floor(rnd() * 700));
      const suspendedFrom = maybe(0.08) ? day(issuedOn, 400) : null;
      credentials.push({
        id: `${i}-${k}`,
        typeCode: type.code,
        typeName: type.name,
        issuedOn,
        expiresOn,
        graceDays: type.graceDays,
        revokedOn: maybe(0.07) ? day(issuedOn, 500) : null,
        suspendedFrom,
        suspendedUntil: suspendedFrom && maybe(0.7) ? addDays(suspendedFrom, Math.floor(rnd() * 120)) : null,
      });
    }
    // Most people hold the Peer Support core, so the nested roles get exercised too.
    if (maybe(0.7))
      credentials.push({
        id: `${i}-ps40`,
        typeCode: 'PS-40',
        typeName: 'PS-40',
        issuedOn: day('2024-01-01', 500),
        expiresOn: null,
        graceDays: 0,
        revokedOn: null,
      });
    for (let y = 2024; y <= 2027; y++)
      if (maybe(0.6))
        credentials.push({
          id: `${i}-cb${y}`,
          typeCode: 'MT-CBHPSS',
          typeName: 'MT-CBHPSS',
          issuedOn: day(`${y}-01-01`, 60),
          expiresOn: `${y}-12-31`,
          graceDays: 45,
          revokedOn: null,
        });
    const verifiedOn = day('2024-01-01', 700);
    return {
      personName: `Person ${i}`,
      active: !maybe(0.05),
      livedExperience: maybe(0.9) ? [{ verifiedOn, withdrawnOn: maybe(0.1) ? day(verifiedOn, 500) : null }] : [],
      credentials,
      supervision: Array.from({ length: Math.floor(rnd() * 3) }, () => {
        const startsOn = day('2024-01-01', 900);
        const qualifiedFrom = day('2023-01-01', 900);
        return {
          supervisorName: 'S',
          startsOn,
          endsOn: maybe(0.5) ? addDays(startsOn, Math.floor(rnd() * 500)) : null,
          supervisorQualified: [
            { from: qualifiedFrom, to: maybe(0.3) ? addDays(qualifiedFrom, Math.floor(rnd() * 900)) : null },
          ],
        };
      }),
    };
  });
}

describe('cleared counts over month ends', () => {
  it.each([1, 2, 3])(
    'skipping the dates a "cleared until" covers gives exactly the counts of asking every date (population seed %i)',
    (seed) => {
      const people = population(400, seed);
      const dates = [...monthEndsUpTo('2027-03-15', 12), '2027-03-15'];
      const engine = new ClearanceEngine(roles);
      const shortcut = clearedCounts((code, date, facts) => engine.brief(code, date, facts), roles, people, dates);
      const direct = clearedCountsDirect(new ClearanceEngine(roles), roles, people, dates);
      expect(shortcut.dates).toEqual(direct.dates);
      expect(shortcut.counts).toEqual(direct.counts);
      // The population must make the question non-trivial: some cleared, some not, and counts that change over time.
      const pss = direct.counts[roles.findIndex((r) => r.code === 'PSS')];
      expect(Math.min(...pss)).toBeGreaterThan(0);
      expect(Math.max(...pss)).toBeLessThan(people.length);
      expect(new Set(pss).size).toBeGreaterThan(1);
      expect(shortcut.evaluations).toBeLessThan(direct.evaluations);
    },
  );

  it.each([4, 5])(
    'agrees with asking every date when rules have versions: a new version from mid-2026, one that ends (population seed %i)',
    (seed) => {
      const base = roles.find((r) => r.code === 'PSS')!.rule!;
      const stricter = {
        kind: 'all_of' as const,
        children: [base, { kind: 'credential' as const, credentialTypeCode: 'CPR' }],
      };
      const versioned = roles.map((r) =>
        r.code === 'PSS'
          ? {
              ...r,
              versions: [
                { version: 1, from: null, until: '2026-06-30', rule: base },
                { version: 2, from: '2026-07-01', until: null, rule: stricter },
              ],
            }
          : r.code === 'TRAUMA-FACILITATOR'
            ? // A laxer version: people not cleared under the first become cleared the day the second starts.
              {
                ...r,
                versions: [
                  {
                    version: 1,
                    from: null,
                    until: '2026-04-30',
                    rule: {
                      kind: 'all_of' as const,
                      children: [
                        { kind: 'credential' as const, credentialTypeCode: 'BT-W' },
                        { kind: 'credential' as const, credentialTypeCode: 'ET-M' },
                      ],
                    },
                  },
                  { version: 2, from: '2026-05-01', until: null, rule: r.rule },
                ],
              }
            : r.code === 'NARCAN-INSTRUCTOR'
              ? { ...r, versions: [{ version: 1, from: '2025-01-01', until: '2026-09-15', rule: r.rule }] }
              : r,
      );
      const people = population(400, seed);
      const dates = [...monthEndsUpTo('2027-03-15', 14), '2027-03-15'];
      const engine = new ClearanceEngine(versioned);
      const shortcut = clearedCounts((code, date, facts) => engine.brief(code, date, facts), versioned, people, dates);
      const direct = clearedCountsDirect(new ClearanceEngine(versioned), versioned, people, dates);
      expect(shortcut.counts).toEqual(direct.counts);
      const pss = direct.counts[versioned.findIndex((r) => r.code === 'PSS')];
      expect(new Set(pss).size).toBeGreaterThan(1);
      expect(direct.counts[versioned.findIndex((r) => r.code === 'NARCAN-INSTRUCTOR')].slice(-6)).toEqual([
        0, 0, 0, 0, 0, 0,
      ]);
    },
  );

  it.each([6, 7])(
    'agrees with asking every date when people were inactive for a while: status periods (population seed %i)',
    (seed) => {
      const rnd = random(seed * 31);
      const day = (from: string, span: number) => addDays(from, Math.floor(rnd() * span));
      const plain = population(400, seed);
      // Each person: active, then perhaps a stretch inactive, then perhaps back; a few who were never active.
      const people = plain.map((facts) => {
        const first = day('2024-06-01', 600);
        const statusPeriods: StatusPeriodFact[] =
          rnd() < 0.05
            ? [{ status: 'inactive', from: first, to: null }]
            : [{ status: 'active', from: first, to: null }];
        if (rnd() < 0.5) {
          const off = day(addDays(first, 1), 500);
          statusPeriods[0].to = addDays(off, -1);
          statusPeriods.push({
            status: statusPeriods[0].status === 'active' ? 'inactive' : 'active',
            from: off,
            to: null,
          });
          if (rnd() < 0.5) {
            const back = day(addDays(off, 1), 300);
            statusPeriods[1].to = addDays(back, -1);
            statusPeriods.push({ status: statusPeriods[0].status, from: back, to: null });
          }
        }
        // Today's status is the open period's, as the people row and the periods agree.
        return { ...facts, statusPeriods, active: statusPeriods[statusPeriods.length - 1].status === 'active' };
      });
      const dates = [...monthEndsUpTo('2027-03-15', 14), '2027-03-15'];
      const engine = new ClearanceEngine(roles);
      const shortcut = clearedCounts((code, date, facts) => engine.brief(code, date, facts), roles, people, dates);
      const direct = clearedCountsDirect(new ClearanceEngine(roles), roles, people, dates);
      expect(shortcut.counts).toEqual(direct.counts);
      // The periods change the figures: fewer are cleared than when everyone keeps today's status throughout.
      const pss = roles.findIndex((r) => r.code === 'PSS');
      const unchanged = clearedCountsDirect(new ClearanceEngine(roles), roles, plain, dates).counts[pss];
      expect(direct.counts[pss]).not.toEqual(unchanged);
      expect(new Set(direct.counts[pss]).size).toBeGreaterThan(1);
    },
  );

  it('lists the last day of each month up to a date, the current month only once it has ended', () => {
    expect(monthEndsUpTo('2026-03-15', 3)).toEqual(['2025-12-31', '2026-01-31', '2026-02-28']);
    expect(monthEndsUpTo('2026-02-28', 2)).toEqual(['2026-01-31', '2026-02-28']);
    expect(monthEndsUpTo('2024-03-01', 1)).toEqual(['2024-02-29']);
  });
});
