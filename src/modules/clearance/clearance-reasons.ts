import { addDays, formatDate, type IsoDate } from '../../common/dates';
import type { RequirementNode } from '../catalog/requirement-node';
import type {
  ClearanceFacts,
  ClearanceResult,
  ClearanceStatus,
  CredentialFact,
  Notice,
  RequirementResult,
  RoleRule,
  RuleChange,
  RuleVersionFact,
  SupervisionFact,
} from './clearance-facts';
import type { Span } from './date-spans';

/**
 * The wording of clearance: what a requirement is called, the warnings a brief answer carries too,
 * and the explanation of each requirement, which only the explained answer builds. The engine
 * decides; these only say what it decided.
 */

export const STATUS_LABELS: Record<ClearanceStatus, string> = {
  cleared: 'Cleared',
  cleared_with_warning: 'Cleared, with a warning',
  not_cleared: 'Not cleared',
};

/** What a requirement is called, the same wherever it appears. */
export function labelOf(node: RequirementNode, roles: ReadonlyMap<string, RoleRule>): string {
  switch (node.kind) {
    case 'all_of':
      return 'All of these';
    case 'any_of':
      return `One of: ${(node.children ?? []).map((c) => labelOf(c, roles)).join(' or ')}`;
    case 'credential':
      return `${node.credentialTypeCode} current`;
    case 'lived_experience':
      return 'Lived experience verified';
    case 'active_supervision':
      return 'Active supervision by a qualified supervisor';
    case 'practice_role':
      return `Cleared as ${roles.get(node.practiceRoleCode!.toUpperCase())?.name ?? node.practiceRoleCode}`;
  }
}

export const graceWarning = (code: string, best: CredentialFact): string =>
  `${code} expired ${formatDate(best.expiresOn!)} and is in its grace period until ${formatDate(addDays(best.expiresOn!, best.graceDays))}: renew it.`;

export const pendingNotice = (needs: string, from: IsoDate): string =>
  `From ${formatDate(from)} this role also needs: ${needs}`;

/** Why "all of" some requirements is not met: the ones that are not, by label. */
export const notMetReason = (labels: string[]): string => `Not met: ${labels.join('; ')}.`;

// The explanation of each requirement, built only when one is asked for.

/** A requirement not met, with the one reason why: no other details to show. */
export const refusal = (kind: RequirementNode['kind'], label: string, reason: string): RequirementResult => ({
  kind,
  label,
  met: false,
  reason,
  warning: null,
  until: null,
});

export const noRulesInForce = (role: RoleRule, date: IsoDate): RequirementResult =>
  refusal('all_of', 'Rules in force', `${role.name} had no rules in force on ${formatDate(date)}.`);

export const inactive = (facts: ClearanceFacts): RequirementResult =>
  refusal('all_of', 'Active in the program', `${facts.personName} is inactive in the program.`);

export function explainPending(
  node: RequirementNode,
  then: RequirementResult,
  until: IsoDate | null,
  notice: Notice | null,
): RequirementResult {
  return {
    kind: node.kind,
    label: then.label,
    met: true,
    reason: `Not required until ${formatDate(node.appliesFrom!)}.${then.met ? '' : ` Not met for that date: ${then.reason}`}`,
    warning: null,
    until,
    ...(notice ? { notice } : {}),
  };
}

export const explainRetired = (node: RequirementNode, label: string): RequirementResult => ({
  kind: node.kind,
  label,
  met: true,
  reason: `No longer required after ${formatDate(node.appliesUntil!)}.`,
  warning: null,
  until: null,
});

export function explainGroup(
  node: RequirementNode,
  label: string,
  children: RequirementResult[],
  met: boolean,
  until: IsoDate | null,
): RequirementResult {
  const reason =
    node.kind === 'all_of'
      ? met
        ? 'Every requirement is met.'
        : notMetReason(children.filter((c) => !c.met).map((c) => c.label))
      : met
        ? `Met by ${children
            .filter((c) => c.met)
            .map((c) => c.label)
            .join(' and ')}.`
        : 'None of them is met.';
  return { kind: node.kind, label, met, reason, warning: null, until, children };
}

export function explainCredential(
  label: string,
  best: CredentialFact,
  span: Span,
  date: IsoDate,
  warning: string | null,
): RequirementResult {
  const inGrace = best.expiresOn !== null && date > best.expiresOn;
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
          ? `${best.typeName} expired ${formatDate(best.expiresOn)}; in its grace period through ${formatDate(addDays(best.expiresOn, best.graceDays))}.`
          : `${best.typeName}, valid through ${formatDate(best.expiresOn)}.`,
    warning,
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

export function whyNoCredential(code: string, held: CredentialFact[], date: IsoDate): string {
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

export function explainLived(
  label: string,
  facts: ClearanceFacts,
  date: IsoDate,
  span: Span | undefined,
): RequirementResult {
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
  return refusal(
    'lived_experience',
    label,
    withdrawn
      ? `The verification was withdrawn on ${formatDate(withdrawn.withdrawnOn!)}.`
      : 'Lived experience has not been verified by an admin.',
  );
}

export function explainSupervision(
  label: string,
  facts: ClearanceFacts,
  date: IsoDate,
  current: SupervisionFact | undefined,
  span: Span | undefined,
): RequirementResult {
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
    return refusal(
      'active_supervision',
      label,
      `${current.supervisorName} is not a qualified supervisor on ${formatDate(date)}.`,
    );
  const ended = facts.supervision
    .filter((s) => s.endsOn && s.endsOn < date)
    .sort((a, b) => (a.endsOn! < b.endsOn! ? 1 : -1))[0];
  return refusal(
    'active_supervision',
    label,
    ended
      ? `No supervisor since ${formatDate(addDays(ended.endsOn!, 1))} (${ended.supervisorName}'s supervision ended).`
      : 'No supervisor assigned.',
  );
}

/** A "cleared as …" requirement: the nested role's answer, or why it cannot be asked (no such role, or a loop). */
export function explainClearedAs(
  label: string,
  code: string,
  role: RoleRule | undefined,
  nested: ClearanceResult | null,
): RequirementResult {
  if (!role) return refusal('practice_role', label, `No practice role has the code ${code}.`);
  if (!nested) return refusal('practice_role', label, `The rules loop back to ${role.name}.`);
  const met = nested.status !== 'not_cleared';
  return {
    kind: 'practice_role',
    label,
    met,
    reason: met
      ? `Cleared as ${role.name}${nested.clearedUntil ? ` until ${formatDate(nested.clearedUntil)}` : ''}.`
      : `Not cleared as ${role.name}: ${nested.requirements?.reason ?? ''}`.trim(),
    warning: null,
    until: met ? (nested.warningUntil ?? nested.clearedUntil) : null,
    nested,
  };
}

/**
 * Why clearance ends when it does, in words: the two dates of a lapse and what causes it, e.g. "Cleared until
 * Dec 31, 2026; lapsed from Jan 1, 2027: may practise with a warning until Feb 14, 2027 (Certified … expires
 * Dec 31, 2026)". Null when clearance has no end in sight (or none at all).
 */
export function untilReason(
  clearedUntil: IsoDate | null,
  warningUntil: IsoDate | null,
  requirements: RequirementResult | null,
  change: RuleChange | null,
): string | null {
  if (clearedUntil === null) return null;
  const cause = endingCause(clearedUntil, requirements, change);
  const dates =
    warningUntil !== null && warningUntil !== clearedUntil
      ? `Cleared until ${formatDate(clearedUntil)}; lapsed from ${formatDate(addDays(clearedUntil, 1))}: may practise with a warning until ${formatDate(warningUntil)}`
      : `Cleared until ${formatDate(clearedUntil)}`;
  return cause ? `${dates} (${cause})` : dates;
}

/** The credential whose expiry, or the new rule whose start, is the last day cleared without a warning. */
function endingCause(day: IsoDate, node: RequirementResult | null, change: RuleChange | null): string | null {
  if (change && addDays(change.effectiveFrom, -1) === day && !change.met)
    return `version ${change.version} of the rule starts ${formatDate(change.effectiveFrom)} and is not met`;
  const stack = node ? [node] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.met && n.satisfiedBy?.expiresOn === day) return `${n.satisfiedBy.code} expires ${formatDate(day)}`;
    if (n.nested?.requirements) stack.push(n.nested.requirements);
    if (n.children) stack.push(...n.children);
  }
  return null;
}

/** A role's full answer, with the explanation of its rule. */
export function explainRole(
  role: RoleRule,
  date: IsoDate,
  version: RuleVersionFact | null,
  status: ClearanceStatus,
  clearedUntil: IsoDate | null,
  warningUntil: IsoDate | null,
  warnings: readonly string[],
  notices: readonly Notice[],
  requirements: RequirementResult | null,
  change: RuleChange | null,
): ClearanceResult {
  return {
    role: { code: role.code, name: role.name },
    date,
    ...(role.versions
      ? {
          ruleVersion: version
            ? { version: version.version, effectiveFrom: version.from, effectiveUntil: version.until }
            : null,
        }
      : {}),
    status,
    statusLabel: STATUS_LABELS[status],
    clearedUntil,
    warningUntil,
    untilReason: untilReason(clearedUntil, warningUntil, requirements, change),
    warnings: [...warnings],
    notices: [...notices],
    requirements,
    ...(change ? { ruleChange: change } : {}),
  };
}
