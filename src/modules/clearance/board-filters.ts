import { addDays } from '../../common/dates';
import type { BriefClearance } from './clearance-engine';
import type { BoardQuery } from './dto/board.query';

/** With `days`, only the people one of whose clearances ends within that many days of `date`. */
function endingWithin<R extends { results: BriefClearance[] }>(rows: R[], date: string, days: number | null): R[] {
  if (days === null) return rows;
  const limit = addDays(date, days);
  return rows.filter((row) => row.results.some((r) => r.clearedUntil !== null && r.clearedUntil <= limit));
}

/** With `days`, only the people for one of whose roles a rule starts within that many days of `date` (a notice). */
function changesWithin<R extends { results: BriefClearance[] }>(rows: R[], date: string, days: number | null): R[] {
  if (days === null) return rows;
  const limit = addDays(date, days);
  return rows.filter((row) => row.results.some((r) => r.notices.some((n) => n.from <= limit)));
}

/** The board's rows that pass the `expiring` and `changes` filters: one definition for the page, its CSV and the API. */
export function filteredRows<R extends { results: BriefClearance[] }>(
  rows: R[],
  date: string,
  query: Pick<BoardQuery, 'expiring' | 'changes'>,
): R[] {
  return changesWithin(endingWithin(rows, date, query.expiring ?? null), date, query.changes ?? null);
}
