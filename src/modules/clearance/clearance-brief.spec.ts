import { addDays } from '../../common/dates';
import { CREDENTIAL_TYPE_SEEDS, PRACTICE_ROLE_SEEDS } from '../../database/seeds/catalog-data';
import { ClearanceEngine, type ClearanceFacts, type CredentialFact, type RoleRule } from './clearance-engine';

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}

const START = '2024-01-01';
/** Dates around the edges the rules care about: year ends (MT-CBHPSS), its grace, the doula licence's start. */
const DATES = [
  '2025-03-14',
  '2025-12-31',
  '2026-01-01',
  '2026-02-14',
  '2026-02-15',
  '2026-11-28',
  '2026-12-31',
  '2027-01-01',
  '2027-06-30',
];

function person(seed: number): ClearanceFacts {
  const r = random(seed);
  const day = (span: number) => addDays(START, r.int(span));
  const credentials: CredentialFact[] = [];
  const count = r.int(14);
  for (let i = 0; i < count; i++) {
    const type = r.pick(CREDENTIAL_TYPE_SEEDS);
    const issuedOn = day(1200);
    const expiresOn = type.validityKind === 'none' && r.chance(0.8) ? null : addDays(issuedOn, 30 + r.int(900));
    const suspended = r.chance(0.1);
    const suspendedFrom = suspended ? addDays(issuedOn, r.int(400)) : null;
    credentials.push({
      id: `c${seed}-${i}`,
      typeCode: type.code,
      typeName: type.name,
      issuedOn,
      expiresOn,
      graceDays: type.graceDays,
      revokedOn: r.chance(0.1) ? addDays(issuedOn, r.int(500)) : null,
      suspendedFrom,
      suspendedUntil: suspendedFrom && r.chance(0.7) ? addDays(suspendedFrom, r.int(120)) : null,
      licenceNumber: r.chance(0.3) ? `L-${seed}-${i}` : null,
    });
  }
  const supervision = Array.from({ length: r.int(4) }, (_, i) => {
    const startsOn = day(1100);
    return {
      supervisorName: `Supervisor ${i}`,
      startsOn,
      endsOn: r.chance(0.5) ? addDays(startsOn, r.int(500)) : null,
      supervisorQualified: Array.from({ length: r.int(3) }, () => {
        const from = day(900);
        return { from, to: r.chance(0.5) ? addDays(from, r.int(700)) : null };
      }),
    };
  });
  const livedExperience = Array.from({ length: r.int(3) }, () => {
    const verifiedOn = day(1000);
    return { verifiedOn, withdrawnOn: r.chance(0.3) ? addDays(verifiedOn, 1 + r.int(600)) : null };
  });
  return { personName: `Person ${seed}`, active: !r.chance(0.05), livedExperience, credentials, supervision };
}

const seededRoles: RoleRule[] = PRACTICE_ROLE_SEEDS.map((s) => ({ code: s.code, name: s.name, rule: s.rule }));

/** Rules with an end date and an "any of" that holds a whole role, so every branch of a dated rule is exercised too. */
const extraRoles: RoleRule[] = [
  {
    code: 'DATED-BOTH-WAYS',
    name: 'A rule with dated parts',
    rule: {
      kind: 'all_of',
      children: [
        { kind: 'credential', credentialTypeCode: 'CPR', appliesUntil: '2026-06-30' },
        { kind: 'credential', credentialTypeCode: 'MHFA', appliesFrom: '2026-01-01' },
        {
          kind: 'any_of',
          children: [
            { kind: 'practice_role', practiceRoleCode: 'PSS' },
            { kind: 'credential', credentialTypeCode: 'MT-FPSS' },
          ],
        },
      ],
    },
  },
  { code: 'NOTHING-NEEDED', name: 'No rule', rule: null },
  {
    // A rule edited twice: the dates asked about fall in each version, and before each change.
    code: 'VERSIONED',
    name: 'A rule with a history',
    rule: null,
    versions: [
      { version: 1, from: null, until: '2025-12-31', rule: { kind: 'credential', credentialTypeCode: 'CPR' } },
      {
        version: 2,
        from: '2026-01-01',
        until: '2026-12-31',
        rule: {
          kind: 'all_of',
          children: [
            { kind: 'credential', credentialTypeCode: 'CPR' },
            { kind: 'practice_role', practiceRoleCode: 'PSS' },
          ],
        },
      },
      { version: 3, from: '2027-01-01', until: null, rule: null },
    ],
  },
  {
    code: 'NEEDS-VERSIONED',
    name: 'Nested in a rule with a history',
    rule: null,
    versions: [
      { version: 1, from: null, until: '2026-02-14', rule: { kind: 'practice_role', practiceRoleCode: 'VERSIONED' } },
      {
        version: 2,
        from: '2026-02-15',
        until: null,
        rule: {
          kind: 'any_of',
          children: [
            { kind: 'practice_role', practiceRoleCode: 'VERSIONED' },
            { kind: 'credential', credentialTypeCode: 'MHFA' },
          ],
        },
      },
    ],
  },
];

describe('the brief evaluation used by the board', () => {
  const roles = [...seededRoles, ...extraRoles];
  const people = Array.from({ length: 600 }, (_, i) => person(i + 1));

  it('gives the same status, cleared-until and warnings as the full explanation, for every role, person and date', () => {
    // Separate engines, so neither mode can answer from the other's remembered results.
    const full = new ClearanceEngine(roles);
    const brief = new ClearanceEngine(roles);
    const seen = new Set<string>();
    const disagreements: unknown[] = [];
    let compared = 0;
    for (const facts of people) {
      for (const date of DATES) {
        for (const role of roles) {
          const explained = full.evaluate(role.code, date, facts);
          // The explanation-only fields; untilReason is the explanation of the two dates the brief answer carries.
          const {
            requirements: _requirements,
            ruleVersion: _version,
            ruleChange: _change,
            untilReason: _untilReason,
            ...expected
          } = explained;
          const answer = brief.brief(role.code, date, facts);
          if (JSON.stringify(answer) !== JSON.stringify(expected))
            disagreements.push({ person: facts.personName, expected, answer });
          seen.add(`${role.code}:${explained.status}`);
          compared++;
        }
      }
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(compared).toBe(people.length * DATES.length * roles.length);
    // The population reaches every outcome of the seeded roles that matter, so agreement is not agreement on "not cleared" alone.
    for (const code of [
      'PSS',
      'JAIL-SERVICES',
      'NARCAN-INSTRUCTOR',
      'TRAUMA-FACILITATOR',
      'DATED-BOTH-WAYS',
      'VERSIONED',
      'NEEDS-VERSIONED',
    ])
      for (const status of ['cleared', 'not_cleared']) expect(seen).toContain(`${code}:${status}`);
    expect([...seen].filter((s) => s.endsWith(':cleared_with_warning')).length).toBeGreaterThan(2);
  });

  it("gives a refusal the same one-sentence reason as the full explanation's", () => {
    const full = new ClearanceEngine(roles);
    const brief = new ClearanceEngine(roles);
    const disagreements: unknown[] = [];
    let refusals = 0;
    for (const facts of people)
      for (const date of DATES)
        for (const role of roles) {
          const explained = full.evaluate(role.code, date, facts);
          if (explained.status !== 'not_cleared') continue;
          refusals++;
          const reason = brief.refusalReason(role.code, date, facts);
          if (reason !== explained.requirements?.reason)
            disagreements.push({
              person: facts.personName,
              role: role.code,
              date,
              expected: explained.requirements?.reason,
              reason,
            });
        }
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(refusals).toBeGreaterThan(1000);
  });

  it('gives the same answers whichever order the roles are asked in (nested roles are remembered per person and date)', () => {
    const forwards = new ClearanceEngine(roles);
    const backwards = new ClearanceEngine(roles);
    for (const facts of people.slice(0, 100)) {
      const date = '2026-11-28';
      const a = roles.map((r) => forwards.brief(r.code, date, facts));
      const b = [...roles]
        .reverse()
        .map((r) => backwards.brief(r.code, date, facts))
        .reverse();
      expect(b).toEqual(a);
    }
  });
});
