import type { BriefClearance } from './clearance-engine';
import { boardTiles, cellState, counts } from './board-cells';

const DATE = '2026-12-07';
const brief = (code: string, status: BriefClearance['status'], clearedUntil: string | null = null): BriefClearance => ({
  role: { code, name: code },
  date: DATE,
  status,
  statusLabel: status,
  clearedUntil,
  warningUntil: null,
  warnings: [],
  notices: [],
});

describe('board cells: what the board colours and counts', () => {
  const worksAsPss = { assignedRoles: ['PSS'], rolesRecorded: true };
  const nothingRecorded = { assignedRoles: [], rolesRecorded: false };
  const endedEverything = { assignedRoles: [], rolesRecorded: true };

  it('colours a role someone works in by its status, lapsing within 30 days', () => {
    expect(cellState(worksAsPss, brief('PSS', 'cleared', '2027-06-30'), DATE, 'assigned')).toBe('cleared');
    expect(cellState(worksAsPss, brief('PSS', 'cleared', '2027-01-06'), DATE, 'assigned')).toBe('lapsing');
    expect(cellState(worksAsPss, brief('PSS', 'cleared', '2027-01-07'), DATE, 'assigned')).toBe('cleared');
    expect(cellState(worksAsPss, brief('PSS', 'cleared_with_warning', '2026-12-06'), DATE, 'assigned')).toBe('lapsing');
    expect(cellState(worksAsPss, brief('PSS', 'not_cleared'), DATE, 'assigned')).toBe('not_cleared');
  });

  it('reads "eligible" or "—" for other roles, unless every role is asked for', () => {
    expect(cellState(worksAsPss, brief('CORR', 'cleared'), DATE, 'assigned')).toBe('eligible');
    expect(cellState(worksAsPss, brief('NARCAN', 'not_cleared'), DATE, 'assigned')).toBe('not_assigned');
    expect(cellState(worksAsPss, brief('NARCAN', 'not_cleared'), DATE, 'all')).toBe('not_cleared');
    expect(cellState(endedEverything, brief('PSS', 'not_cleared'), DATE, 'assigned')).toBe('not_assigned');
  });

  it('shows every role of someone with nothing recorded, rather than hiding their problems', () => {
    expect(counts(nothingRecorded, 'PSS', 'assigned')).toBe(true);
    expect(cellState(nothingRecorded, brief('PSS', 'not_cleared'), DATE, 'assigned')).toBe('not_cleared');
  });

  it('counts people, not cells, in the tiles, and only the roles that count', () => {
    const rows = [
      {
        ...worksAsPss,
        supervisionGap: false,
        results: [brief('PSS', 'cleared', '2027-06-30'), brief('NARCAN', 'not_cleared')],
      },
      { ...worksAsPss, supervisionGap: true, results: [brief('PSS', 'not_cleared'), brief('NARCAN', 'not_cleared')] },
      {
        ...worksAsPss,
        supervisionGap: false,
        results: [brief('PSS', 'cleared', '2026-12-20'), brief('NARCAN', 'cleared')],
      },
      { ...nothingRecorded, supervisionGap: false, results: [brief('PSS', 'cleared'), brief('NARCAN', 'not_cleared')] },
    ];
    expect(boardTiles(rows, DATE, 'assigned')).toEqual({
      notCleared: 2,
      lapsing: 1,
      supervisionOverdue: 1,
      noRolesRecorded: 1,
    });
    expect(boardTiles(rows, DATE, 'all')).toMatchObject({ notCleared: 3, lapsing: 1 });
  });
});
