import { Injectable } from '@nestjs/common';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import { CREDENTIAL_KINDS, type CredentialType } from './credential-type.entity';
import { describeValidity } from './credential-validity';
import { CatalogService, everApplied, inForceOn, type PracticeRoleWithRule } from './catalog.service';
import type { RequirementNode } from './requirement-node';
import { editorTree, rowsFromRule, type RuleDraft } from './rule-form';
import { formatDate, LONG_MONTHS } from '../../common/dates';

const MONTHS = LONG_MONTHS.map((name, i) => ({ value: i + 1, name }));
const ADDABLE_KINDS = [
  { value: 'credential', label: 'A credential' },
  { value: 'practice_role', label: 'Cleared as another practice role' },
  { value: 'lived_experience', label: 'Lived experience, verified' },
  { value: 'active_supervision', label: 'Active qualified supervision' },
  { value: 'all_of', label: 'A group: all of…' },
  { value: 'any_of', label: 'A group: any one of…' },
];

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
    sortOrder: role.sortOrder,
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

/** The catalogue pages' view models: the practice role page with its rule editor, the list of roles, and the type form. */
@Injectable()
export class CatalogViews {
  constructor(
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
  ) {}

  /** The list of practice roles, each with its rule in words. */
  async roles() {
    const roles = await this.catalog.listPracticeRoles();
    const names = await this.names(roles);
    return {
      title: 'Practice roles',
      roles: roles.map((r) => ({ ...practiceRoleView(r), rule: r.rule ? ruleInWords(r.rule, names) : null })),
    };
  }

  /** The practice role page: the rule in words and its history; for an admin, the rule editor with its draft. */
  async role(
    id: string,
    user: AuthUser,
    extra: { notice?: string; draft?: RuleDraft; errors?: Record<string, string> | null } = {},
  ) {
    const found = await this.catalog.getPracticeRole(id);
    const roles = await this.catalog.listPracticeRoles();
    const names = await this.names(roles);
    const view = practiceRoleView(found);
    const authors = await this.catalog.namesOf(
      view.versions.map((v) => v.createdById).filter((id): id is string => id !== null),
    );
    const today = this.config.today();
    const model = {
      title: found.role.name,
      notice: extra.notice,
      role: view,
      // Where it stands in the catalogue's order (the board's columns follow it).
      position: {
        place: roles.findIndex((r) => r.role.id === found.role.id) + 1,
        of: roles.length,
        canMove: hasRole(user, 'admin'),
      },
      rule: found.rule ? ruleInWords(found.rule, names) : null,
      ruleJson: JSON.stringify(found.rule, null, 2),
      // Newest first: what changed last is what people come to check.
      history: [...view.versions].reverse().map((v) => ({
        ...v,
        span: versionSpanInWords(v),
        inForce: inForceOn(v, today),
        by: v.createdById ? (authors.get(v.createdById) ?? null) : null,
        rule: v.rule ? ruleInWords(v.rule, names) : null,
      })),
    };
    if (!hasRole(user, 'admin')) return model;
    // Edits start from the newest version (it may be scheduled for later): a change comes after it.
    const latest = view.versions[view.versions.length - 1];
    const earliest = latest?.effectiveFrom && latest.effectiveFrom > today ? latest.effectiveFrom : today;
    const draft = extra.draft ?? { rows: rowsFromRule(latest?.rule ?? null), effectiveFrom: earliest, note: '' };
    const errors = extra.errors ?? null;
    const types = names.types;
    const roleOptions = roles
      .filter((r) => r.role.id !== found.role.id)
      .map((r) => ({ code: r.role.code, name: r.role.name }));
    const typeOptions = [...types.values()].map((t) => ({ code: t.code, name: t.name, inactive: !t.active }));
    return {
      ...model,
      editor: {
        open: !!extra.draft,
        errors,
        startsFrom:
          latest && latest.effectiveFrom && latest.effectiveFrom > today
            ? { version: latest.version, from: latest.effectiveFrom }
            : null,
        earliest,
        effectiveFrom: draft.effectiveFrom,
        note: draft.note,
        tree: editorTree(draft.rows, errors, {
          credential: new Set(typeOptions.map((t) => t.code)),
          practice_role: new Set(roleOptions.map((r) => r.code)),
        }),
        typeOptions,
        roleOptions,
        kinds: ADDABLE_KINDS,
      },
    };
  }

  private async names(roles: Awaited<ReturnType<CatalogService['listPracticeRoles']>>) {
    const types = await this.catalog.listCredentialTypes({ includeInactive: true });
    return {
      types: new Map(types.map((t) => [t.code.toUpperCase(), t])),
      roles: new Map(roles.map(({ role }) => [role.code.toUpperCase(), role])),
    };
  }

  /**
   * The credential type form. Each switch posts a hidden `false` and, when on, `true` after it, so the last value
   * sent wins; `termsPublished` and `fixedDateLeadVerified` start on when the values do not mention them.
   */
  form(title: string, action: string, cancel: string, values: object, errors: Record<string, string> | null = null) {
    const v = values as { active?: unknown; termsPublished?: unknown; fixedDateLeadVerified?: unknown };
    const last = (x: unknown) => (Array.isArray(x) ? x[x.length - 1] : x);
    const active = last(v.active);
    const published = v.termsPublished === undefined ? true : last(v.termsPublished);
    const leadVerified = v.fixedDateLeadVerified === undefined ? true : last(v.fixedDateLeadVerified);
    return {
      title,
      action,
      cancel,
      values: {
        ...values,
        active: active === true || active === 'true' || active === 'on',
        termsPublished: published === true || published === 'true' || published === 'on',
        fixedDateLeadVerified: leadVerified === true || leadVerified === 'true' || leadVerified === 'on',
      },
      errors,
      kinds: CREDENTIAL_KINDS,
      months: MONTHS,
    };
  }
}
