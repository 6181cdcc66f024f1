import { randomUUID } from 'node:crypto';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

type Status = 'cleared' | 'cleared_with_warning' | 'not_cleared';

/**
 * The clearance cases table through the database and the API, on both engines: every seeded
 * practice role and every rule kind (all of, any of, a credential, another role, lived experience,
 * supervision), the expiry day itself, grace, a revocation effective in the past, supervision gaps,
 * a rule that starts on a date, nested roles and renewals. Each case is asked of the person's API and
 * checked against the board's cell for the same date (the board's brief evaluation).
 */
describeEachEngine('Clearance cases', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  const people: Record<string, Person> = {};

  const insert = (table: string, row: Record<string, string | null>) =>
    t.dataSource.query(
      `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
        .map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?'))
        .join(', ')})`,
      Object.values(row),
    );
  const types = new Map<string, string>();
  const give = (
    person: Person,
    code: string,
    issuedOn: string,
    expiresOn: string | null,
    revokedOn: string | null = null,
  ) =>
    insert('credentials', {
      id: randomUUID(),
      person_id: person.id,
      credential_type_id: types.get(code)!,
      source: 'external',
      issued_on: issuedOn,
      expires_on: expiresOn,
      revoked_on: revokedOn,
    });
  const lived = (person: Person, verifiedOn: string, withdrawnOn: string | null = null) =>
    insert('lived_experience_attestations', {
      id: randomUUID(),
      person_id: person.id,
      verified_by_id: people.supervisor.id,
      verified_on: verifiedOn,
      evidence_location: 'HR file',
      withdrawn_on: withdrawnOn,
    });
  const supervise = (person: Person, startsOn: string, endsOn: string | null = null, supervisor = people.supervisor) =>
    insert('supervision_assignments', {
      id: randomUUID(),
      peer_id: person.id,
      supervisor_id: supervisor.id,
      starts_on: startsOn,
      ends_on: endsOn,
    });

  /** Everything a Peer Support Specialist needs, with the CBHPSS records given (or the current year's). */
  const specialist = async (
    name: string,
    options: {
      cbhpss?: Array<[string, string, string?]>;
      supervision?: Array<[string, string | null]>;
      withdrawn?: string;
    } = {},
  ) => {
    const person = await t.person(['peer'], { name });
    people[name] = person;
    await lived(person, '2025-01-01', options.withdrawn ?? null);
    await give(person, 'PS-40', '2024-01-01', null);
    for (const [issued, expires, revoked] of options.cbhpss ?? [['2026-01-10', '2026-12-31']])
      await give(person, 'MT-CBHPSS', issued, expires, revoked ?? null);
    for (const [start, end] of options.supervision ?? [['2025-01-01', null]]) await supervise(person, start, end);
    return person;
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = t.withBearer((await t.token(['admin'])).bearer);
    for (const row of (await t.dataSource.query('SELECT id, code FROM credential_types')) as Array<{
      id: string;
      code: string;
    }>)
      types.set(row.code, row.id);
    people.supervisor = await t.person(['supervisor'], { name: 'Ellen Brightwater' });
    people.lapsing = await t.person(['supervisor'], { name: 'Lou Lapsing' });
    await insert('supervisor_qualifications', {
      id: randomUUID(),
      person_id: people.supervisor.id,
      licence: 'LCPC #1',
      qualified_from: '2020-01-01',
      qualified_until: null,
    });
    await insert('supervisor_qualifications', {
      id: randomUUID(),
      person_id: people.lapsing.id,
      licence: 'LCSW #2',
      qualified_from: '2020-01-01',
      qualified_until: '2026-06-30',
    });

    const full = await specialist('Fern Full');
    for (const [code, issued, expires] of [
      ['DOULA', '2026-01-05', '2029-01-05'],
      ['DOULA-IND', '2025-06-01', null],
      ['MT-DOULA-LIC', '2026-10-01', null],
      ['NARCAN-MT', '2026-01-01', '2028-01-01'],
      ['CORR', '2026-01-01', '2026-12-30'],
      ['FIS', '2025-01-01', null],
      ['MIS', '2025-01-01', null],
      ['BT-W', '2025-01-01', null],
    ] as const)
      await give(full, code, issued, expires);

    const grace = await specialist('Gail Grace', { cbhpss: [['2025-01-10', '2025-12-31']] });
    await give(grace, 'CORR', '2025-06-01', '2026-12-30');
    await specialist('Rita Revoked', { cbhpss: [['2026-01-10', '2026-12-31', '2026-06-01']] });
    await specialist('Sam Gap', {
      supervision: [
        ['2025-01-01', '2026-03-31'],
        ['2026-05-01', null],
      ],
    });
    const una = await specialist('Una Unqualified', { supervision: [] });
    await supervise(una, '2025-01-01', null, people.lapsing);
    const dana = await specialist('Dana Doula');
    await give(dana, 'DOULA', '2026-01-05', '2029-01-05');
    await specialist('Rene Renewed', {
      cbhpss: [
        ['2025-01-10', '2025-12-31'],
        ['2025-12-20', '2026-12-31'],
      ],
    });
    await specialist('Wren Withdrawn', { withdrawn: '2026-08-01' });
    people['Ezra Exploring'] = await t.person(['peer'], { name: 'Ezra Exploring' });
    await give(people['Ezra Exploring'], 'ET-M', '2025-03-01', null);
    people['Nia Nothing'] = await t.person(['peer'], { name: 'Nia Nothing' });
    const ivy = await specialist('Ivy Inactive');
    await t.dataSource.query(`UPDATE people SET status = 'inactive' WHERE id = ${engine === 'postgres' ? '$1' : '?'}`, [
      ivy.id,
    ]);
  });
  afterAll(async () => t?.close());

  // [person, practice role, date, status, cleared until]
  // Issue 18 §1: cleared-until is the last day cleared WITHOUT a warning, so a clearance that lapses into MT-CBHPSS's
  // 45-day grace period is cleared until its expiry (Dec 31), no longer until the grace end (was 2027-02-14 or
  // 2026-02-14 in the seven rows that say so); the grace end is warningUntil, held in clearance-lapse.spec.ts.
  const CASES: Array<[string, string, string, Status, string | null]> = [
    // Someone holding everything: every seeded role, each ending where its shortest-lived requirement does.
    ['Fern Full', 'PSS', '2026-11-28', 'cleared', '2026-12-31'],
    ['Fern Full', 'RECOVERY-DOULA', '2026-11-28', 'cleared', '2026-12-31'],
    ['Fern Full', 'IND-RECOVERY-DOULA', '2026-11-28', 'cleared', '2026-12-31'],
    ['Fern Full', 'NARCAN-INSTRUCTOR', '2026-11-28', 'cleared', '2028-01-01'],
    ['Fern Full', 'JAIL-SERVICES', '2026-11-28', 'cleared', '2026-12-30'],
    ['Fern Full', 'FIS-FACILITATOR', '2026-11-28', 'cleared', null],
    ['Fern Full', 'MIS-FACILITATOR', '2026-11-28', 'cleared', null],
    ['Fern Full', 'TRAUMA-FACILITATOR', '2026-11-28', 'cleared', null],
    // The expiry day itself clears (a type without grace); the day after does not, through a nested role too.
    ['Fern Full', 'JAIL-SERVICES', '2026-12-30', 'cleared', '2026-12-30'],
    ['Fern Full', 'JAIL-SERVICES', '2026-12-31', 'not_cleared', null],
    ['Fern Full', 'NARCAN-INSTRUCTOR', '2028-01-01', 'cleared', '2028-01-01'],
    ['Fern Full', 'NARCAN-INSTRUCTOR', '2028-01-02', 'not_cleared', null],
    // Grace (MT-CBHPSS: 45 days after Dec 31): a warning through its last day, then not cleared; nested roles carry the warning.
    ['Gail Grace', 'PSS', '2025-12-31', 'cleared', '2025-12-31'],
    ['Gail Grace', 'PSS', '2026-01-01', 'cleared_with_warning', '2026-02-14'],
    ['Gail Grace', 'PSS', '2026-02-14', 'cleared_with_warning', '2026-02-14'],
    ['Gail Grace', 'PSS', '2026-02-15', 'not_cleared', null],
    ['Gail Grace', 'JAIL-SERVICES', '2026-02-14', 'cleared_with_warning', '2026-02-14'],
    ['Gail Grace', 'JAIL-SERVICES', '2026-02-15', 'not_cleared', null],
    // A revocation effective in the past ends it from its date, not before.
    ['Rita Revoked', 'PSS', '2026-05-31', 'cleared', '2026-05-31'],
    ['Rita Revoked', 'PSS', '2026-06-01', 'not_cleared', null],
    // A gap in supervision, and a supervisor whose qualification lapses.
    ['Sam Gap', 'PSS', '2026-03-31', 'cleared', '2026-03-31'],
    ['Sam Gap', 'PSS', '2026-04-15', 'not_cleared', null],
    ['Sam Gap', 'PSS', '2026-05-01', 'cleared', '2026-12-31'],
    ['Una Unqualified', 'PSS', '2026-06-30', 'cleared', '2026-06-30'],
    ['Una Unqualified', 'PSS', '2026-07-01', 'not_cleared', null],
    // A rule that starts on a date (the doula licence from 2027-01-01): announced before, required after.
    // Issue 18 §2: the licence that starts on Jan 1 is a notice, not a warning (was cleared_with_warning).
    ['Dana Doula', 'RECOVERY-DOULA', '2026-12-31', 'cleared', '2026-12-31'],
    ['Dana Doula', 'RECOVERY-DOULA', '2027-01-01', 'not_cleared', null],
    ['Fern Full', 'RECOVERY-DOULA', '2027-01-01', 'cleared_with_warning', '2027-02-14'], // MT-CBHPSS now in its grace period
    ['Dana Doula', 'IND-RECOVERY-DOULA', '2026-11-28', 'not_cleared', null],
    // A renewal issued before the old record ran out reads as one stretch, with no grace warning.
    ['Rene Renewed', 'PSS', '2025-12-24', 'cleared', '2026-12-31'],
    ['Rene Renewed', 'PSS', '2026-01-05', 'cleared', '2026-12-31'],
    // "Any of": either facilitator training will do; neither will not.
    ['Ezra Exploring', 'TRAUMA-FACILITATOR', '2026-11-28', 'cleared', null],
    ['Nia Nothing', 'TRAUMA-FACILITATOR', '2026-11-28', 'not_cleared', null],
    ['Nia Nothing', 'PSS', '2026-11-28', 'not_cleared', null],
    // Lived experience counts until its verification is withdrawn.
    ['Wren Withdrawn', 'PSS', '2026-07-31', 'cleared', '2026-07-31'],
    ['Wren Withdrawn', 'PSS', '2026-08-01', 'not_cleared', null],
    // Someone inactive in the program is cleared for nothing.
    ['Ivy Inactive', 'PSS', '2026-11-28', 'not_cleared', null],
  ];

  it.each(CASES)('%s, %s on %s: %s until %s', async (name, role, date, status, clearedUntil) => {
    const res = await admin.get(`/api/v1/people/${people[name].id}/clearance`).query({ role, date }).expect(200);
    expect(res.body.results).toHaveLength(1);
    expect({ status: res.body.results[0].status, clearedUntil: res.body.results[0].clearedUntil }).toEqual({
      status,
      clearedUntil,
    });
  });

  it('gives the same answer in every board cell as for the person (the brief evaluation agrees)', async () => {
    const dates = [...new Set(CASES.map((c) => c[2]))];
    const mismatches: string[] = [];
    for (const date of dates) {
      const board = await admin.get('/api/v1/clearance/board').query({ date }).expect(200);
      const rows = new Map(
        (
          board.body.rows as Array<{
            person: { id: string };
            clearance: Record<string, { status: string; clearedUntil: string | null }>;
          }>
        ).map((r) => [r.person.id, r]),
      );
      for (const [name, role, , status, clearedUntil] of CASES.filter(
        (c) => c[2] === date && c[0] !== 'Ivy Inactive',
      )) {
        const cell = rows.get(people[name].id)?.clearance[role];
        if (cell?.status !== status || cell?.clearedUntil !== clearedUntil)
          mismatches.push(`${name} ${role} ${date}: ${JSON.stringify(cell)}`);
      }
      // The board lists active peers only.
      expect(rows.has(people['Ivy Inactive'].id)).toBe(false);
    }
    expect(mismatches).toEqual([]);
  });

  it('asks about "today" in the program time zone: an expiry date clears until midnight there, not in UTC', async () => {
    expect(t.config.timeZone).toBe('America/Denver');
    const ask = async (instant: string) => {
      // Only the clock moves; timers stay real so the database and HTTP keep working.
      jest.useFakeTimers({
        now: new Date(instant),
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'requestAnimationFrame',
          'cancelAnimationFrame',
          'requestIdleCallback',
          'cancelIdleCallback',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      });
      try {
        return (
          await admin
            .get(`/api/v1/people/${people['Fern Full'].id}/clearance`)
            .query({ role: 'JAIL-SERVICES' })
            .expect(200)
        ).body;
      } finally {
        jest.useRealTimers();
      }
    };
    // 23:59 on Dec 30 in Denver is already Dec 31 in UTC.
    expect(await ask('2026-12-31T06:59:00Z')).toMatchObject({
      date: '2026-12-30',
      results: [{ status: 'cleared', clearedUntil: '2026-12-30' }],
    });
    expect(await ask('2026-12-31T07:01:00Z')).toMatchObject({
      date: '2026-12-31',
      results: [{ status: 'not_cleared' }],
    });
  });
});
