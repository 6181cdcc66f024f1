import { askBothWays, credential, renee as peer, SEEDED_ROLES } from '../../../test/fixtures/clearance';
import { ClearanceEngine, type ClearanceFacts } from './clearance-engine';

/**
 * Issue 18 §1: "cleared until" (the last day cleared without a warning) and "warning until" (the
 * last day cleared at all) are two dates. MT-CBHPSS expires Dec 31, 2026 with a 45-day grace period.
 * Asked of the explained and the brief answer, which must agree.
 */
const engine = new ClearanceEngine(SEEDED_ROLES);

function answer(role: string, date: string, facts: ClearanceFacts) {
  const { status, clearedUntil, warningUntil } = askBothWays(engine, role, date, facts, [
    'status',
    'clearedUntil',
    'warningUntil',
  ]);
  return { status, clearedUntil, warningUntil };
}

describe('cleared until, and a warning until', () => {
  it.each([
    ['2026-11-28', 'cleared', '2026-12-31', '2027-02-14'],
    ['2026-12-31', 'cleared', '2026-12-31', '2027-02-14'],
    // Lapsed: still lawful to practise, with a warning; both dates say the last day cleared at all.
    ['2027-01-01', 'cleared_with_warning', '2027-02-14', '2027-02-14'],
    ['2027-02-14', 'cleared_with_warning', '2027-02-14', '2027-02-14'],
    ['2027-02-15', 'not_cleared', null, null],
  ])('on %s: %s, cleared until %s, warning until %s', (date, status, clearedUntil, warningUntil) => {
    expect(answer('PSS', date, peer())).toEqual({ status, clearedUntil, warningUntil });
  });

  it('says the two dates and what ends them in words (the person page and the API)', () => {
    expect(engine.evaluate('PSS', '2026-11-28', peer()).untilReason).toBe(
      'Cleared until Dec 31, 2026; lapsed from Jan 1, 2027: may practise with a warning until Feb 14, 2027 (MT-CBHPSS expires Dec 31, 2026)',
    );
    expect(engine.evaluate('PSS', '2027-02-15', peer()).untilReason).toBeNull();
  });

  it('has no warning date when no grace period follows (a type without grace ends the clearance outright)', () => {
    const facts = peer();
    facts.credentials[1] = { ...facts.credentials[1], graceDays: 0 };
    expect(answer('PSS', '2026-11-28', facts)).toEqual({
      status: 'cleared',
      clearedUntil: '2026-12-31',
      warningUntil: null,
    });
  });

  it('takes a renewal recorded during the lapse: cleared again from its issue date, without a warning', () => {
    const renewed = peer(credential('MT-CBHPSS', '2027-01-20', '2027-12-31'));
    expect(answer('PSS', '2027-01-19', renewed)).toMatchObject({ status: 'cleared_with_warning' });
    expect(answer('PSS', '2027-01-20', renewed)).toEqual({
      status: 'cleared',
      clearedUntil: '2027-12-31',
      warningUntil: '2028-02-14',
    });
    // Seen from before the lapse, the lapse still comes first: a warning from Jan 1.
    expect(answer('PSS', '2026-11-28', renewed)).toEqual({
      status: 'cleared',
      clearedUntil: '2026-12-31',
      warningUntil: '2028-02-14',
    });
  });

  it('passes both dates up through a role that needs another (cleared as Peer Support Specialist)', () => {
    const facts = peer(credential('CORR', '2026-01-01', '2027-06-30'));
    const jail = engine.evaluate('JAIL-SERVICES', '2026-11-28', facts);
    expect(jail).toMatchObject({ status: 'cleared', clearedUntil: '2026-12-31', warningUntil: '2027-02-14' });
    expect(jail.requirements!.children![0]).toMatchObject({ met: true, until: '2027-02-14' });
    expect(answer('JAIL-SERVICES', '2027-01-01', facts)).toEqual({
      status: 'cleared_with_warning',
      clearedUntil: '2027-02-14',
      warningUntil: '2027-02-14',
    });
  });
});
