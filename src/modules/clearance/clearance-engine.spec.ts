import { PRACTICE_ROLE_SEEDS } from '../../database/seeds/catalog-data';
import { credential, ELLEN, renee, SEEDED_ROLES } from '../../../test/fixtures/clearance';
import { ClearanceEngine, type ClearanceFacts } from './clearance-engine';

const engine = new ClearanceEngine(SEEDED_ROLES);

/** A peer who meets every Peer Support Specialist requirement; tests take things away or add to it. */
function peer(change: (f: ClearanceFacts) => void = () => undefined): ClearanceFacts {
  const facts = renee();
  facts.credentials[1].licenceNumber = 'CBHPSS-4139';
  change(facts);
  return facts;
}

describe('the clearance engine', () => {
  it('clears a peer who meets everything, with the credential that satisfied each requirement and when it lapses', () => {
    const result = engine.evaluate('PSS', '2026-11-28', peer());
    expect(result).toMatchObject({
      status: 'cleared',
      statusLabel: 'Cleared',
      // Issue 18 §1: cleared without a warning through the expiry, then with one through the grace period (was 2027-02-14).
      clearedUntil: '2026-12-31',
      warningUntil: '2027-02-14',
      warnings: [],
    });
    const cbhpss = result.requirements!.children!.find((c) => c.label === 'MT-CBHPSS current')!;
    expect(cbhpss).toMatchObject({
      met: true,
      reason: 'Certified Behavioral Health Peer Support Specialist, valid through Dec 31, 2026.',
      satisfiedBy: { code: 'MT-CBHPSS', licenceNumber: 'CBHPSS-4139' },
    });
    expect(result.requirements!.children!.map((c) => [c.label, c.met])).toEqual([
      ['Lived experience verified', true],
      ['PS-40 current', true],
      ['MT-CBHPSS current', true],
      ['Active supervision by a qualified supervisor', true],
    ]);
  });

  it('clears through the end of the expiry date and not the day after (a type without grace)', () => {
    const facts = peer((f) => f.credentials.push(credential('CORR', '2025-12-31', '2026-12-30')));
    expect(engine.evaluate('JAIL-SERVICES', '2026-12-30', facts)).toMatchObject({
      status: 'cleared',
      clearedUntil: '2026-12-30',
    });
    const after = engine.evaluate('JAIL-SERVICES', '2026-12-31', facts);
    expect(after.status).toBe('not_cleared');
    expect(after.requirements!.children![1]).toMatchObject({
      label: 'CORR current',
      met: false,
      reason: 'CORR expired Dec 30, 2026.',
    });
  });

  it('clears with a warning in the grace period, then not at all', () => {
    const facts = peer((f) => (f.credentials[1] = credential('MT-CBHPSS', '2025-01-10', '2025-12-31')));
    const grace = engine.evaluate('PSS', '2026-01-10', facts);
    expect(grace).toMatchObject({ status: 'cleared_with_warning', clearedUntil: '2026-02-14' });
    expect(grace.warnings).toEqual([
      'MT-CBHPSS expired Dec 31, 2025 and is in its grace period until Feb 14, 2026: renew it.',
    ]);
    expect(engine.evaluate('PSS', '2026-02-14', facts).status).toBe('cleared_with_warning');
    const lapsed = engine.evaluate('PSS', '2026-02-15', facts);
    expect(lapsed.status).toBe('not_cleared');
    expect(lapsed.requirements!.reason).toBe('Not met: MT-CBHPSS current.');
    expect(lapsed.requirements!.children![2].reason).toBe(
      'MT-CBHPSS expired Dec 31, 2025 and its 45-day grace period ended Feb 14, 2026.',
    );
  });

  it('treats a renewal issued before the old credential ran out as one unbroken stretch', () => {
    const facts = peer((f) =>
      f.credentials.splice(
        1,
        1,
        credential('MT-CBHPSS', '2025-01-10', '2025-12-31'),
        credential('MT-CBHPSS', '2025-12-20', '2026-12-31'),
      ),
    );
    expect(engine.evaluate('PSS', '2026-01-05', facts)).toMatchObject({
      status: 'cleared',
      warnings: [],
      // Issue 18 §1: cleared without a warning through the expiry, then with one through the grace period (was 2027-02-14).
      clearedUntil: '2026-12-31',
      warningUntil: '2027-02-14',
    });
    expect(engine.evaluate('PSS', '2025-12-24', facts)).toMatchObject({
      status: 'cleared',
      // Issue 18 §1: the renewal carries on without a warning; the grace period comes after it (was 2027-02-14).
      clearedUntil: '2026-12-31',
      warningUntil: '2027-02-14',
    });
  });

  it('honours a revocation from its effective date, including one recorded later for a past date', () => {
    const facts = peer((f) => (f.credentials[1].revokedOn = '2026-06-01'));
    expect(engine.evaluate('PSS', '2026-05-31', facts)).toMatchObject({
      status: 'cleared',
      clearedUntil: '2026-05-31',
    });
    const revoked = engine.evaluate('PSS', '2026-06-01', facts);
    expect(revoked.status).toBe('not_cleared');
    expect(revoked.requirements!.children![2].reason).toBe('MT-CBHPSS was revoked with effect from Jun 1, 2026.');
  });

  it('does not count a credential while it is suspended, and counts it again after', () => {
    const facts = peer((f) =>
      Object.assign(f.credentials[1], { suspendedFrom: '2026-06-01', suspendedUntil: '2026-06-30' }),
    );
    expect(engine.evaluate('PSS', '2026-05-15', facts)).toMatchObject({
      status: 'cleared',
      clearedUntil: '2026-05-31',
    });
    const during = engine.evaluate('PSS', '2026-06-10', facts);
    expect(during.status).toBe('not_cleared');
    expect(during.requirements!.children![2].reason).toBe(
      'MT-CBHPSS is suspended from Jun 1, 2026 until Jun 30, 2026.',
    );
    expect(engine.evaluate('PSS', '2026-07-01', facts)).toMatchObject({
      status: 'cleared',
      // Issue 18 §1: cleared without a warning through the expiry, then with one through the grace period (was 2027-02-14).
      clearedUntil: '2026-12-31',
      warningUntil: '2027-02-14',
    });
    const open = peer((f) => Object.assign(f.credentials[1], { suspendedFrom: '2026-06-01', suspendedUntil: null }));
    expect(engine.evaluate('PSS', '2026-11-28', open).requirements!.children![2].reason).toBe(
      'MT-CBHPSS is suspended from Jun 1, 2026.',
    );
  });

  it('needs supervision on the day, by a supervisor qualified on the day', () => {
    const gap = peer(
      (f) =>
        (f.supervision = [
          { ...ELLEN, startsOn: '2025-06-01', endsOn: '2026-09-30' },
          { ...ELLEN, supervisorName: 'Sam Kicking Woman', startsOn: '2026-10-15', endsOn: null },
        ]),
    );
    expect(engine.evaluate('PSS', '2026-09-20', gap)).toMatchObject({ status: 'cleared', clearedUntil: '2026-09-30' });
    const inGap = engine.evaluate('PSS', '2026-10-05', gap);
    expect(inGap.status).toBe('not_cleared');
    expect(inGap.requirements!.children![3].reason).toBe(
      "No supervisor since Oct 1, 2026 (Ellen Brightwater's supervision ended).",
    );
    expect(engine.evaluate('PSS', '2026-10-15', gap).status).toBe('cleared');

    const unqualified = peer(
      (f) => (f.supervision[0].supervisorQualified = [{ from: '2020-01-01', to: '2026-08-31' }]),
    );
    expect(engine.evaluate('PSS', '2026-08-01', unqualified).clearedUntil).toBe('2026-08-31');
    expect(engine.evaluate('PSS', '2026-09-15', unqualified).requirements!.children![3].reason).toBe(
      'Ellen Brightwater is not a qualified supervisor on Sep 15, 2026.',
    );

    const none = engine.evaluate(
      'PSS',
      '2026-11-28',
      peer((f) => (f.supervision = [])),
    );
    expect(none.requirements!.children![3].reason).toBe('No supervisor assigned.');
  });

  it('applies a dated rule only from its date: the doula licence from 2027-01-01', () => {
    const doula = peer((f) => f.credentials.push(credential('DOULA', '2025-03-01', '2028-03-01')));
    const before = engine.evaluate('RECOVERY-DOULA', '2026-11-28', doula);
    // Issue 18 §2: a rule that starts later is a notice, not a warning (was cleared_with_warning and a warning).
    expect(before).toMatchObject({ status: 'cleared', clearedUntil: '2026-12-31', warnings: [] });
    expect(before.notices).toEqual([
      { from: '2027-01-01', text: 'From Jan 1, 2027 this role also needs: MT-DOULA-LIC current' },
    ]);
    expect(before.requirements!.children![2]).toMatchObject({
      met: true,
      reason: expect.stringMatching(
        /^Not required until Jan 1, 2027\. Not met for that date: No MT-DOULA-LIC on record\.$/,
      ),
    });
    const after = engine.evaluate('RECOVERY-DOULA', '2027-01-02', doula);
    expect(after.status).toBe('not_cleared');

    const licensed = peer((f) =>
      f.credentials.push(
        credential('DOULA', '2025-03-01', '2028-03-01'),
        credential('MT-DOULA-LIC', '2026-12-01', null),
      ),
    );
    expect(engine.evaluate('RECOVERY-DOULA', '2026-12-15', licensed)).toMatchObject({
      status: 'cleared',
      warnings: [],
      // Issue 18 §1: cleared without a warning through the expiry, then with one through the grace period (was 2027-02-14).
      clearedUntil: '2026-12-31',
      warningUntil: '2027-02-14',
    });
    expect(engine.evaluate('RECOVERY-DOULA', '2027-01-15', licensed).status).toBe('cleared_with_warning');
    expect(engine.evaluate('RECOVERY-DOULA', '2027-03-01', licensed).status).toBe('not_cleared');
  });

  it('explains a nested role through the chain', () => {
    const facts = peer((f) => {
      f.supervision = [];
      f.credentials.push(credential('CORR', '2026-06-01', '2027-06-01'));
    });
    const jail = engine.evaluate('JAIL-SERVICES', '2026-11-28', facts);
    expect(jail.status).toBe('not_cleared');
    const pss = jail.requirements!.children![0];
    expect(pss).toMatchObject({
      label: 'Cleared as Peer Support Specialist',
      met: false,
      reason: 'Not cleared as Peer Support Specialist: Not met: Active supervision by a qualified supervisor.',
    });
    expect(pss.nested!.requirements!.children![3].reason).toBe('No supervisor assigned.');
    expect(jail.requirements!.children![1].met).toBe(true);
  });

  it('takes any one of several credentials, and the one that lasts longest sets the date', () => {
    const both = peer((f) =>
      f.credentials.push(credential('BT-W', '2024-01-01', null), credential('ET-M', '2024-01-01', null)),
    );
    expect(engine.evaluate('TRAUMA-FACILITATOR', '2026-11-28', both)).toMatchObject({
      status: 'cleared',
      clearedUntil: null,
    });
    const neither = engine.evaluate('TRAUMA-FACILITATOR', '2026-11-28', peer());
    expect(neither).toMatchObject({ status: 'not_cleared', clearedUntil: null });
    expect(neither.requirements!.reason).toBe('None of them is met.');
  });

  it('clears someone holding everything for every seeded practice role', () => {
    const all = peer((f) => {
      for (const code of ['DOULA', 'DOULA-IND', 'MT-DOULA-LIC', 'NARCAN-MT', 'CORR', 'FIS', 'MIS', 'BT-W'])
        f.credentials.push(
          credential(code, '2026-01-01', code === 'NARCAN-MT' || code === 'CORR' ? '2027-06-30' : null),
        );
    });
    for (const role of PRACTICE_ROLE_SEEDS)
      expect([role.code, engine.evaluate(role.code, '2026-11-28', all).status]).toEqual([role.code, 'cleared']);
  });

  it('does not clear an inactive person, and is deterministic', () => {
    expect(
      engine.evaluate(
        'NARCAN-INSTRUCTOR',
        '2026-11-28',
        peer((f) => (f.active = false)),
      ).requirements!.reason,
    ).toBe('Renée Two Feathers is inactive in the program.');
    expect(engine.evaluate('PSS', '2026-11-28', peer())).toEqual(engine.evaluate('PSS', '2026-11-28', peer()));
  });

  it('answers for a past date from the history (a billing audit)', () => {
    const history = peer((f) => {
      f.credentials.splice(
        1,
        1,
        credential('MT-CBHPSS', '2024-02-01', '2024-12-31'),
        credential('MT-CBHPSS', '2025-03-20', '2025-12-31'),
        credential('MT-CBHPSS', '2025-12-15', '2026-12-31'),
      );
      f.supervision[0].startsOn = '2024-01-01';
    });
    // Between the 2024 licence's grace end (Feb 14, 2025) and the 2025 renewal (Mar 20) there was a gap.
    expect(engine.evaluate('PSS', '2025-03-14', history).status).toBe('not_cleared');
    expect(engine.evaluate('PSS', '2025-02-10', history).status).toBe('cleared_with_warning');
    expect(engine.evaluate('PSS', '2025-03-20', history)).toMatchObject({
      status: 'cleared',
      // Issue 18 §1: cleared without a warning through the expiry, then with one through the grace period (was 2027-02-14).
      clearedUntil: '2026-12-31',
      warningUntil: '2027-02-14',
    });
  });
});

describe('a credential whose terms are not yet published', () => {
  it('explains it as having no expiry yet, not as never expiring', () => {
    const facts = peer((f) => {
      f.credentials.push(
        credential('DOULA', '2026-01-05', '2029-01-05'),
        credential('MT-DOULA-LIC', '2026-09-01', null, { termsPublished: false }),
      );
    });
    const result = engine.evaluate('RECOVERY-DOULA', '2027-02-01', facts);
    const licence = result.requirements!.children!.find((c) => c.label === 'MT-DOULA-LIC current')!;
    expect(licence).toMatchObject({
      met: true,
      reason: 'Montana Doula Licence, issued Sep 1, 2026; its terms are not yet published, so it has no expiry yet.',
    });
  });
});

describe('the clearance engine with a rule history', () => {
  const versioned = new ClearanceEngine([
    ...PRACTICE_ROLE_SEEDS.filter((s) => s.code === 'PSS').map((s) => ({ code: s.code, name: s.name, rule: s.rule })),
    {
      code: 'JAIL-SERVICES',
      name: 'Jail services',
      rule: null,
      versions: [
        // Until the edit: CORR alone. From 2026-07-01: also cleared as a Peer Support Specialist.
        { version: 1, from: null, until: '2026-06-30', rule: { kind: 'credential', credentialTypeCode: 'CORR' } },
        {
          version: 2,
          from: '2026-07-01',
          until: null,
          rule: {
            kind: 'all_of',
            children: [
              { kind: 'practice_role', practiceRoleCode: 'PSS' },
              { kind: 'credential', credentialTypeCode: 'CORR' },
            ],
          },
        },
      ],
    },
  ]);
  const corrOnly = peer((f) => {
    f.credentials = [credential('CORR', '2026-01-01', '2026-12-31')];
  });

  it('judges a date by the version in force on it, and ends a clearance where a later version is not met', () => {
    expect(versioned.evaluate('JAIL-SERVICES', '2026-03-14', corrOnly)).toMatchObject({
      status: 'cleared',
      clearedUntil: '2026-06-30',
      ruleVersion: { version: 1, effectiveUntil: '2026-06-30' },
      ruleChange: { version: 2, effectiveFrom: '2026-07-01', met: false },
    });
    const after = versioned.evaluate('JAIL-SERVICES', '2026-07-01', corrOnly);
    expect(after).toMatchObject({ status: 'not_cleared', ruleVersion: { version: 2 } });
    expect(after.requirements!.reason).toBe('Not met: Cleared as Peer Support Specialist.');
  });

  it('carries a clearance across a change that is met from its first day', () => {
    const both = peer((f) => f.credentials.push(credential('CORR', '2026-01-01', '2026-12-30')));
    expect(versioned.evaluate('JAIL-SERVICES', '2026-03-14', both)).toMatchObject({
      status: 'cleared',
      clearedUntil: '2026-12-30',
      ruleChange: { version: 2, met: true },
    });
    expect(versioned.brief('JAIL-SERVICES', '2026-03-14', both)).toMatchObject({
      status: 'cleared',
      clearedUntil: '2026-12-30',
    });
  });
});
