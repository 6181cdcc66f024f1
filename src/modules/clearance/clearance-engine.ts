import { addDays, formatDate, type IsoDate } from '../../common/dates';
import type { RequirementNode } from '../catalog/requirement-node';

/**
 * The clearance engine: is a person cleared for a practice role on a date, why (or why not), and
 * until when? Pure and deterministic — everything it needs is in its arguments, so the same facts
 * and date always give the same answer, for today or for a billing audit of a past date.
 */

/** A span of calendar days, both ends included; `to: null` runs on with no end. */
interface Span {
  from: IsoDate;
  to: IsoDate | null;
}

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
  active: boolean;
  livedExperience: Array<{ verifiedOn: IsoDate; withdrawnOn: IsoDate | null }>;
  credentials: CredentialFact[];
  supervision: SupervisionFact[];
}

export interface RoleRule {
  code: string;
  name: string;
  rule: RequirementNode | null;
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
  /** Last day it stays met on present records; null while met with no end in sight, or when not met. */
  until: IsoDate | null;
  satisfiedBy?: { credentialId: string; code: string; issuedOn: IsoDate; expiresOn: IsoDate | null; licenceNumber?: string | null };
  /** The nested role's own explanation, for "cleared as …" requirements. */
  nested?: ClearanceResult;
  children?: RequirementResult[];
}

export interface ClearanceResult {
  role: { code: string; name: string };
  date: IsoDate;
  status: ClearanceStatus;
  statusLabel: string;
  /** The last day the person stays cleared on present records (null: no end, or not cleared). */
  clearedUntil: IsoDate | null;
  warnings: string[];
  requirements: RequirementResult | null;
}

const STATUS_LABELS: Record<ClearanceStatus, string> = { cleared: 'Cleared', cleared_with_warning: 'Cleared, with a warning', not_cleared: 'Not cleared' };

const earlier = (a: IsoDate | null, b: IsoDate | null): IsoDate | null => (a === null ? b : b === null ? a : a < b ? a : b);
const later = (a: IsoDate | null, b: IsoDate | null): IsoDate | null => (a === null || b === null ? null : a > b ? a : b);

/** Joins spans that overlap or touch, so a renewal issued before the old one ran out reads as one stretch. */
function merge(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.to === null || s.to >= s.from).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last && (last.to === null || addDays(last.to, 1) >= span.from)) last.to = last.to === null || span.to === null ? null : later(last.to, span.to);
    else out.push({ ...span });
  }
  return out;
}

function spanAt(spans: Span[], date: IsoDate): Span | undefined {
  return merge(spans).find((s) => s.from <= date && (s.to === null || date <= s.to));
}

/** A credential's span with its suspension cut out: none, one or two pieces. */
function withoutSuspension(span: Span, c: CredentialFact): Span[] {
  if (!c.suspendedFrom) return [span];
  const before = intersect(span, { from: span.from, to: addDays(c.suspendedFrom, -1) });
  const after = c.suspendedUntil ? intersect(span, { from: addDays(c.suspendedUntil, 1), to: span.to }) : null;
  return [before, after].filter((s): s is Span => s !== null && (s.to === null || s.to >= s.from));
}

function intersect(a: Span, b: Span): Span | null {
  const from = a.from > b.from ? a.from : b.from;
  const to = earlier(a.to, b.to);
  return to !== null && to < from ? null : { from, to };
}

export class ClearanceEngine {
  private readonly roles: Map<string, RoleRule>;
  /** A role asked about again for the same person and date (as a nested role) gives the same answer: keep it. */
  private readonly answered = new WeakMap<ClearanceFacts, Map<string, ClearanceResult>>();

  constructor(roles: RoleRule[]) {
    this.roles = new Map(roles.map((r) => [r.code.toUpperCase(), r]));
  }

  evaluate(roleCode: string, date: IsoDate, facts: ClearanceFacts): ClearanceResult {
    return this.evaluateRole(roleCode, date, facts, []);
  }

  private evaluateRole(roleCode: string, date: IsoDate, facts: ClearanceFacts, chain: string[]): ClearanceResult {
    // The chain only guards against loops, which the catalogue refuses, so it is not part of the answer.
    const key = `${roleCode.toUpperCase()}|${date}`;
    let answers = this.answered.get(facts);
    if (!answers) this.answered.set(facts, (answers = new Map()));
    const known = answers.get(key);
    if (known) return known;
    const result = this.evaluateRoleUncached(roleCode, date, facts, chain);
    answers.set(key, result);
    return result;
  }

  private evaluateRoleUncached(roleCode: string, date: IsoDate, facts: ClearanceFacts, chain: string[]): ClearanceResult {
    const role = this.roles.get(roleCode.toUpperCase());
    if (!role) throw new RangeError(`No practice role has the code ${roleCode}`);
    const head = { role: { code: role.code, name: role.name }, date };
    if (!facts.active) {
      return {
        ...head,
        status: 'not_cleared',
        statusLabel: STATUS_LABELS.not_cleared,
        clearedUntil: null,
        warnings: [],
        requirements: {
          kind: 'all_of',
          label: 'Active in the program',
          met: false,
          reason: `${facts.personName} is inactive in the program.`,
          warning: null,
          until: null,
        },
      };
    }
    if (!role.rule) {
      return { ...head, status: 'cleared', statusLabel: STATUS_LABELS.cleared, clearedUntil: null, warnings: [], requirements: null };
    }
    const requirements = this.node(role.rule, date, facts, [...chain, role.code.toUpperCase()]);
    // Warnings are about staying cleared; on a role not cleared they would only distract from why not.
    const warnings = requirements.met ? collectWarnings(requirements) : [];
    const status: ClearanceStatus = !requirements.met ? 'not_cleared' : warnings.length ? 'cleared_with_warning' : 'cleared';
    return { ...head, status, statusLabel: STATUS_LABELS[status], clearedUntil: requirements.met ? requirements.until : null, warnings, requirements };
  }

  /** One requirement on `date`, including whether (and until when) a dated rule applies. */
  private node(node: RequirementNode, date: IsoDate, facts: ClearanceFacts, chain: string[]): RequirementResult {
    const applies = (!node.appliesFrom || node.appliesFrom <= date) && (!node.appliesUntil || date <= node.appliesUntil);
    if (!applies && node.appliesFrom && date < node.appliesFrom) {
      // Not required yet. It stays that way until it starts; then it must be met on that day.
      const later = this.leafOrGroup(node, node.appliesFrom, facts, chain);
      const label = later.label;
      return {
        kind: node.kind,
        label,
        met: true,
        reason: `Not required until ${formatDate(node.appliesFrom)}.${later.met ? '' : ` Not met for that date: ${later.reason}`}`,
        warning: later.met ? null : `${label} becomes required on ${formatDate(node.appliesFrom)} and is not met for that date.`,
        until: later.met ? later.until : addDays(node.appliesFrom, -1),
      };
    }
    if (!applies) {
      return {
        kind: node.kind,
        label: this.labelOf(node),
        met: true,
        reason: `No longer required after ${formatDate(node.appliesUntil!)}.`,
        warning: null,
        until: null,
      };
    }
    const result = this.leafOrGroup(node, date, facts, chain);
    // Once a dated rule stops applying, it can no longer end the clearance.
    if (result.met && node.appliesUntil && (result.until === null || result.until >= node.appliesUntil)) result.until = null;
    return result;
  }

  private leafOrGroup(node: RequirementNode, date: IsoDate, facts: ClearanceFacts, chain: string[]): RequirementResult {
    switch (node.kind) {
      case 'all_of':
      case 'any_of':
        return this.group(node, date, facts, chain);
      case 'credential':
        return this.credential(node.credentialTypeCode!, date, facts);
      case 'lived_experience':
        return this.livedExperience(date, facts);
      case 'active_supervision':
        return this.supervision(date, facts);
      case 'practice_role':
        return this.clearedAs(node.practiceRoleCode!, date, facts, chain);
    }
  }

  private group(node: RequirementNode, date: IsoDate, facts: ClearanceFacts, chain: string[]): RequirementResult {
    const children = (node.children ?? []).map((c) => this.node(c, date, facts, chain));
    const met = children.filter((c) => c.met);
    if (node.kind === 'all_of') {
      const missing = children.filter((c) => !c.met);
      return {
        kind: 'all_of',
        label: this.labelOf(node),
        met: missing.length === 0,
        reason: missing.length === 0 ? 'Every requirement is met.' : `Not met: ${missing.map((c) => c.label).join('; ')}.`,
        warning: null,
        until: missing.length === 0 ? children.reduce<IsoDate | null>((u, c) => earlier(u, c.until), null) : null,
        children,
      };
    }
    return {
      kind: 'any_of',
      label: this.labelOf(node),
      met: met.length > 0,
      reason: met.length > 0 ? `Met by ${met.map((c) => c.label).join(' and ')}.` : 'None of them is met.',
      warning: null,
      until: met.length > 0 ? met.map((c) => c.until).reduce((u, c) => (u === null || c === null ? null : later(u, c))) : null,
      children,
    };
  }

  private credential(code: string, date: IsoDate, facts: ClearanceFacts): RequirementResult {
    const held = facts.credentials.filter((c) => c.typeCode.toUpperCase() === code.toUpperCase());
    const label = this.labelOf({ kind: 'credential', credentialTypeCode: code });
    // Each credential counts from its issue date through its expiry plus grace, cut short by a revocation.
    const spans = held.flatMap((c) => {
      const end = c.expiresOn === null ? null : addDays(c.expiresOn, c.graceDays);
      const whole = { from: c.issuedOn, to: c.revokedOn ? earlier(end, addDays(c.revokedOn, -1)) : end };
      return withoutSuspension(whole, c).map((span) => ({ credential: c, span }));
    });
    const covering = spanAt(
      spans.map((s) => s.span),
      date,
    );
    const inForce = spans.filter((s) => s.span.from <= date && (s.span.to === null || date <= s.span.to)).map((s) => s.credential);
    if (!covering || inForce.length === 0) {
      return { kind: 'credential', label, met: false, reason: this.whyNoCredential(code, held, date), warning: null, until: null };
    }
    // The one that carries furthest is the one that satisfies it.
    const best = inForce.reduce((a, b) => (a.expiresOn === null ? a : b.expiresOn === null ? b : a.expiresOn >= b.expiresOn ? a : b));
    const inGrace = best.expiresOn !== null && date > best.expiresOn;
    const graceEnd = best.expiresOn ? addDays(best.expiresOn, best.graceDays) : null;
    return {
      kind: 'credential',
      label,
      met: true,
      reason:
        best.expiresOn === null
          ? `${best.typeName}, issued ${formatDate(best.issuedOn)}, does not expire.`
          : inGrace
            ? `${best.typeName} expired ${formatDate(best.expiresOn)}; in its grace period through ${formatDate(graceEnd!)}.`
            : `${best.typeName}, valid through ${formatDate(best.expiresOn)}.`,
      warning: inGrace ? `${code} expired ${formatDate(best.expiresOn!)} and is in its grace period until ${formatDate(graceEnd!)}: renew it.` : null,
      until: covering.to,
      satisfiedBy: { credentialId: best.id, code: best.typeCode, issuedOn: best.issuedOn, expiresOn: best.expiresOn, licenceNumber: best.licenceNumber },
    };
  }

  private whyNoCredential(code: string, held: CredentialFact[], date: IsoDate): string {
    const suspended = held.find((c) => c.suspendedFrom && c.suspendedFrom <= date && (!c.suspendedUntil || date <= c.suspendedUntil));
    if (suspended)
      return `${code} is suspended from ${formatDate(suspended.suspendedFrom!)}${suspended.suspendedUntil ? ` until ${formatDate(suspended.suspendedUntil)}` : ''}.`;
    const past = held.filter((c) => c.issuedOn <= date);
    if (past.length === 0) return held.length ? `${code} is only held from ${formatDate(held.map((c) => c.issuedOn).sort()[0])}.` : `No ${code} on record.`;
    const revoked = past.filter((c) => c.revokedOn && c.revokedOn <= date).sort((a, b) => (a.revokedOn! < b.revokedOn! ? 1 : -1))[0];
    const latest = past.filter((c) => !c.revokedOn || c.revokedOn > date).sort((a, b) => ((a.expiresOn ?? '9999') < (b.expiresOn ?? '9999') ? 1 : -1))[0];
    if (latest?.expiresOn) {
      return latest.graceDays > 0
        ? `${code} expired ${formatDate(latest.expiresOn)} and its ${latest.graceDays}-day grace period ended ${formatDate(addDays(latest.expiresOn, latest.graceDays))}.`
        : `${code} expired ${formatDate(latest.expiresOn)}.`;
    }
    return revoked ? `${code} was revoked with effect from ${formatDate(revoked.revokedOn!)}.` : `No valid ${code} on record.`;
  }

  private livedExperience(date: IsoDate, facts: ClearanceFacts): RequirementResult {
    const label = this.labelOf({ kind: 'lived_experience' });
    const spans = facts.livedExperience.map((a) => ({ from: a.verifiedOn, to: a.withdrawnOn ? addDays(a.withdrawnOn, -1) : null }));
    const span = spanAt(spans, date);
    if (span)
      return {
        kind: 'lived_experience',
        label,
        met: true,
        reason: `Verified by an admin on ${formatDate(
          facts.livedExperience
            .filter((a) => a.verifiedOn <= date)
            .map((a) => a.verifiedOn)
            .sort()[0],
        )}.`,
        warning: null,
        until: span.to,
      };
    const withdrawn = facts.livedExperience.find((a) => a.withdrawnOn && a.withdrawnOn <= date);
    return {
      kind: 'lived_experience',
      label,
      met: false,
      reason: withdrawn ? `The verification was withdrawn on ${formatDate(withdrawn.withdrawnOn!)}.` : 'Lived experience has not been verified by an admin.',
      warning: null,
      until: null,
    };
  }

  private supervision(date: IsoDate, facts: ClearanceFacts): RequirementResult {
    const label = this.labelOf({ kind: 'active_supervision' });
    // Supervision counts only while the assignment runs AND the supervisor is qualified.
    const spans = facts.supervision.flatMap((s) =>
      s.supervisorQualified.map((q) => intersect({ from: s.startsOn, to: s.endsOn }, q)).filter((x): x is Span => x !== null),
    );
    const span = spanAt(spans, date);
    const current = facts.supervision.find((s) => s.startsOn <= date && (s.endsOn === null || date <= s.endsOn));
    if (span && current)
      return {
        kind: 'active_supervision',
        label,
        met: true,
        reason: `Supervised by ${current.supervisorName}${current.endsOn ? ` until ${formatDate(current.endsOn)}` : ''}.`,
        warning: null,
        until: span.to,
      };
    if (current)
      return {
        kind: 'active_supervision',
        label,
        met: false,
        reason: `${current.supervisorName} is not a qualified supervisor on ${formatDate(date)}.`,
        warning: null,
        until: null,
      };
    const ended = facts.supervision.filter((s) => s.endsOn && s.endsOn < date).sort((a, b) => (a.endsOn! < b.endsOn! ? 1 : -1))[0];
    return {
      kind: 'active_supervision',
      label,
      met: false,
      reason: ended ? `No supervisor since ${formatDate(addDays(ended.endsOn!, 1))} (${ended.supervisorName}'s supervision ended).` : 'No supervisor assigned.',
      warning: null,
      until: null,
    };
  }

  private clearedAs(code: string, date: IsoDate, facts: ClearanceFacts, chain: string[]): RequirementResult {
    const role = this.roles.get(code.toUpperCase());
    const label = this.labelOf({ kind: 'practice_role', practiceRoleCode: code });
    if (!role) return { kind: 'practice_role', label, met: false, reason: `No practice role has the code ${code}.`, warning: null, until: null };
    if (chain.includes(code.toUpperCase()))
      return { kind: 'practice_role', label, met: false, reason: `The rules loop back to ${role.name}.`, warning: null, until: null };
    const nested = this.evaluateRole(code, date, facts, chain);
    return {
      kind: 'practice_role',
      label,
      met: nested.status !== 'not_cleared',
      reason:
        nested.status === 'not_cleared'
          ? `Not cleared as ${role.name}: ${nested.requirements?.reason ?? ''}`.trim()
          : `Cleared as ${role.name}${nested.clearedUntil ? ` until ${formatDate(nested.clearedUntil)}` : ''}.`,
      warning: null,
      until: nested.status === 'not_cleared' ? null : nested.clearedUntil,
      nested,
    };
  }

  /** What a requirement is called, the same wherever it appears. */
  private labelOf(node: RequirementNode): string {
    switch (node.kind) {
      case 'all_of':
        return 'All of these';
      case 'any_of':
        return `One of: ${(node.children ?? []).map((c) => this.labelOf(c)).join(' or ')}`;
      case 'credential':
        return `${node.credentialTypeCode} current`;
      case 'lived_experience':
        return 'Lived experience verified';
      case 'active_supervision':
        return 'Active supervision by a qualified supervisor';
      case 'practice_role':
        return `Cleared as ${this.roles.get(node.practiceRoleCode!.toUpperCase())?.name ?? node.practiceRoleCode}`;
    }
  }
}

function collectWarnings(result: RequirementResult): string[] {
  const own = result.met && result.warning ? [result.warning] : [];
  const fromNested = result.nested && result.met ? result.nested.warnings : [];
  return [...own, ...fromNested, ...(result.children ?? []).filter((c) => c.met).flatMap(collectWarnings)];
}
