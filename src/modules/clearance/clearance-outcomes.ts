import { addDays, type IsoDate } from '../../common/dates';
import type { RequirementNode } from '../catalog/requirement-node';
import type {
  BriefClearance,
  ClearanceStatus,
  Notice,
  RequirementResult,
  RoleRule,
  RuleVersionFact,
} from './clearance-facts';
import { STATUS_LABELS } from './clearance-reasons';

/** The parts of the clearance walker that are not the walk: a requirement's outcome, a role's rule versions and its brief answer. */

/** A requirement's outcome; `warnings` are the ones it passes up when met. */
export interface Outcome {
  met: boolean;
  /** The last day it stays met (null: no end in sight, or not met). */
  until: IsoDate | null;
  /** The last day it stays met without a warning: `until` itself when no warning comes first; the day before the date asked about when one already applies. */
  clear: IsoDate | null;
  warnings: readonly string[];
  /** The notices it passes up when met: rules that start later and are not met for their first day. */
  notices: readonly Notice[];
  /** Its explanation, when one was asked for; null on the brief path. */
  why: RequirementResult | null;
}

export const NONE: readonly never[] = Object.freeze([]);
/** The brief path's outcomes that say nothing more: shared, not built. */
export const NOT_MET: Outcome = Object.freeze({
  met: false,
  until: null,
  clear: null,
  warnings: NONE,
  notices: NONE,
  why: null,
});
export const NO_LONGER_REQUIRED: Outcome = Object.freeze({
  met: true,
  until: null,
  clear: null,
  warnings: NONE,
  notices: NONE,
  why: null,
});
export const notMet = (why: RequirementResult): Outcome => ({
  met: false,
  until: null,
  clear: null,
  warnings: NONE,
  notices: NONE,
  why,
});

/** Whether a dated requirement applies on `date`. */
export const applies = (node: RequirementNode, date: IsoDate): boolean =>
  (!node.appliesFrom || node.appliesFrom <= date) && (!node.appliesUntil || date <= node.appliesUntil);

/** The version of a role's rule in force on `date`, and the one after it (whose start may end a clearance). */
export function versionOn(
  role: RoleRule,
  date: IsoDate,
): { version: RuleVersionFact | null; next: RuleVersionFact | null } {
  if (!role.versions) return { version: { version: 0, from: null, until: null, rule: role.rule }, next: null };
  const i = role.versions.findIndex(
    (v) => (v.from === null || v.from <= date) && (v.until === null || date <= v.until),
  );
  if (i < 0) return { version: null, next: role.versions.find((v) => v.from !== null && v.from > date) ?? null };
  return { version: role.versions[i], next: role.versions[i + 1] ?? null };
}

/** A board holds tens of thousands of these: they share their role and an empty warnings list rather than copy them. */
const roleRefs = new WeakMap<RoleRule, { code: string; name: string }>();

export function briefOf(
  role: RoleRule,
  date: IsoDate,
  status: ClearanceStatus,
  clearedUntil: IsoDate | null,
  warningUntil: IsoDate | null,
  warnings: readonly string[],
  notices: readonly Notice[],
): BriefClearance {
  let ref = roleRefs.get(role);
  if (!ref) roleRefs.set(role, (ref = Object.freeze({ code: role.code, name: role.name })));
  return {
    role: ref,
    date,
    status,
    statusLabel: STATUS_LABELS[status],
    clearedUntil,
    warningUntil,
    warnings: warnings.length ? [...warnings] : (NONE as never[]),
    notices: notices.length ? [...notices] : (NONE as never[]),
  };
}

/** The last day a role's answer is cleared at all. */
export const lastDay = (r: BriefClearance): IsoDate | null => r.warningUntil ?? r.clearedUntil;
/** The last day a role's answer asked on `date` is cleared without a warning (the day before, when it already has one). */
export const clearEnd = (r: BriefClearance, date: IsoDate): IsoDate | null =>
  r.status === 'cleared_with_warning' ? addDays(date, -1) : r.clearedUntil;

export const warningsOf = (o: Outcome): readonly string[] => o.warnings;
export const noticesOf = (o: Outcome): readonly Notice[] => o.notices;

/** The warnings (or notices) of some outcomes, one after another; shared rather than copied where only one has any. */
export function join<T>(outcomes: Outcome[], of: (o: Outcome) => readonly T[]): readonly T[] {
  let only: readonly T[] = NONE;
  let many: T[] | null = null;
  for (const o of outcomes) {
    const xs = of(o);
    if (xs.length === 0) continue;
    if (only.length === 0) only = xs;
    else (many ??= [...only]).push(...xs);
  }
  return many ?? only;
}
