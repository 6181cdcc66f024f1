import type { CredentialType } from './credential-type.entity';
import { describeValidity } from './credential-validity';
import { everApplied, type PracticeRoleWithRule } from './catalog.service';
import type { RequirementNode } from './requirement-node';
import { formatDate } from '../../common/dates';

export function credentialTypeView(t: CredentialType) {
  return {
    id: t.id,
    code: t.code,
    name: t.name,
    issuer: t.issuer,
    kind: t.kind,
    validityKind: t.validityKind,
    validityMonths: t.validityMonths,
    fixedExpiryMonth: t.fixedExpiryMonth,
    fixedExpiryDay: t.fixedExpiryDay,
    fixedDateLeadDays: t.fixedDateLeadDays,
    fixedDateLeadVerified: t.fixedDateLeadVerified,
    graceDays: t.graceDays,
    terminatesAfterDays: t.terminatesAfterDays,
    reminderDays: t.reminderDays,
    renewalCeHours: t.renewalCeHours,
    description: t.description,
    active: t.active,
    termsPublished: t.termsPublished,
    validitySummary: describeValidity(t),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export function practiceRoleView({ role, rule, versions }: PracticeRoleWithRule) {
  return {
    id: role.id,
    code: role.code,
    name: role.name,
    description: role.description,
    active: role.active,
    rule,
    versions: versions.map((v) => ({
      version: v.version,
      effectiveFrom: v.effectiveFrom,
      effectiveUntil: v.effectiveUntil,
      everApplied: everApplied(v),
      note: v.note,
      createdAt: v.createdAt.toISOString(),
      createdById: v.createdById,
      rule: v.rule,
    })),
  };
}

/** When a version was in force, in words. */
export function versionSpanInWords(v: {
  effectiveFrom: string | null;
  effectiveUntil: string | null;
  everApplied: boolean;
}): string {
  if (!v.everApplied) return `Replaced before it started (${formatDate(v.effectiveFrom!)}): never in force`;
  const from = v.effectiveFrom ? `From ${formatDate(v.effectiveFrom)}` : 'From the beginning';
  return v.effectiveUntil ? `${from} through ${formatDate(v.effectiveUntil)}` : `${from}, still in force`;
}

export interface RuleLine {
  text: string;
  href?: string;
  when?: string;
  children?: RuleLine[];
}

/** A rule tree in words, for people who read it rather than edit JSON. */
export function ruleInWords(
  node: RequirementNode,
  names: { types: Map<string, CredentialType>; roles: Map<string, { id: string; name: string }> },
): RuleLine {
  const from = node.appliesFrom ? formatDate(node.appliesFrom) : undefined;
  const until = node.appliesUntil ? formatDate(node.appliesUntil) : undefined;
  const when =
    from && until ? `from ${from} until ${until}` : from ? `from ${from}` : until ? `until ${until}` : undefined;
  // A group of one reads better as the one requirement itself.
  if (node.children?.length === 1 && !when) return ruleInWords(node.children[0], names);
  const children = node.children?.map((c) => ruleInWords(c, names));
  switch (node.kind) {
    case 'all_of':
      return { text: 'All of these:', when, children };
    case 'any_of':
      return { text: 'Any one of these:', when, children };
    case 'lived_experience':
      return { text: 'Lived experience verified by an admin', when };
    case 'active_supervision':
      return { text: 'Active supervision by a qualified supervisor', when };
    case 'credential': {
      const type = names.types.get(node.credentialTypeCode!.toUpperCase());
      return {
        text: `${node.credentialTypeCode} current${type ? ` (${type.name})` : ''}`,
        href: type ? `/catalog/credential-types/${type.id}` : undefined,
        when,
      };
    }
    case 'practice_role': {
      const role = names.roles.get(node.practiceRoleCode!.toUpperCase());
      return {
        text: `Cleared as ${role?.name ?? node.practiceRoleCode}`,
        href: role ? `/catalog/practice-roles/${role.id}` : undefined,
        when,
      };
    }
  }
}
