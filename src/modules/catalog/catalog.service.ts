import { ConflictException, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { RequestValidationException, toFieldErrors } from '../../common/http/validation';
import { addDays, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { CatalogRepository, type CredentialTypeFields } from './catalog.repository';
import { CredentialType, DEFAULT_REMINDER_DAYS } from './credential-type.entity';
import { CreateCredentialTypeDto, UpdateCredentialTypeDto } from './dto/credential-type.dto';
import { PracticeRole } from './practice-role.entity';
import { RequirementNode } from './requirement-node';
import { buildTree, referenceErrors, roleCycle, shapeErrors } from './rule-tree';

export interface RuleVersion {
  id: string;
  version: number;
  /** In force from this date (null: from the beginning) through `effectiveUntil` (null: still in force). */
  effectiveFrom: IsoDate | null;
  effectiveUntil: IsoDate | null;
  note: string | null;
  createdAt: Date;
  createdById: string | null;
  rule: RequirementNode | null;
}

export interface PracticeRoleWithRule {
  role: PracticeRole;
  /** The rule in force today (null when it has no requirements). */
  rule: RequirementNode | null;
  /** Every version, oldest first, including one scheduled to start later. */
  versions: RuleVersion[];
}

/** Whether a version was in force on at least one day (one replaced the day it was to start never was). */
export function everApplied(v: Pick<RuleVersion, 'effectiveFrom' | 'effectiveUntil'>): boolean {
  return v.effectiveFrom === null || v.effectiveUntil === null || v.effectiveUntil >= v.effectiveFrom;
}

export function inForceOn(v: Pick<RuleVersion, 'effectiveFrom' | 'effectiveUntil'>, date: IsoDate): boolean {
  return (
    everApplied(v) &&
    (v.effectiveFrom === null || v.effectiveFrom <= date) &&
    (v.effectiveUntil === null || date <= v.effectiveUntil)
  );
}

@Injectable()
export class CatalogService {
  private readonly repository: CatalogRepository;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly audit: AuditService,
    // The catalogue seed builds one without configuration: it only creates, which needs no date.
    @Optional() private readonly config?: AppConfig,
  ) {
    this.repository = new CatalogRepository(dataSource);
  }

  private today(): IsoDate {
    if (!this.config) throw new Error('CatalogService needs the configuration (time zone) to know what today is.');
    return this.config.today();
  }

  // ---- credential types ------------------------------------------------------------------

  listCredentialTypes(options: { includeInactive?: boolean } = {}): Promise<CredentialType[]> {
    return this.repository.findCredentialTypes(options.includeInactive ?? false);
  }

  async getCredentialType(id: string): Promise<CredentialType> {
    const found = await this.repository.findCredentialType(id);
    if (!found) throw new NotFoundException('No credential type with that id.');
    return found;
  }

  async createCredentialType(
    dto: CreateCredentialTypeDto,
    actor: Actor,
    manager?: EntityManager,
  ): Promise<CredentialType> {
    return this.repository.transaction(async (tx) => {
      await this.assertCodeFree(CredentialType, dto.code, tx);
      const saved = await this.repository.insertCredentialType(
        tx,
        credentialTypeFields(dto, { reminderDays: DEFAULT_REMINDER_DAYS, active: true, termsPublished: true }),
      );
      await this.audit.record(tx, actor, {
        action: 'credential_type.created',
        entityType: 'credential_type',
        entityId: saved.id,
        after: typeSnapshot(saved),
      });
      return saved;
    }, manager);
  }

  /**
   * Applies a partial change. The merged result is validated as a whole, so a change of validity
   * kind without its months or date is refused the same way as on create.
   */
  async updateCredentialType(id: string, dto: UpdateCredentialTypeDto, actor: Actor): Promise<CredentialType> {
    const existing = await this.getCredentialType(id);
    const before = typeSnapshot(existing);
    const merged = plainToInstance(CreateCredentialTypeDto, { ...existing, ...stripUndefined(dto) });
    const errors = toFieldErrors(await validate(merged, { whitelist: true }));
    if (errors.length > 0) throw new RequestValidationException(errors);
    if (merged.code.toUpperCase() !== existing.code.toUpperCase()) {
      await this.assertCodeFree(CredentialType, merged.code);
    }
    Object.assign(existing, credentialTypeFields(merged, existing));
    return this.repository.transaction(async (tx) => {
      const saved = await this.repository.saveCredentialType(tx, existing);
      await this.audit.record(tx, actor, {
        action: 'credential_type.updated',
        entityType: 'credential_type',
        entityId: id,
        before,
        after: typeSnapshot(saved),
      });
      return saved;
    });
  }

  // ---- practice roles and their rules ---------------------------------------------------------

  /** Every practice role with its rule in force today and its whole history: three queries. */
  async listPracticeRoles(): Promise<PracticeRoleWithRule[]> {
    return this.withRules(await this.repository.findPracticeRoles());
  }

  async getPracticeRole(id: string): Promise<PracticeRoleWithRule> {
    const role = await this.repository.findPracticeRole(id);
    if (!role) throw new NotFoundException('No practice role with that id.');
    return (await this.withRules([role]))[0];
  }

  private async withRules(roles: PracticeRole[]): Promise<PracticeRoleWithRule[]> {
    if (roles.length === 0) return [];
    const ids = roles.map((r) => r.id);
    const [versions, nodes] = await Promise.all([
      this.repository.findRuleVersions(ids),
      this.repository.findRequirementRows(ids),
    ]);
    const today = this.today();
    return roles.map((role) => {
      const history = versions
        .filter((v) => v.practiceRoleId === role.id)
        .map((v): RuleVersion => ({
          id: v.id,
          version: v.version,
          effectiveFrom: v.effectiveFrom,
          effectiveUntil: v.effectiveUntil,
          note: v.note,
          createdAt: v.createdAt,
          createdById: v.createdById,
          rule: buildTree(nodes.filter((n) => n.ruleVersionId === v.id)),
        }));
      return { role, rule: history.find((v) => inForceOn(v, today))?.rule ?? null, versions: history };
    });
  }

  async createPracticeRole(
    input: { code: string; name: string; description?: string | null; rule: RequirementNode },
    actor: Actor,
    manager?: EntityManager,
  ): Promise<PracticeRole> {
    await this.assertCodeFree(PracticeRole, input.code, manager);
    return this.repository.transaction(async (tx) => {
      const role = await this.repository.insertPracticeRole(tx, {
        code: input.code,
        name: input.name,
        description: input.description ?? null,
      });
      // A new role's rule is its definition, not a change to one: it is version 1, from the beginning.
      const version = await this.repository.insertRuleVersion(tx, {
        practiceRoleId: role.id,
        version: 1,
        effectiveFrom: null,
        createdById: actor.personId,
      });
      await this.writeRule(tx, role, version.id, null, input.rule);
      await this.audit.record(tx, actor, {
        action: 'practice_role.created',
        entityType: 'practice_role',
        entityId: role.id,
        after: { code: role.code, name: role.name, description: role.description, rule: input.rule },
      });
      return role;
    }, manager);
  }

  /** The practice roles whose rule names this credential type. */
  async findPracticeRolesRequiring(credentialTypeId: string): Promise<PracticeRole[]> {
    return this.repository.findPracticeRolesRequiring(credentialTypeId, this.today());
  }

  /**
   * Changes a practice role's rule from `effectiveFrom` (today by default, never a past date): the
   * version in force closes the day before and a new version opens, so clearance on any earlier
   * date keeps using the rule as it stood then. Every code and date in the tree is checked first.
   */
  async replaceRule(
    practiceRoleId: string,
    rule: RequirementNode,
    actor: Actor,
    options: { effectiveFrom?: IsoDate; note?: string | null } = {},
  ): Promise<PracticeRoleWithRule> {
    const before = await this.getPracticeRole(practiceRoleId);
    const today = this.today();
    const from = options.effectiveFrom ?? today;
    const latest = before.versions[before.versions.length - 1];
    if (from < today)
      throw new RequestValidationException([
        {
          field: 'effectiveFrom',
          message: 'cannot be in the past: clearance already answered for past dates must not change',
        },
      ]);
    if (latest?.effectiveFrom && from < latest.effectiveFrom)
      throw new RequestValidationException([
        {
          field: 'effectiveFrom',
          message: `must be on or after ${latest.effectiveFrom}, when version ${latest.version} (already scheduled) starts`,
        },
      ]);
    await this.repository.transaction(async (tx) => {
      if (latest) await this.repository.closeRuleVersion(tx, latest.id, addDays(from, -1));
      const next = await this.repository.insertRuleVersion(tx, {
        practiceRoleId,
        version: (latest?.version ?? 0) + 1,
        effectiveFrom: from,
        effectiveUntil: null,
        note: options.note ?? null,
        createdById: actor.personId,
      });
      await this.writeRule(tx, before.role, next.id, from, rule);
      await this.audit.record(tx, actor, {
        action: 'practice_role.rule_replaced',
        entityType: 'practice_role',
        entityId: practiceRoleId,
        before: latest
          ? { version: latest.version, effectiveFrom: latest.effectiveFrom, effectiveUntil: null, rule: latest.rule }
          : null,
        after: {
          version: next.version,
          effectiveFrom: from,
          note: next.note,
          rule,
          ...(latest ? { previousVersionEffectiveUntil: addDays(from, -1) } : {}),
        },
      });
    });
    return this.getPracticeRole(practiceRoleId);
  }

  /** Checks `rule` and writes it as the rows of one version, in force from `from` (null: from the beginning). */
  private async writeRule(
    tx: EntityManager,
    role: PracticeRole,
    ruleVersionId: string,
    from: IsoDate | null,
    rule: RequirementNode,
  ): Promise<void> {
    const { errors, credentialCodes, roleCodes } = shapeErrors(rule);
    const types = credentialCodes.size ? await this.repository.findAllCredentialTypes(tx) : [];
    const typeByCode = new Map(types.map((t) => [t.code.toUpperCase(), t]));
    const roles = roleCodes.size ? await this.repository.findAllPracticeRoles(tx) : [];
    const roleByCode = new Map(roles.map((r) => [r.code.toUpperCase(), r]));
    errors.push(...referenceErrors(rule, role.id, typeByCode, roleByCode));
    if (errors.length === 0 && roleCodes.size > 0) {
      const cycle = await this.findCycle(
        tx,
        role.id,
        from,
        [...roleCodes].map((c) => roleByCode.get(c)!.id),
      );
      if (cycle) errors.push({ field: 'rule', message: `this would make a circle of required roles: ${cycle}` });
    }
    if (errors.length > 0) throw new RequestValidationException(errors);

    const insert = async (node: RequirementNode, parentId: string | null, position: number): Promise<void> => {
      const row = await this.repository.insertRequirement(tx, {
        practiceRoleId: role.id,
        ruleVersionId,
        parentId,
        position,
        kind: node.kind,
        credentialTypeId:
          node.kind === 'credential' ? typeByCode.get(node.credentialTypeCode!.toUpperCase())!.id : null,
        requiredPracticeRoleId:
          node.kind === 'practice_role' ? roleByCode.get(node.practiceRoleCode!.toUpperCase())!.id : null,
        appliesFrom: node.appliesFrom ?? null,
        appliesUntil: node.appliesUntil ?? null,
      });
      for (const [i, child] of (node.children ?? []).entries()) await insert(child, row.id, i);
    };
    await insert(rule, null, 0);
  }

  /**
   * Follows "requires being cleared as" links from the given roles, in the rules in force from
   * `from` on (null: any time); returns a description of a loop back to `roleId`, if any.
   */
  private async findCycle(
    tx: EntityManager,
    roleId: string,
    from: IsoDate | null,
    requiredIds: string[],
  ): Promise<string | null> {
    const links = await this.repository.findRoleLinks(tx, from);
    const names = new Map((await this.repository.findAllPracticeRoles(tx)).map((r) => [r.id, r.code]));
    return roleCycle(roleId, links, requiredIds, names);
  }

  /** People's names by id, for "changed by" lines. */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return this.repository.findPeopleNames(ids);
  }

  private async assertCodeFree(
    entity: typeof CredentialType | typeof PracticeRole,
    code: string,
    manager?: EntityManager,
  ): Promise<void> {
    if (await this.repository.isCodeTaken(entity, code, manager))
      throw new ConflictException({
        statusCode: 409,
        message: `The code ${code} is already in use.`,
        errors: [{ field: 'code', message: 'is already in use' }],
      });
  }
}

/** What the audit log keeps of a credential type. */
function typeSnapshot(t: CredentialType) {
  const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = t;
  return fields;
}

/**
 * A credential type's fields from a validated create DTO (or an update merged over the existing type).
 * `defaults` fill what the form left out: the stock reminders and "active, terms published" for a new
 * type, the type's own values for an edit.
 */
function credentialTypeFields(
  dto: CreateCredentialTypeDto,
  defaults: Pick<CredentialType, 'reminderDays' | 'active' | 'termsPublished'>,
): CredentialTypeFields {
  return {
    ...normaliseValidity(dto),
    code: dto.code,
    name: dto.name,
    issuer: dto.issuer,
    kind: dto.kind,
    graceDays: dto.graceDays ?? 0,
    terminatesAfterDays: dto.terminatesAfterDays ?? null,
    reminderDays: sortReminders(dto.reminderDays ?? defaults.reminderDays),
    renewalCeHours: dto.renewalCeHours ?? null,
    description: dto.description ?? null,
    active: dto.active ?? defaults.active,
    termsPublished: dto.termsPublished ?? defaults.termsPublished,
  };
}

function normaliseValidity(
  dto: Pick<
    CreateCredentialTypeDto,
    | 'validityKind'
    | 'validityMonths'
    | 'fixedExpiryMonth'
    | 'fixedExpiryDay'
    | 'fixedDateLeadDays'
    | 'fixedDateLeadVerified'
  >,
) {
  return {
    validityKind: dto.validityKind,
    validityMonths: dto.validityKind === 'months' ? (dto.validityMonths ?? null) : null,
    fixedExpiryMonth: dto.validityKind === 'fixed_date' ? (dto.fixedExpiryMonth ?? null) : null,
    fixedExpiryDay: dto.validityKind === 'fixed_date' ? (dto.fixedExpiryDay ?? null) : null,
    fixedDateLeadDays: dto.validityKind === 'fixed_date' ? (dto.fixedDateLeadDays ?? 0) : 0,
    fixedDateLeadVerified: dto.validityKind === 'fixed_date' ? (dto.fixedDateLeadVerified ?? true) : true,
  };
}

function sortReminders(days: number[]): number[] {
  return [...new Set(days)].sort((a, b) => b - a);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
