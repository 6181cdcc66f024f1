import { isIsoDate, type IsoDate } from '../../common/dates';

export interface CeProblem {
  field: 'completedOn' | 'decision';
  message: string;
}

/**
 * What may be recorded as a CE activity beyond the DTO's field checks: the one place these rules live,
 * for the single-record form and API and for a spreadsheet import alike.
 */
export function ceEntryProblem(entry: { completedOn: IsoDate }, today: IsoDate): CeProblem | null {
  if (!isIsoDate(entry.completedOn)) return { field: 'completedOn', message: 'must be a real date' };
  if (entry.completedOn > today) return { field: 'completedOn', message: 'cannot be in the future' };
  return null;
}

/** Hours count once someone else confirms them: no one reviews their own entry. */
export function ceReviewProblem(entry: { personId: string }, reviewerId: string | null): CeProblem | null {
  return entry.personId === reviewerId ? { field: 'decision', message: 'cannot be made on your own entry' } : null;
}
