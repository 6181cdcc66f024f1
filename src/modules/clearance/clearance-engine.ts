import { addDays, formatDate, type IsoDate } from '../../common/dates';
import type { RequirementNode } from '../catalog/requirement-node';
import type {
  BriefClearance,
  ClearanceFacts,
  ClearanceResult,
  ClearanceStatus,
  CredentialFact,
  RequirementResult,
  RoleRule,
  RuleChange,
  RuleVersionFact,
} from './clearance-facts';
import { covering, earlier, intersect, later, merge, without, type Span } from './date-spans';

export type * from './clearance-facts';

/**
 * The clearance engine: is a person cleared for a practice role on a date, why (or why not), and
 * until when? Pure and deterministic — everything it needs is in its arguments, so the same facts
 * and date always give the same answer, for today or for a billing audit of a past date.
 */

/** A requirement's outcome without its explanation; `warnings` are the ones it passes up when met. */
interface Outcome {
  met: boolean;
  until: IsoDate | null;
  warnings: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);
const NOT_MET: Outcome = Object.freeze({ met: false, until: null, warnings: NONE });

export const STATUS_LABELS: Record<ClearanceStatus, string> = {
  cleared: 'Cleared',
  cleared_with_warning: 'Cleared, with a warning',
  not_cleared: 'Not cleared',
};

/** Each credential of one type with the days it counts, and those days joined up; independent of the date asked about. */
interface CredentialSpans {
  held: CredentialFact[];
  pieces: Array<{ credential: CredentialFact; span: Span }>;
  merged: Span[];
}

export class ClearanceEngine {
  private readonly roles: Map<string, RoleRule>;
  /** A role asked about again for the same person and date (as a nested role) gives the same answer: keep it. */
  private readonly answered = new WeakMap<ClearanceFacts, Map<string, ClearanceResult>>();
  private readonly answeredBriefly = new WeakMap<ClearanceFacts, Map<string, BriefClearance>>();
  /** What a person's records add up to does not depend on the date asked about, so it is worked out once per person. */
  private readonly spansOf = new WeakMap<ClearanceFacts, Map<string, CredentialSpans>>();
  private readonly supervisionSpansOf = new WeakMap<ClearanceFacts, Span[]>();
  private readonly livedSpansOf = new WeakMap<ClearanceFacts, Span[]>();

  constructor(roles: RoleRule[]) {
    this.roles = new Map(roles.map((r) => [r.code.toUpperCase(), r]));
  }

  evaluate(roleCode: string, date: IsoDate, facts: ClearanceFacts): ClearanceResult {
    return this.evaluateRole(roleCode, date, facts, []);
  }

  /** Status, cleared-until and warnings exactly as `evaluate` gives them, without building the explanation. */
  brief(roleCode: string, date: IsoDate, facts: ClearanceFacts): BriefClearance {
    return this.briefRole(roleCode, date, facts, []);
  }

  /**
   * For a role not cleared on `date`: the one-sentence reason the full explanation gives
   * (`evaluate(...).requirements.reason`). A rule that is "all of" some requirements, the usual
   * shape, is answered from the brief outcomes of its requirements and their labels, without
   * explaining each one; any other shape from the full explanation.
   */
  refusalReason(roleCode: string, date: IsoDate, facts: ClearanceFacts): string {
    const role = this.roles.get(roleCode.toUpperCase());
    const rule = role && facts.active ? versionOn(role, date).version?.rule : null;
    const applies =
      rule && (!rule.appliesFrom || rule.appliesFrom <= date) && (!rule.appliesUntil || date <= rule.appliesUntil);
    if (rule && applies && rule.kind === 'all_of') {
      const chain = [role!.code.toUpperCase()];
      const missing = (rule.children ?? []).filter((c) => !this.briefNode(c, date, facts, chain).met);
      if (missing.length > 0) return `Not met: ${missing.map((c) => this.labelOf(c)).join('; ')}.`;
    }
    return this.evaluate(roleCode, date, facts).requirements?.reason ?? '';
  }

  private briefRole(roleCode: string, date: IsoDate, facts: ClearanceFacts, chain: string[]): BriefClearance {
    const key = `${roleCode.toUpperCase()}|${date}`;
    let answers = this.answeredBriefly.get(facts);
    if (!answers) this.answeredBriefly.set(facts, (answers = new Map()));
    const known = answers.get(key);
    if (known) return known;
    const role = this.roles.get(roleCode.toUpperCase());
    if (!role) throw new RangeError(`No practice role has the code ${roleCode}`);
    const { version, next } = versionOn(role, date);
    let result: BriefClearance;
    if (!facts.active || !version) result = briefOf(role, date, 'not_cleared', null, NONE);
    else if (!version.rule)
      result = briefOf(role, date, ...this.briefAcross(role, next, 'cleared', null, NONE, facts, chain));
    else {
      const outcome = this.briefNode(version.rule, date, facts, [...chain, role.code.toUpperCase()]);
      const warnings = outcome.met ? outcome.warnings : NONE;
      const status: ClearanceStatus = !outcome.met
        ? 'not_cleared'
        : warnings.length
          ? 'cleared_with_warning'
          : 'cleared';
      result = briefOf(
        role,
        date,
        ...this.briefAcross(role, next, status, outcome.met ? outcome.until : null, warnings, facts, chain),
      );
    }
    answers.set(key, result);
    return result;
  }

  private briefAcross(
    role: RoleRule,
    next: RuleVersionFact | null,
    status: ClearanceStatus,
    until: IsoDate | null,
    warnings: readonly string[],
    facts: ClearanceFacts,
    chain: string[],
  ): [ClearanceStatus, IsoDate | null, readonly string[]] {
    const across = acrossVersions(next, { status, until }, (from) => {
      const later = this.briefRole(role.code, from, facts, chain);
      return { status: later.status, until: later.clearedUntil };
    });
    return [status, across.until, warnings];
  }

  /** `node` in brief; mirrors `node` below rule for rule (a test holds the two to the same answers). */
  private briefNode(node: RequirementNode, date: IsoDate, facts: ClearanceFacts, chain: string[]): Outcome {
    const applies =
      (!node.appliesFrom || node.appliesFrom <= date) && (!node.appliesUntil || date <= node.appliesUntil);
    if (!applies && node.appliesFrom && date < node.appliesFrom) {
      const later = this.briefLeafOrGroup(node, node.appliesFrom, facts, chain);
      return later.met
        ? { met: true, until: later.until, warnings: NONE }
        : {
            met: true,
            until: addDays(node.appliesFrom, -1),
            warnings: [
              `${this.labelOf(node)} becomes required on ${formatDate(node.appliesFrom)} and is not met for that date.`,
            ],
          };
    }
    if (!applies) return { met: true, until: null, warnings: NONE };
    const result = this.briefLeafOrGroup(node, date, facts, chain);
    if (result.met && node.appliesUntil && (result.until === null || result.until >= node.appliesUntil))
      return { ...result, until: null };
    return result;
  }

  private briefLeafOrGroup(node: RequirementNode, date: IsoDate, facts: ClearanceFacts, chain: string[]): Outcome {
    switch (node.kind) {
      case 'all_of':
      case 'any_of': {
        const children = (node.children ?? []).map((c) => this.briefNode(c, date, facts, chain));
        const met = children.filter((c) => c.met);
        if (node.kind === 'all_of') {
          if (met.length !== children.length) return NOT_MET;
          return {
            met: true,
            until: children.reduce<IsoDate | null>((u, c) => earlier(u, c.until), null),
            warnings: joinWarnings(children),
          };
        }
        if (met.length === 0) return NOT_MET;
        return {
          met: true,
          until: met.map((c) => c.until).reduce((u, c) => (u === null || c === null ? null : later(u, c))),
          warnings: joinWarnings(met),
        };
      }
      case 'credential': {
        const found = this.credentialInForce(node.credentialTypeCode!, date, facts);
        if (!found) return NOT_MET;
        const { best, span } = found;
        return {
          met: true,
          until: span.to,
          warnings:
            best.expiresOn !== null && date > best.expiresOn
              ? [this.graceWarning(node.credentialTypeCode!, best)]
              : NONE,
        };
      }
      case 'lived_experience': {
        const span = covering(this.livedSpans(facts), date);
        return span ? { met: true, until: span.to, warnings: NONE } : NOT_MET;
      }
      case 'active_supervision': {
        const span = covering(this.supervisionSpans(facts), date);
        const current = facts.supervision.some((s) => s.startsOn <= date && (s.endsOn === null || date <= s.endsOn));
        return span && current ? { met: true, until: span.to, warnings: NONE } : NOT_MET;
      }
      case 'practice_role': {
        const code = node.practiceRoleCode!;
        if (!this.roles.has(code.toUpperCase()) || chain.includes(code.toUpperCase())) return NOT_MET;
        const nested = this.briefRole(code, date, facts, chain);
        return nested.status === 'not_cleared'
          ? NOT_MET
          : { met: true, until: nested.clearedUntil, warnings: nested.warnings };
      }
    }
  }

  /** The credential of this type that counts on `date` and carries furthest, with the stretch it belongs to. */
  private credentialInForce(
    code: string,
    date: IsoDate,
    facts: ClearanceFacts,
  ): { best: CredentialFact; span: Span } | null {
    const { pieces, merged } = this.credentialSpans(code, facts);
    const span = covering(merged, date);
    if (!span) return null;
    let best: CredentialFact | null = null;
    for (const { credential: c, span: s } of pieces) {
      if (!(s.from <= date && (s.to === null || date <= s.to))) continue;
      if (best === null) best = c;
      else if (best.expiresOn === null) continue;
      else if (c.expiresOn === null || !(best.expiresOn >= c.expiresOn)) best = c;
    }
    return best ? { best, span } : null;
  }

  private credentialSpans(code: string, facts: ClearanceFacts): CredentialSpans {
    let perType = this.spansOf.get(facts);
    if (!perType) this.spansOf.set(facts, (perType = new Map()));
    const key = code.toUpperCase();
    let found = perType.get(key);
    if (!found) {
      const held = facts.credentials.filter((c) => c.typeCode.toUpperCase() === key);
      // Each credential counts from its issue date through its expiry plus grace, cut short by a revocation.
      const pieces = held.flatMap((c) => {
        const end = c.expiresOn === null ? null : addDays(c.expiresOn, c.graceDays);
        const whole = { from: c.issuedOn, to: c.revokedOn ? earlier(end, addDays(c.revokedOn, -1)) : end };
        return without(whole, c.suspendedFrom, c.suspendedUntil).map((span) => ({ credential: c, span }));
      });
      found = { held, pieces, merged: merge(pieces.map((p) => p.span)) };
      perType.set(key, found);
    }
    return found;
  }

  private livedSpans(facts: ClearanceFacts): Span[] {
    let spans = this.livedSpansOf.get(facts);
    if (!spans) {
      spans = merge(
        facts.livedExperience.map((a) => ({
          from: a.verifiedOn,
          to: a.withdrawnOn ? addDays(a.withdrawnOn, -1) : null,
        })),
      );
      this.livedSpansOf.set(facts, spans);
    }
    return spans;
  }

  /** Supervision counts only while the assignment runs AND the supervisor is qualified. */
  private supervisionSpans(facts: ClearanceFacts): Span[] {
    let spans = this.supervisionSpansOf.get(facts);
    if (!spans) {
      spans = merge(
        facts.supervision.flatMap((s) =>
          s.supervisorQualified
            .map((q) => intersect({ from: s.startsOn, to: s.endsOn }, q))
            .filter((x): x is Span => x !== null),
        ),
      );
      this.supervisionSpansOf.set(facts, spans);
    }
    return spans;
  }

  private graceWarning(code: string, best: CredentialFact): string {
    return `${code} expired ${formatDate(best.expiresOn!)} and is in its grace period until ${formatDate(addDays(best.expiresOn!, best.graceDays))}: renew it.`;
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

  private evaluateRoleUncached(
    roleCode: string,
    date: IsoDate,
    facts: ClearanceFacts,
    chain: string[],
  ): ClearanceResult {
    const role = this.roles.get(roleCode.toUpperCase());
    if (!role) throw new RangeError(`No practice role has the code ${roleCode}`);
    const { version, next } = versionOn(role, date);
    const head = {
      role: { code: role.code, name: role.name },
      date,
      ...(role.versions
        ? {
            ruleVersion: version
              ? { version: version.version, effectiveFrom: version.from, effectiveUntil: version.until }
              : null,
          }
        : {}),
    };
    if (!version) {
      return {
        ...head,
        status: 'not_cleared',
        statusLabel: STATUS_LABELS.not_cleared,
        clearedUntil: null,
        warnings: [],
        requirements: {
          kind: 'all_of',
          label: 'Rules in force',
          met: false,
          reason: `${role.name} had no rules in force on ${formatDate(date)}.`,
          warning: null,
          until: null,
        },
      };
    }
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
    const later = (from: IsoDate) => {
      const answer = this.evaluateRole(role.code, from, facts, chain);
      return { status: answer.status, until: answer.clearedUntil };
    };
    if (!version.rule) {
      const { until, change } = acrossVersions(next, { status: 'cleared', until: null }, later);
      return {
        ...head,
        status: 'cleared',
        statusLabel: STATUS_LABELS.cleared,
        clearedUntil: until,
        warnings: [],
        requirements: null,
        ...(change ? { ruleChange: change } : {}),
      };
    }
    const requirements = this.node(version.rule, date, facts, [...chain, role.code.toUpperCase()]);
    // Warnings are about staying cleared; on a role not cleared they would only distract from why not.
    const warnings = requirements.met ? collectWarnings(requirements) : [];
    const status: ClearanceStatus = !requirements.met
      ? 'not_cleared'
      : warnings.length
        ? 'cleared_with_warning'
        : 'cleared';
    const { until, change } = acrossVersions(
      next,
      { status, until: requirements.met ? requirements.until : null },
      later,
    );
    return {
      ...head,
      status,
      statusLabel: STATUS_LABELS[status],
      clearedUntil: until,
      warnings,
      requirements,
      ...(change ? { ruleChange: change } : {}),
    };
  }

  /** One requirement on `date`, including whether (and until when) a dated rule applies. */
  private node(node: RequirementNode, date: IsoDate, facts: ClearanceFacts, chain: string[]): RequirementResult {
    const applies =
      (!node.appliesFrom || node.appliesFrom <= date) && (!node.appliesUntil || date <= node.appliesUntil);
    if (!applies && node.appliesFrom && date < node.appliesFrom) {
      // Not required yet. It stays that way until it starts; then it must be met on that day.
      const later = this.leafOrGroup(node, node.appliesFrom, facts, chain);
      const label = later.label;
      return {
        kind: node.kind,
        label,
        met: true,
        reason: `Not required until ${formatDate(node.appliesFrom)}.${later.met ? '' : ` Not met for that date: ${later.reason}`}`,
        warning: later.met
          ? null
          : `${label} becomes required on ${formatDate(node.appliesFrom)} and is not met for that date.`,
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
    if (result.met && node.appliesUntil && (result.until === null || result.until >= node.appliesUntil))
      result.until = null;
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
        reason:
          missing.length === 0 ? 'Every requirement is met.' : `Not met: ${missing.map((c) => c.label).join('; ')}.`,
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
      until:
        met.length > 0
          ? met.map((c) => c.until).reduce((u, c) => (u === null || c === null ? null : later(u, c)))
          : null,
      children,
    };
  }

  private credential(code: string, date: IsoDate, facts: ClearanceFacts): RequirementResult {
    const label = this.labelOf({ kind: 'credential', credentialTypeCode: code });
    const found = this.credentialInForce(code, date, facts);
    if (!found) {
      return {
        kind: 'credential',
        label,
        met: false,
        reason: this.whyNoCredential(code, this.credentialSpans(code, facts).held, date),
        warning: null,
        until: null,
      };
    }
    // The one that carries furthest is the one that satisfies it.
    const { best, span } = found;
    const inGrace = best.expiresOn !== null && date > best.expiresOn;
    const graceEnd = best.expiresOn ? addDays(best.expiresOn, best.graceDays) : null;
    return {
      kind: 'credential',
      label,
      met: true,
      reason:
        best.expiresOn === null
          ? best.termsPublished === false
            ? `${best.typeName}, issued ${formatDate(best.issuedOn)}; its terms are not yet published, so it has no expiry yet.`
            : `${best.typeName}, issued ${formatDate(best.issuedOn)}, does not expire.`
          : inGrace
            ? `${best.typeName} expired ${formatDate(best.expiresOn)}; in its grace period through ${formatDate(graceEnd!)}.`
            : `${best.typeName}, valid through ${formatDate(best.expiresOn)}.`,
      warning: inGrace ? this.graceWarning(code, best) : null,
      until: span.to,
      satisfiedBy: {
        credentialId: best.id,
        code: best.typeCode,
        issuedOn: best.issuedOn,
        expiresOn: best.expiresOn,
        licenceNumber: best.licenceNumber,
      },
    };
  }

  private whyNoCredential(code: string, held: CredentialFact[], date: IsoDate): string {
    const suspended = held.find(
      (c) => c.suspendedFrom && c.suspendedFrom <= date && (!c.suspendedUntil || date <= c.suspendedUntil),
    );
    if (suspended)
      return `${code} is suspended from ${formatDate(suspended.suspendedFrom!)}${suspended.suspendedUntil ? ` until ${formatDate(suspended.suspendedUntil)}` : ''}.`;
    const past = held.filter((c) => c.issuedOn <= date);
    if (past.length === 0)
      return held.length
        ? `${code} is only held from ${formatDate(held.map((c) => c.issuedOn).sort()[0])}.`
        : `No ${code} on record.`;
    const revoked = past
      .filter((c) => c.revokedOn && c.revokedOn <= date)
      .sort((a, b) => (a.revokedOn! < b.revokedOn! ? 1 : -1))[0];
    const latest = past
      .filter((c) => !c.revokedOn || c.revokedOn > date)
      .sort((a, b) => ((a.expiresOn ?? '9999') < (b.expiresOn ?? '9999') ? 1 : -1))[0];
    if (latest?.expiresOn) {
      return latest.graceDays > 0
        ? `${code} expired ${formatDate(latest.expiresOn)} and its ${latest.graceDays}-day grace period ended ${formatDate(addDays(latest.expiresOn, latest.graceDays))}.`
        : `${code} expired ${formatDate(latest.expiresOn)}.`;
    }
    return revoked
      ? `${code} was revoked with effect from ${formatDate(revoked.revokedOn!)}.`
      : `No valid ${code} on record.`;
  }

  private livedExperience(date: IsoDate, facts: ClearanceFacts): RequirementResult {
    const label = this.labelOf({ kind: 'lived_experience' });
    const span = covering(this.livedSpans(facts), date);
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
      reason: withdrawn
        ? `The verification was withdrawn on ${formatDate(withdrawn.withdrawnOn!)}.`
        : 'Lived experience has not been verified by an admin.',
      warning: null,
      until: null,
    };
  }

  private supervision(date: IsoDate, facts: ClearanceFacts): RequirementResult {
    const label = this.labelOf({ kind: 'active_supervision' });
    const span = covering(this.supervisionSpans(facts), date);
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
    const ended = facts.supervision
      .filter((s) => s.endsOn && s.endsOn < date)
      .sort((a, b) => (a.endsOn! < b.endsOn! ? 1 : -1))[0];
    return {
      kind: 'active_supervision',
      label,
      met: false,
      reason: ended
        ? `No supervisor since ${formatDate(addDays(ended.endsOn!, 1))} (${ended.supervisorName}'s supervision ended).`
        : 'No supervisor assigned.',
      warning: null,
      until: null,
    };
  }

  private clearedAs(code: string, date: IsoDate, facts: ClearanceFacts, chain: string[]): RequirementResult {
    const role = this.roles.get(code.toUpperCase());
    const label = this.labelOf({ kind: 'practice_role', practiceRoleCode: code });
    if (!role)
      return {
        kind: 'practice_role',
        label,
        met: false,
        reason: `No practice role has the code ${code}.`,
        warning: null,
        until: null,
      };
    if (chain.includes(code.toUpperCase()))
      return {
        kind: 'practice_role',
        label,
        met: false,
        reason: `The rules loop back to ${role.name}.`,
        warning: null,
        until: null,
      };
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

/** The version of a role's rule in force on `date`, and the one after it (whose start may end a clearance). */
function versionOn(role: RoleRule, date: IsoDate): { version: RuleVersionFact | null; next: RuleVersionFact | null } {
  if (!role.versions) return { version: { version: 0, from: null, until: null, rule: role.rule }, next: null };
  const i = role.versions.findIndex(
    (v) => (v.from === null || v.from <= date) && (v.until === null || date <= v.until),
  );
  if (i < 0) return { version: null, next: role.versions.find((v) => v.from !== null && v.from > date) ?? null };
  return { version: role.versions[i], next: role.versions[i + 1] ?? null };
}

/**
 * A clearance that would run past the day a new version of the rule starts lasts only as long as
 * the new rule is met from its first day: the change shows in cleared-until. Status and warnings
 * stay those of the version in force on the date asked about, so an edit made today never changes
 * whether someone was cleared on a past date.
 */
function acrossVersions(
  next: RuleVersionFact | null,
  now: { status: ClearanceStatus; until: IsoDate | null },
  later: (from: IsoDate) => { status: ClearanceStatus; until: IsoDate | null },
): { until: IsoDate | null; change: RuleChange | null } {
  if (now.status === 'not_cleared' || !next?.from || (now.until !== null && now.until < addDays(next.from, -1)))
    return { until: now.until, change: null };
  const then = later(next.from);
  const change = { version: next.version, effectiveFrom: next.from, met: then.status !== 'not_cleared' };
  return { until: change.met ? then.until : addDays(next.from, -1), change };
}

/** A board holds tens of thousands of these: they share their role and an empty warnings list rather than copy them. */
const roleRefs = new WeakMap<RoleRule, { code: string; name: string }>();

function briefOf(
  role: RoleRule,
  date: IsoDate,
  status: ClearanceStatus,
  clearedUntil: IsoDate | null,
  warnings: readonly string[],
): BriefClearance {
  let ref = roleRefs.get(role);
  if (!ref) roleRefs.set(role, (ref = Object.freeze({ code: role.code, name: role.name })));
  return {
    role: ref,
    date,
    status,
    statusLabel: STATUS_LABELS[status],
    clearedUntil,
    warnings: warnings.length ? [...warnings] : (NONE as string[]),
  };
}

function joinWarnings(outcomes: Outcome[]): readonly string[] {
  const withWarnings = outcomes.filter((o) => o.warnings.length > 0);
  return withWarnings.length === 0
    ? NONE
    : withWarnings.length === 1
      ? withWarnings[0].warnings
      : withWarnings.flatMap((o) => o.warnings);
}

function collectWarnings(result: RequirementResult): string[] {
  const own = result.met && result.warning ? [result.warning] : [];
  const fromNested = result.nested && result.met ? result.nested.warnings : [];
  return [...own, ...fromNested, ...(result.children ?? []).filter((c) => c.met).flatMap(collectWarnings)];
}
