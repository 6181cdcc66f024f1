import { daysBetween, type IsoDate } from '../../common/dates';
import type { BriefClearance } from './clearance-engine';

/** "Roles they work in" (the default) or "every role": what the board colours and counts. */
export const BOARD_ROLE_MODES = ['assigned', 'all'] as const;
export type BoardRoleMode = (typeof BOARD_ROLE_MODES)[number];

/**
 * What a board cell shows: for a role the person works in (or every role, in "every role" mode) its status in
 * colour; for another role, "eligible" when they are cleared for it and "—" when not.
 */
export type CellState = 'cleared' | 'lapsing' | 'not_cleared' | 'eligible' | 'not_assigned';

/** Days ahead in which a clearance ending counts as lapsing (the board's amber). */
export const LAPSING_DAYS = 30;

export interface BoardPerson {
  assignedRoles: string[];
  rolesRecorded: boolean;
}

/** Cleared, but with a warning already or ending within 30 days. */
export function isLapsing(result: BriefClearance, date: IsoDate): boolean {
  if (result.status === 'cleared_with_warning') return true;
  return (
    result.status === 'cleared' &&
    result.clearedUntil !== null &&
    daysBetween(date, result.clearedUntil) <= LAPSING_DAYS
  );
}

/**
 * Whether the board treats this role as one the person works in. Someone with no assignment ever recorded shows
 * every role, as the board did before assignments existed: hiding their problems behind "—" would make an
 * unrecorded peer look fine.
 */
export function counts(row: BoardPerson, code: string, mode: BoardRoleMode): boolean {
  return mode === 'all' || !row.rolesRecorded || row.assignedRoles.includes(code);
}

export function cellState(row: BoardPerson, result: BriefClearance, date: IsoDate, mode: BoardRoleMode): CellState {
  if (counts(row, result.role.code, mode))
    return result.status === 'not_cleared' ? 'not_cleared' : isLapsing(result, date) ? 'lapsing' : 'cleared';
  return result.status === 'not_cleared' ? 'not_assigned' : 'eligible';
}

export interface BoardTiles {
  /** People not cleared in at least one role that counts. */
  notCleared: number;
  /** People with a counted role cleared with a warning, or ending within 30 days. */
  lapsing: number;
  supervisionOverdue: number;
  /** People with no practice role ever recorded (shown with every role). */
  noRolesRecorded: number;
}

/** The tiles above the board: problems only in the roles that count (the roles people work in, by default). */
export function boardTiles(
  rows: Array<BoardPerson & { results: BriefClearance[]; supervisionGap: boolean }>,
  date: IsoDate,
  mode: BoardRoleMode,
): BoardTiles {
  const tiles: BoardTiles = { notCleared: 0, lapsing: 0, supervisionOverdue: 0, noRolesRecorded: 0 };
  for (const row of rows) {
    const states = row.results.map((r) => cellState(row, r, date, mode));
    if (states.includes('not_cleared')) tiles.notCleared++;
    if (states.includes('lapsing')) tiles.lapsing++;
    if (row.supervisionGap) tiles.supervisionOverdue++;
    if (!row.rolesRecorded) tiles.noRolesRecorded++;
  }
  return tiles;
}
