import { formatDate, type IsoDate } from '../../common/dates';

/** A record a person handed in that waits for an admin: it never counts for clearance, but says the matter is in hand. */
export interface PendingReview {
  kind: 'credential' | 'renewal' | 'ce';
  /** The credential type handed in or renewed; null for CE. */
  credentialTypeCode: string | null;
  /** The calendar day it was handed in, in the program's time zone. */
  submittedOn: IsoDate;
}

/**
 * What is waiting for review, by person. Clearance sits below the feature that takes submissions, so it names
 * what it needs here and that feature provides it (bound in its own module); without it, nothing is pending.
 */
export abstract class PendingReviews {
  /** One query however many people are asked about; people with nothing waiting are absent from the map. */
  abstract forPeople(personIds: string[]): Promise<Map<string, PendingReview[]>>;
}

const KIND_WORDS: Record<PendingReview['kind'], string> = { credential: 'Credential', renewal: 'Renewal', ce: 'CE' };

/** "Renewal submitted on Dec 3, 2026, awaiting review", the words the board and the person's page show. */
export function pendingReviewText(review: PendingReview): string {
  return `${KIND_WORDS[review.kind]} submitted on ${formatDate(review.submittedOn)}, awaiting review`;
}
