import { CREDENTIAL_TYPE_SEEDS } from '../../database/seeds/catalog-data';
import { askBothWays, credential, renee, SEEDED_ROLES } from '../../../test/fixtures/clearance';
import { ClearanceEngine, type ClearanceFacts } from './clearance-engine';

/** Issue 18 §2: a rule that starts later is a notice, not a warning; asked of both the brief and the explained answer. */
const engine = new ClearanceEngine(SEEDED_ROLES, CREDENTIAL_TYPE_SEEDS);

/** A Recovery Doula without the state licence, whose PSS side holds through 2027-02-14 (grace included). */
function doula(change: (f: ClearanceFacts) => void = () => undefined): ClearanceFacts {
  const facts = renee(credential('DOULA', '2025-03-01', '2028-03-01'));
  change(facts);
  return facts;
}

const NOTICE = { from: '2027-01-01', text: 'From Jan 1, 2027 this role also needs: Montana Doula Licence' };

/** The explained answer and the brief one, which must agree on everything the brief one says. */
function both(role: string, date: string, facts: ClearanceFacts) {
  return askBothWays(engine, role, date, facts, ['status', 'clearedUntil', 'warnings', 'notices']);
}

describe('a rule that starts later', () => {
  it('is a notice while it has not started: the status stays cleared, with no warning', () => {
    for (const date of ['2026-11-28', '2026-12-31']) {
      const answer = both('RECOVERY-DOULA', date, doula());
      expect(answer).toMatchObject({ status: 'cleared', clearedUntil: '2026-12-31', warnings: [], notices: [NOTICE] });
      expect(answer.requirements!.children![2]).toMatchObject({ met: true, warning: null, notice: NOTICE });
    }
  });

  it('is a requirement from its first day: not cleared on Jan 1 without it, and no notice then', () => {
    expect(both('RECOVERY-DOULA', '2027-01-01', doula())).toMatchObject({ status: 'not_cleared', notices: [] });
  });

  it('gives no notice to someone already not cleared', () => {
    const unsupervised = doula((f) => (f.supervision = []));
    expect(both('RECOVERY-DOULA', '2026-11-28', unsupervised)).toMatchObject({
      status: 'not_cleared',
      warnings: [],
      notices: [],
    });
  });

  it('gives no notice once the new requirement is met for its first day', () => {
    const licensed = doula((f) => f.credentials.push(credential('MT-DOULA-LIC', '2026-12-01', null)));
    // Held on Jan 1 (even if recorded ahead, issued after the date asked about): nothing is coming.
    expect(both('RECOVERY-DOULA', '2026-11-28', licensed)).toMatchObject({ status: 'cleared', notices: [] });
    expect(both('RECOVERY-DOULA', '2026-12-15', licensed)).toMatchObject({ status: 'cleared', notices: [] });
  });

  it('keeps warnings for grace periods and lapses, beside a notice', () => {
    // On 2026-12-20 MT-CBHPSS has not expired; a year later it is in its grace period: a warning.
    const lapsed = doula((f) => {
      f.credentials[1] = credential('MT-CBHPSS', '2025-01-10', '2025-12-31');
    });
    const answer = both('RECOVERY-DOULA', '2026-01-20', lapsed);
    expect(answer.status).toBe('cleared_with_warning');
    expect(answer.warnings).toEqual([expect.stringMatching(/^MT-CBHPSS expired Dec 31, 2025/)]);
    expect(answer.notices).toEqual([NOTICE]);
  });

  it('names the requirement by its label when the engine does not know the credential names', () => {
    const unnamed = new ClearanceEngine(SEEDED_ROLES);
    expect(unnamed.brief('RECOVERY-DOULA', '2026-11-28', doula()).notices).toEqual([
      { from: '2027-01-01', text: 'From Jan 1, 2027 this role also needs: MT-DOULA-LIC current' },
    ]);
  });
});
