import type { IsoDate } from '../../common/dates';
import type { RequirementNode } from '../catalog/requirement-node';
import type { Span } from './date-spans';
import type { StatusPeriodFact } from '../../common/status-periods';

/**
 * What the clearance engine reads (a person's records and the roles' rules) and what it answers.
 * Plain data: the engine is pure, so these are everything an answer depends on.
 */

export interface CredentialFact {
  id: string;
  typeCode: string;
  typeName: string;
  issuedOn: IsoDate;
  expiresOn: IsoDate | null;
  graceDays: number;
  /** Revoked with effect from this date (it no longer counts on or after it). */
  revokedOn: IsoDate | null;
  /** Suspended for these days (both ends included; no end while `suspendedUntil` is null). */
  suspendedFrom?: IsoDate | null;
  suspendedUntil?: IsoDate | null;
  licenceNumber?: string | null;
  /** False while the type's issuer has not published its terms: no expiry then means "not known yet", not "never". */
  termsPublished?: boolean;
}

export interface SupervisionFact {
  supervisorName: string;
  startsOn: IsoDate;
  endsOn: IsoDate | null;
  /** When the supervisor held a qualified-supervisor licence. */
  supervisorQualified: Span[];
}

export interface ClearanceFacts {
  personName: string;
  /** Today's status; a date is judged by `statusPeriods` when they are given. */
  active: boolean;
  /** The person's active and inactive periods, oldest first. */
  statusPeriods?: StatusPeriodFact[];
  livedExperience: Array<{ verifiedOn: IsoDate; withdrawnOn: IsoDate | null }>;
  credentials: CredentialFact[];
  supervision: SupervisionFact[];
}

/** One version of a role's rule and the days it is in force (no start: from the beginning; no end: still in force). */
export interface RuleVersionFact {
  version: number;
  from: IsoDate | null;
  until: IsoDate | null;
  rule: RequirementNode | null;
}

export interface RoleRule {
  code: string;
  name: string;
  /** The rule, when the role has one for all time (or the one in force today, for display). */
  rule: RequirementNode | null;
  /** When given, the versions in force on at least one day, oldest first: a date is judged by the version in force on it. */
  versions?: RuleVersionFact[];
}

export interface RuleChange {
  version: number;
  effectiveFrom: IsoDate;
  met: boolean;
}

/** A heads-up: a rule that starts later and is not met for its first day. The status stays `cleared`; only grace periods and lapses warn. */
export interface Notice {
  from: IsoDate;
  text: string;
}

export type ClearanceStatus = 'cleared' | 'cleared_with_warning' | 'not_cleared';

export interface RequirementResult {
  kind: RequirementNode['kind'];
  label: string;
  met: boolean;
  /** Why it is met or not, in a sentence. */
  reason: string;
  /** Met, but something needs attention (a credential in its grace period). */
  warning: string | null;
  /** Not required yet and not met for its first day: the heads-up it gives. */
  notice?: Notice;
  /** Last day it stays met on present records; null while met with no end in sight, or when not met. */
  until: IsoDate | null;
  satisfiedBy?: {
    credentialId: string;
    code: string;
    issuedOn: IsoDate;
    expiresOn: IsoDate | null;
    licenceNumber?: string | null;
  };
  /** The nested role's own explanation, for "cleared as …" requirements. */
  nested?: ClearanceResult;
  children?: RequirementResult[];
}

/**
 * The same answer as a ClearanceResult without the explanation tree: what a board cell needs. The
 * board asks this 80,000 times for a program; the cell's link opens the full explanation.
 */
export interface BriefClearance {
  role: { code: string; name: string };
  date: IsoDate;
  status: ClearanceStatus;
  statusLabel: string;
  /** The last day the person stays cleared on present records (null: no end, or not cleared). */
  clearedUntil: IsoDate | null;
  /** With a warning stretch ahead (a lapse into a grace period), or already in one: the last day cleared at all; else null. */
  warningUntil: IsoDate | null;
  warnings: string[];
  /** Rules that start later and are not met for their first day; none on a role not cleared. */
  notices: Notice[];
}

/** The brief answer with its explanation: which version of the rule it used, and each requirement's result. */
export interface ClearanceResult extends BriefClearance {
  /** The two dates in words, with what ends them (a credential's expiry, a new rule); null with no end in sight. */
  untilReason: string | null;
  /** A new version of the rule that starts before the clearance would otherwise end, and whether it is met from its first day. */
  ruleChange?: RuleChange;
  /** The version of the role's rule this answer used: the one in force on `date` (null for a rule without versions). */
  ruleVersion?: { version: number; effectiveFrom: IsoDate | null; effectiveUntil: IsoDate | null } | null;
  requirements: RequirementResult | null;
}
