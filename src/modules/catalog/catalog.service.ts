import { ConflictException, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, EntityManager, In } from 'typeorm';
import { RequestValidationException, toFieldErrors, type FieldError } from '../../common/http/validation';
import { addDays, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { CredentialType, DEFAULT_REMINDER_DAYS } from './credential-type.entity';
import { CreateCredentialTypeDto, UpdateCredentialTypeDto } from './dto/credential-type.dto';
import { GROUP_KINDS, PracticeRoleRequirement } from './practice-role-requirement.entity';
import { Person } from '../people/person.entity';
import { PracticeRoleRuleVersion } from './practice-role-rule-version.entity';
import { PracticeRole } from './practice-role.entity';
import { RequirementNode } from './requirement-node';

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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    // The catalogue seed builds one without configuration: it only creates, which needs no date.
    @Optional() private readonly config?: AppConfig,
  ) {}

  private today(): IsoDate {
    if (!this.config) throw new Error('CatalogService needs the configuration (time zone) to know what today is.');
    return this.config.today();
  }

  // ---- credential types ------------------------------------------------------------------

  listCredentialTypes(options: { includeInactive?: boolean } = {}): Promise<CredentialType[]> {
    return this.dataSource.getRepository(CredentialType).find({
      where: options.includeInactive ? {} : { active: true },
      order: { code: 'ASC' },
    });
  }

  async getCredentialType(id: string): Promise<CredentialType> {
    const found = await this.dataSource.getRepository(CredentialType).findOneBy({ id });
    if (!found) throw new NotFoundException('No credential type with that id.');
    return found;
  }

  async createCredentialType(
    dto: CreateCredentialTypeDto,
    actor: Actor,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CredentialType> {
    return manager.transaction(async (tx) => {
      await this.assertCodeFree(tx, CredentialType, dto.code);
      const repo = tx.getRepository(CredentialType);
      const type = repo.create({
        ...normaliseValidity(dto),
        code: dto.code,
        name: dto.name,
        issuer: dto.issuer,
        kind: dto.kind,
        graceDays: dto.graceDays ?? 0,
        terminatesAfterDays: dto.terminatesAfterDays ?? null,
        reminderDays: sortReminders(dto.reminderDays ?? DEFAULT_REMINDER_DAYS),
        renewalCeHours: dto.renewalCeHours ?? null,
        description: dto.description ?? null,
        active: dto.active ?? true,
        termsPublished: dto.termsPublished ?? true,
      });
      const saved = await repo.save(type);
      await this.audit.record(tx, actor, {
        action: 'credential_type.created',
        entityType: 'credential_type',
        entityId: saved.id,
        after: typeSnapshot(saved),
      });
      return saved;
    });
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
      await this.assertCodeFree(this.dataSource.manager, CredentialType, merged.code);
    }
    Object.assign(existing, {
      ...normaliseValidity(merged),
      code: merged.code,
      name: merged.name,
      issuer: merged.issuer,
      kind: merged.kind,
      graceDays: merged.graceDays ?? 0,
      terminatesAfterDays: merged.terminatesAfterDays ?? null,
      reminderDays: sortReminders(merged.reminderDays ?? existing.reminderDays),
      renewalCeHours: merged.renewalCeHours ?? null,
      description: merged.description ?? null,
      active: merged.active ?? existing.active,
      termsPublished: merged.termsPublished ?? existing.termsPublished,
    });
    return this.dataSource.transaction(async (tx) => {
      const saved = await tx.getRepository(CredentialType).save(existing);
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
    const roles = await this.dataSource.getRepository(PracticeRole).find({ order: { name: 'ASC' } });
    return this.withRules(roles);
  }

  async getPracticeRole(id: string): Promise<PracticeRoleWithRule> {
    const role = await this.dataSource.getRepository(PracticeRole).findOneBy({ id });
    if (!role) throw new NotFoundException('No practice role with that id.');
    return (await this.withRules([role]))[0];
  }

  private async withRules(roles: PracticeRole[]): Promise<PracticeRoleWithRule[]> {
    if (roles.length === 0) return [];
    const ids = roles.map((r) => r.id);
    const [versions, nodes] = await Promise.all([
      this.dataSource
        .getRepository(PracticeRoleRuleVersion)
        .find({ where: { practiceRoleId: In(ids) }, order: { version: 'ASC' } }),
      this.findRequirementRows(ids),
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
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PracticeRole> {
    await this.assertCodeFree(manager, PracticeRole, input.code);
    return manager.transaction(async (tx) => {
      const role = await tx
        .getRepository(PracticeRole)
        .save(
          tx
            .getRepository(PracticeRole)
            .create({ code: input.code, name: input.name, description: input.description ?? null }),
        );
      // A new role's rule is its definition, not a change to one: it is version 1, from the beginning.
      const version = await tx
        .getRepository(PracticeRoleRuleVersion)
        .save(
          tx
            .getRepository(PracticeRoleRuleVersion)
            .create({ practiceRoleId: role.id, version: 1, effectiveFrom: null, createdById: actor.personId }),
        );
      await this.writeRule(tx, role, version.id, null, input.rule);
      await this.audit.record(tx, actor, {
        action: 'practice_role.created',
        entityType: 'practice_role',
        entityId: role.id,
        after: { code: role.code, name: role.name, description: role.description, rule: input.rule },
      });
      return role;
    });
  }

  /** The practice roles whose rule names this credential type. */
  async findPracticeRolesRequiring(credentialTypeId: string): Promise<PracticeRole[]> {
    return this.dataSource
      .getRepository(PracticeRole)
      .createQueryBuilder('role')
      .where(
        `role.id IN (SELECT r.practice_role_id FROM practice_role_requirements r JOIN practice_role_rule_versions v ON v.id = r.rule_version_id
                      WHERE r.credential_type_id = :id AND (v.effective_until IS NULL OR v.effective_until >= :today))`,
        { id: credentialTypeId, today: this.today() },
      )
      .orderBy('role.name', 'ASC')
      .getMany();
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
    await this.dataSource.transaction(async (tx) => {
      const versions = tx.getRepository(PracticeRoleRuleVersion);
      if (latest) await versions.update({ id: latest.id }, { effectiveUntil: addDays(from, -1) });
      const next = await versions.save(
        versions.create({
          practiceRoleId,
          version: (latest?.version ?? 0) + 1,
          effectiveFrom: from,
          effectiveUntil: null,
          note: options.note ?? null,
          createdById: actor.personId,
        }),
      );
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
    const errors: FieldError[] = [];
    const credentialCodes = new Set<string>();
    const roleCodes = new Set<string>();
    walk(rule, 'rule', (node, path) => {
      if (GROUP_KINDS.includes(node.kind) && !(node.children && node.children.length > 0)) {
        errors.push({ field: path, message: `an ${node.kind} group needs at least one requirement` });
      }
      if (!GROUP_KINDS.includes(node.kind) && node.children && node.children.length > 0) {
        errors.push({ field: path, message: `a ${node.kind} requirement cannot have children` });
      }
      if (node.appliesFrom && node.appliesUntil && node.appliesUntil < node.appliesFrom) {
        errors.push({ field: path, message: 'appliesUntil is before appliesFrom' });
      }
      if (node.kind === 'credential' && node.credentialTypeCode)
        credentialCodes.add(node.credentialTypeCode.toUpperCase());
      if (node.kind === 'practice_role' && node.practiceRoleCode) roleCodes.add(node.practiceRoleCode.toUpperCase());
    });

    const types = credentialCodes.size ? await tx.getRepository(CredentialType).find() : [];
    const typeByCode = new Map(types.map((t) => [t.code.toUpperCase(), t]));
    const roles = roleCodes.size ? await tx.getRepository(PracticeRole).find() : [];
    const roleByCode = new Map(roles.map((r) => [r.code.toUpperCase(), r]));
    walk(rule, 'rule', (node, path) => {
      if (
        node.kind === 'credential' &&
        node.credentialTypeCode &&
        !typeByCode.has(node.credentialTypeCode.toUpperCase())
      ) {
        errors.push({
          field: `${path}.credentialTypeCode`,
          message: `no credential type has the code ${node.credentialTypeCode}`,
        });
      }
      if (node.kind === 'practice_role' && node.practiceRoleCode) {
        const target = roleByCode.get(node.practiceRoleCode.toUpperCase());
        if (!target)
          errors.push({
            field: `${path}.practiceRoleCode`,
            message: `no practice role has the code ${node.practiceRoleCode}`,
          });
        else if (target.id === role.id)
          errors.push({ field: `${path}.practiceRoleCode`, message: 'a practice role cannot require itself' });
      }
    });
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

    const repo = tx.getRepository(PracticeRoleRequirement);
    const insert = async (node: RequirementNode, parentId: string | null, position: number): Promise<void> => {
      const row = await repo.save(
        repo.create({
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
        }),
      );
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
    const links = await tx
      .getRepository(PracticeRoleRequirement)
      .createQueryBuilder('r')
      .innerJoin(PracticeRoleRuleVersion, 'v', 'v.id = r.rule_version_id')
      .select(['r.id', 'r.practiceRoleId', 'r.requiredPracticeRoleId'])
      .where("r.kind = 'practice_role'")
      .andWhere(from ? '(v.effective_until IS NULL OR v.effective_until >= :from)' : '1 = 1', { from })
      .getMany();
    const names = new Map((await tx.getRepository(PracticeRole).find()).map((r) => [r.id, r.code]));
    const edges = new Map<string, string[]>();
    for (const l of links) {
      if (l.practiceRoleId === roleId) continue; // the role's own rule is being replaced from `from`
      edges.set(l.practiceRoleId, [...(edges.get(l.practiceRoleId) ?? []), l.requiredPracticeRoleId!]);
    }
    const search = (id: string, path: string[], seen: Set<string>): string[] | null => {
      if (id === roleId) return path;
      if (seen.has(id)) return null;
      seen.add(id);
      for (const next of edges.get(id) ?? []) {
        const found = search(next, [...path, next], seen);
        if (found) return found;
      }
      return null;
    };
    for (const start of requiredIds) {
      const path = search(start, [roleId, start], new Set());
      if (path) return path.map((id) => names.get(id) ?? id).join(' → ');
    }
    return null;
  }

  /** People's names by id, for "changed by" lines. */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const people = await this.dataSource
      .getRepository(Person)
      .find({ where: { id: In([...new Set(ids)]) }, select: { id: true, name: true, preferredName: true } });
    return new Map(people.map((p) => [p.id, p.displayName]));
  }

  private findRequirementRows(roleIds: string[]): Promise<PracticeRoleRequirement[]> {
    if (roleIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(PracticeRoleRequirement).find({
      where: { practiceRoleId: In(roleIds) },
      relations: { credentialType: true, requiredPracticeRole: true },
      order: { position: 'ASC' },
    });
  }

  private async assertCodeFree(
    manager: EntityManager,
    entity: typeof CredentialType | typeof PracticeRole,
    code: string,
  ): Promise<void> {
    const clash = await manager
      .getRepository<{ code: string }>(entity)
      .createQueryBuilder('e')
      .where('upper(e.code) = :code', { code: code.toUpperCase() })
      .getOne();
    if (clash)
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

function normaliseValidity(
  dto: Pick<CreateCredentialTypeDto, 'validityKind' | 'validityMonths' | 'fixedExpiryMonth' | 'fixedExpiryDay'>,
) {
  return {
    validityKind: dto.validityKind,
    validityMonths: dto.validityKind === 'months' ? (dto.validityMonths ?? null) : null,
    fixedExpiryMonth: dto.validityKind === 'fixed_date' ? (dto.fixedExpiryMonth ?? null) : null,
    fixedExpiryDay: dto.validityKind === 'fixed_date' ? (dto.fixedExpiryDay ?? null) : null,
  };
}

function sortReminders(days: number[]): number[] {
  return [...new Set(days)].sort((a, b) => b - a);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function walk(node: RequirementNode, path: string, visit: (node: RequirementNode, path: string) => void): void {
  visit(node, path);
  (node.children ?? []).forEach((child, i) => walk(child, `${path}.children.${i}`, visit));
}

/** Rebuilds the tree from its rows (ordered by position). */
export function buildTree(rows: PracticeRoleRequirement[]): RequirementNode | null {
  const toNode = (row: PracticeRoleRequirement): RequirementNode => {
    const node: RequirementNode = { kind: row.kind };
    if (row.credentialType) node.credentialTypeCode = row.credentialType.code;
    if (row.requiredPracticeRole) node.practiceRoleCode = row.requiredPracticeRole.code;
    if (row.appliesFrom) node.appliesFrom = row.appliesFrom;
    if (row.appliesUntil) node.appliesUntil = row.appliesUntil;
    if (GROUP_KINDS.includes(row.kind)) node.children = rows.filter((r) => r.parentId === row.id).map(toNode);
    return node;
  };
  const root = rows.find((r) => r.parentId === null);
  return root ? toNode(root) : null;
}
