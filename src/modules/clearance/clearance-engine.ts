import { addDays, type IsoDate } from '../../common/dates';
import { activeOn, activeUntil } from '../../common/status-periods';
import type { RequirementNode } from '../catalog/requirement-node';
import type {
  BriefClearance,
  ClearanceFacts,
  ClearanceResult,
  ClearanceStatus,
  RoleRule,
  RuleChange,
} from './clearance-facts';
import {
  explainClearedAs,
  explainCredential,
  explainGroup,
  explainLived,
  explainPending,
  explainRetired,
  explainRole,
  explainSupervision,
  graceWarning,
  inactive,
  labelOf,
  noRulesInForce,
  notMetReason,
  pendingNotice,
  refusal,
  whyNoCredential,
} from './clearance-reasons';
import { covering, earlier, later } from './date-spans';
import {
  applies,
  briefOf,
  clearEnd,
  join,
  lastDay,
  NO_LONGER_REQUIRED,
  NONE,
  NOT_MET,
  notMet,
  noticesOf,
  type Outcome,
  versionOn,
  warningsOf,
} from './clearance-outcomes';
import { inForce, RecordSpans } from './record-spans';

export type * from './clearance-facts';
export { STATUS_LABELS } from './clearance-reasons';

/** What a walk of a role gives: the explained answer when asked to explain, else the brief one. */
type Answer<Explain extends boolean> = Explain extends true ? ClearanceResult : BriefClearance;

/**
 * The clearance engine: is a person cleared for a practice role on a date, why (or why not), and
 * until when? Pure and deterministic — everything it needs is in its arguments, so the same facts
 * and date always give the same answer, for today or for a billing audit of a past date.
 *
 * One walker of the rule tree answers both ways. Whether a requirement is met, until when, and the
 * warnings it passes up are worked out the same way for both; only when `explain` is set does it
 * also build each requirement's explanation (`why`, worded in clearance-reasons.ts). The brief
 * answer, which a board asks for 80,000 times, builds none of it.
 */

export class ClearanceEngine {
  private readonly roles: Map<string, RoleRule>;
  /** A role asked about again for the same person and date (as a nested role) gives the same answer: keep it. */
  private readonly answered = new WeakMap<ClearanceFacts, Map<string, ClearanceResult>>();
  private readonly answeredBriefly = new WeakMap<ClearanceFacts, Map<string, BriefClearance>>();
  private readonly spans = new RecordSpans();

  private readonly credentialNames: ReadonlyMap<string, string>;

  /** `credentialTypes` names the credentials a notice asks for; without it, a notice names the requirement by its label. */
  constructor(roles: RoleRule[], credentialTypes: ReadonlyArray<{ code: string; name: string }> = []) {
    this.roles = new Map(roles.map((r) => [r.code.toUpperCase(), r]));
    this.credentialNames = new Map(credentialTypes.map((t) => [t.code.toUpperCase(), t.name]));
  }

  evaluate(roleCode: string, date: IsoDate, facts: ClearanceFacts): ClearanceResult {
    return this.role(roleCode, date, facts, [], true);
  }

  /** Status, cleared-until and warnings exactly as `evaluate` gives them, without building the explanation. */
  brief(roleCode: string, date: IsoDate, facts: ClearanceFacts): BriefClearance {
    return this.role(roleCode, date, facts, [], false);
  }

  /**
   * For a role not cleared on `date`: the one-sentence reason the full explanation gives
   * (`evaluate(...).requirements.reason`). A rule that is "all of" some requirements, the usual
   * shape, is answered from the brief outcomes of its requirements and their labels, without
   * explaining each one; any other shape from the full explanation.
   */
  refusalReason(roleCode: string, date: IsoDate, facts: ClearanceFacts): string {
    const role = this.roles.get(roleCode.toUpperCase());
    const rule = role && activeOn(facts.statusPeriods, date, facts.active) ? versionOn(role, date).version?.rule : null;
    if (rule && applies(rule, date) && rule.kind === 'all_of') {
      const chain = [role!.code.toUpperCase()];
      const missing = (rule.children ?? []).filter((c) => !this.node(c, date, facts, chain, false).met);
      if (missing.length > 0) return notMetReason(missing.map((c) => labelOf(c, this.roles)));
    }
    return this.evaluate(roleCode, date, facts).requirements?.reason ?? '';
  }

  /** What a requirement asks for, in a notice: a credential by its type's name where the engine was told it. */
  private needs(node: RequirementNode): string {
    return (
      (node.kind === 'credential' && this.credentialNames.get(node.credentialTypeCode!.toUpperCase())) ||
      labelOf(node, this.roles)
    );
  }

  /** A role's answer, kept per person, role and date (the chain only guards against loops, so it is not part of it). */
  private role<E extends boolean>(
    roleCode: string,
    date: IsoDate,
    facts: ClearanceFacts,
    chain: string[],
    explain: E,
  ): Answer<E> {
    const cache: WeakMap<ClearanceFacts, Map<string, BriefClearance | ClearanceResult>> = explain
      ? this.answered
      : this.answeredBriefly;
    const key = `${roleCode.toUpperCase()}|${date}`;
    let answers = cache.get(facts);
    if (!answers) cache.set(facts, (answers = new Map()));
    let answer = answers.get(key);
    if (!answer) answers.set(key, (answer = this.walkRole(roleCode, date, facts, chain, explain)));
    return answer as Answer<E>;
  }

  private walkRole(
    roleCode: string,
    date: IsoDate,
    facts: ClearanceFacts,
    chain: string[],
    explain: boolean,
  ): BriefClearance | ClearanceResult {
    const role = this.roles.get(roleCode.toUpperCase());
    if (!role) throw new RangeError(`No practice role has the code ${roleCode}`);
    const { version, next } = versionOn(role, date);
    const requirements: Outcome | null = !version
      ? explain
        ? notMet(noRulesInForce(role, date))
        : NOT_MET
      : !activeOn(facts.statusPeriods, date, facts.active)
        ? explain
          ? notMet(inactive(facts))
          : NOT_MET
        : version.rule
          ? this.node(version.rule, date, facts, [...chain, role.code.toUpperCase()], explain)
          : null;
    const met = requirements === null || requirements.met;
    // Warnings are about staying cleared; on a role not cleared they would only distract from why not.
    const warnings = met && requirements ? requirements.warnings : NONE;
    const notices = met && requirements ? requirements.notices : NONE;
    const status: ClearanceStatus = !met ? 'not_cleared' : warnings.length ? 'cleared_with_warning' : 'cleared';
    let until = met && requirements ? requirements.until : null;
    let clear = met && requirements ? requirements.clear : null;
    // A clearance that would run past the day a new version of the rule starts lasts only as long as
    // the new rule is met from its first day: the change shows in cleared-until. Status and warnings
    // stay those of the version in force on the date asked about, so an edit made today never changes
    // whether someone was cleared on a past date.
    let change: RuleChange | null = null;
    if (met && next?.from && (until === null || until >= addDays(next.from, -1))) {
      const then = this.role(role.code, next.from, facts, chain, explain);
      change = { version: next.version, effectiveFrom: next.from, met: then.status !== 'not_cleared' };
      const dayBefore = addDays(next.from, -1);
      until = change.met ? lastDay(then) : dayBefore;
      if (clear === null || clear >= dayBefore) clear = change.met ? clearEnd(then, next.from) : dayBefore;
    }
    // Cleared only while active: a deactivation after `date` ends the clearance the day before.
    const activeEnd = met ? activeUntil(facts.statusPeriods, date, facts.active) : null;
    if (activeEnd !== null) {
      until = until === null || until > activeEnd ? activeEnd : until;
      clear = clear === null || clear > activeEnd ? activeEnd : clear;
    }
    // A warning stretch ahead shows as two dates: cleared without a warning until one, with it until the other.
    // Already in it, the warning is in the status, and both say the last day cleared at all.
    const warningUntil =
      status === 'cleared_with_warning' || (until !== null && clear !== null && clear < until) ? until : null;
    const clearedUntil = status === 'cleared' && warningUntil !== null ? clear : until;
    return explain
      ? explainRole(
          role,
          date,
          version,
          status,
          clearedUntil,
          warningUntil,
          warnings,
          notices,
          requirements?.why ?? null,
          change,
        )
      : briefOf(role, date, status, clearedUntil, warningUntil, warnings, notices);
  }

  /** One requirement on `date`, including whether (and until when) a dated rule applies. */
  private node(
    node: RequirementNode,
    date: IsoDate,
    facts: ClearanceFacts,
    chain: string[],
    explain: boolean,
  ): Outcome {
    if (node.appliesFrom && date < node.appliesFrom) {
      // Not required yet. It stays that way until it starts; then it must be met on that day.
      const then = this.leafOrGroup(node, node.appliesFrom, facts, chain, explain);
      const until = then.met ? then.until : addDays(node.appliesFrom, -1);
      const clear = then.met ? then.clear : until;
      // A heads-up, not a warning: the status stays cleared (warnings are for grace periods and lapses).
      const notice = then.met
        ? null
        : { from: node.appliesFrom, text: pendingNotice(this.needs(node), node.appliesFrom) };
      return {
        met: true,
        until,
        clear,
        warnings: NONE,
        notices: notice ? [notice] : NONE,
        why: explain ? explainPending(node, then.why!, until, notice) : null,
      };
    }
    if (node.appliesUntil && date > node.appliesUntil)
      return explain
        ? { ...NO_LONGER_REQUIRED, why: explainRetired(node, labelOf(node, this.roles)) }
        : NO_LONGER_REQUIRED;
    const result = this.leafOrGroup(node, date, facts, chain, explain);
    // Once a dated rule stops applying, it can no longer end the clearance.
    if (result.met && node.appliesUntil && (result.until === null || result.until >= node.appliesUntil))
      return {
        ...result,
        until: null,
        clear: result.clear === null || result.clear >= node.appliesUntil ? null : result.clear,
        why: result.why && { ...result.why, until: null },
      };
    return result;
  }

  private leafOrGroup(
    node: RequirementNode,
    date: IsoDate,
    facts: ClearanceFacts,
    chain: string[],
    explain: boolean,
  ): Outcome {
    switch (node.kind) {
      case 'all_of':
      case 'any_of': {
        const children = (node.children ?? []).map((c) => this.node(c, date, facts, chain, explain));
        const metOnes = children.filter((c) => c.met);
        const met = node.kind === 'all_of' ? metOnes.length === children.length : metOnes.length > 0;
        if (!met && !explain) return NOT_MET;
        let until: IsoDate | null = null;
        let clear: IsoDate | null = null;
        if (met && node.kind === 'all_of')
          for (const c of children) {
            until = earlier(until, c.until);
            clear = earlier(clear, c.clear);
          }
        else if (met) {
          // Any one of them keeps it met, so it lasts as long as the one that lasts longest.
          until = metOnes[0].until;
          clear = metOnes[0].clear;
          for (const c of metOnes) {
            until = later(until, c.until);
            clear = later(clear, c.clear);
          }
        }
        return {
          met,
          until,
          clear,
          warnings: met ? join(metOnes, warningsOf) : NONE,
          notices: met ? join(metOnes, noticesOf) : NONE,
          why: explain
            ? explainGroup(
                node,
                labelOf(node, this.roles),
                children.map((c) => c.why!),
                met,
                until,
              )
            : null,
        };
      }
      case 'credential': {
        const code = node.credentialTypeCode!;
        const spans = this.spans.credentials(code, facts);
        const found = inForce(spans, date);
        if (!found)
          return explain
            ? notMet(refusal('credential', labelOf(node, this.roles), whyNoCredential(code, spans.held, date)))
            : NOT_MET;
        // The one that carries furthest is the one that satisfies it.
        const { best, span } = found;
        const warning = best.expiresOn !== null && date > best.expiresOn ? graceWarning(code, best) : null;
        // Clear of warnings until the stretch runs into a grace period; none of it left when already in one.
        const clear = spans.clear === spans.merged ? span : covering(spans.clear, date);
        return {
          met: true,
          until: span.to,
          clear: clear ? clear.to : addDays(date, -1),
          warnings: warning ? [warning] : NONE,
          notices: NONE,
          why: explain ? explainCredential(labelOf(node, this.roles), best, span, date, warning) : null,
        };
      }
      case 'lived_experience': {
        const span = covering(this.spans.livedExperience(facts), date);
        const why = explain ? explainLived(labelOf(node, this.roles), facts, date, span) : null;
        if (!span) return why ? notMet(why) : NOT_MET;
        return { met: true, until: span.to, clear: span.to, warnings: NONE, notices: NONE, why };
      }
      case 'active_supervision': {
        const span = covering(this.spans.supervision(facts), date);
        const current = facts.supervision.find((s) => s.startsOn <= date && (s.endsOn === null || date <= s.endsOn));
        const why = explain ? explainSupervision(labelOf(node, this.roles), facts, date, current, span) : null;
        if (!span || !current) return why ? notMet(why) : NOT_MET;
        return { met: true, until: span.to, clear: span.to, warnings: NONE, notices: NONE, why };
      }
      case 'practice_role': {
        const code = node.practiceRoleCode!;
        const role = this.roles.get(code.toUpperCase());
        const loops = chain.includes(code.toUpperCase());
        if (!explain) {
          if (!role || loops) return NOT_MET;
          const nested = this.role(code, date, facts, chain, false);
          if (nested.status === 'not_cleared') return NOT_MET;
          return {
            met: true,
            until: lastDay(nested),
            clear: clearEnd(nested, date),
            warnings: nested.warnings,
            notices: nested.notices,
            why: null,
          };
        }
        const nested = role && !loops ? this.role(code, date, facts, chain, true) : null;
        const why = explainClearedAs(labelOf(node, this.roles), code, role, nested);
        return why.met
          ? {
              met: true,
              until: why.until,
              clear: clearEnd(nested!, date),
              warnings: nested!.warnings,
              notices: nested!.notices,
              why,
            }
          : notMet(why);
      }
    }
  }
}
