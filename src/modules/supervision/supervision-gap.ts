import { addDays, type IsoDate } from '../../common/dates';

/**
 * The one rule for "overdue for supervision" (SUPERVISION_GAP_DAYS), shared by the board, the digest, the
 * dashboard and the supervisor's own list, so they never disagree about who is flagged.
 */
export function supervisionGapFrom(asOf: IsoDate, gapDays: number): IsoDate {
  return addDays(asOf, -gapDays);
}

/** Whether someone whose latest session (on or before `asOf`) is `last` has gone `gapDays` without one. */
export function isSupervisionOverdue(last: string | null | undefined, asOf: IsoDate, gapDays: number): boolean {
  return !last || last < supervisionGapFrom(asOf, gapDays);
}
