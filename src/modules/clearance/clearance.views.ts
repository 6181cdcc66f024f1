import type { ClearanceResult, RequirementResult } from './clearance-engine';
import { pendingReviewText, type PendingReview } from './pending-reviews';

export interface PendingLine {
  kind: PendingReview['kind'];
  credentialTypeCode: string | null;
  text: string;
}

/** What waits for review, in the words a page shows: "CPRS: Renewal submitted on Dec 3, 2026, awaiting review". */
export function pendingLines(reviews: PendingReview[]): PendingLine[] {
  return reviews.map((r) => ({
    kind: r.kind,
    credentialTypeCode: r.credentialTypeCode,
    text: r.credentialTypeCode ? `${r.credentialTypeCode}: ${pendingReviewText(r)}` : pendingReviewText(r),
  }));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The credential a requirement is about: the one that meets it, or for an unmet one the code its reason names
 * (every "why not" of a credential starts from the type's code), so a pending renewal shows beside it.
 */
function concerns(req: RequirementResult, code: string): boolean {
  if (req.kind !== 'credential') return false;
  if (req.satisfiedBy) return req.satisfiedBy.code.toUpperCase() === code.toUpperCase();
  return new RegExp(`(^|[^A-Za-z0-9-])${escapeRegExp(code)}([^A-Za-z0-9-]|$)`, 'i').test(req.reason);
}

function markRequirement(req: RequirementResult, reviews: PendingReview[]): RequirementResult & { pending?: string[] } {
  const pending = reviews
    .filter((r) => r.credentialTypeCode && concerns(req, r.credentialTypeCode))
    .map((r) => pendingReviewText(r));
  return {
    ...req,
    ...(pending.length ? { pending } : {}),
    ...(req.children ? { children: req.children.map((c) => markRequirement(c, reviews)) } : {}),
    ...(req.nested ? { nested: markResult(req.nested, reviews) } : {}),
  };
}

function markResult(result: ClearanceResult, reviews: PendingReview[]): ClearanceResult {
  return result.requirements ? { ...result, requirements: markRequirement(result.requirements, reviews) } : result;
}

/** Copies of the results with "… submitted on …, awaiting review" beside each requirement a waiting submission is about. */
export function withPendingBeside(results: ClearanceResult[], reviews: PendingReview[]): ClearanceResult[] {
  if (reviews.length === 0) return results;
  return results.map((r) => markResult(r, reviews));
}
