import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, EntityManager, In } from 'typeorm';
import { RequestValidationException, toFieldErrors, type FieldError } from '../../common/http/validation';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { CredentialType, DEFAULT_REMINDER_DAYS } from './credential-type.entity';
import { CreateCredentialTypeDto, UpdateCredentialTypeDto } from './dto/credential-type.dto';
import { GROUP_KINDS, PracticeRoleRequirement } from './practice-role-requirement.entity';
import { PracticeRole } from './practice-role.entity';
import { RequirementNode } from './requirement-node';

export interface PracticeRoleWithRule {
  role: PracticeRole;
  rule: RequirementNode | null;
}

@Injectable()
export class CatalogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

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

  async createCredentialType(dto: CreateCredentialTypeDto, actor: Actor, manager: EntityManager = this.dataSource.manager): Promise<CredentialType> {
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
      });
      const saved = await repo.save(type);
      await this.audit.record(tx, actor, { action: 'credential_type.created', entityType: 'credential_type', entityId: saved.id, after: typeSnapshot(saved) });
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

  async listPracticeRoles(): Promise<PracticeRoleWithRule[]> {
    const roles = await this.dataSource.getRepository(PracticeRole).find({ order: { name: 'ASC' } });
    const nodes = await this.findRequirementRows(roles.map((r) => r.id));
    return roles.map((role) => ({ role, rule: buildTree(nodes.filter((n) => n.practiceRoleId === role.id)) }));
  }

  async getPracticeRole(id: string): Promise<PracticeRoleWithRule> {
    const role = await this.dataSource.getRepository(PracticeRole).findOneBy({ id });
    if (!role) throw new NotFoundException('No practice role with that id.');
    return { role, rule: buildTree(await this.findRequirementRows([role.id])) };
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
        .save(tx.getRepository(PracticeRole).create({ code: input.code, name: input.name, description: input.description ?? null }));
      await this.writeRule(tx, role, input.rule);
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
      .where('role.id IN (SELECT r.practice_role_id FROM practice_role_requirements r WHERE r.credential_type_id = :id)', { id: credentialTypeId })
      .orderBy('role.name', 'ASC')
      .getMany();
  }

  /** Replaces a practice role's rule with a new tree, after checking every code and date in it. */
  async replaceRule(practiceRoleId: string, rule: RequirementNode, actor: Actor): Promise<PracticeRoleWithRule> {
    const before = await this.getPracticeRole(practiceRoleId);
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(PracticeRoleRequirement).delete({ practiceRoleId });
      await this.writeRule(tx, before.role, rule);
      await this.audit.record(tx, actor, {
        action: 'practice_role.rule_replaced',
        entityType: 'practice_role',
        entityId: practiceRoleId,
        before: { rule: before.rule },
        after: { rule },
      });
    });
    return this.getPracticeRole(practiceRoleId);
  }

  private async writeRule(tx: EntityManager, role: PracticeRole, rule: RequirementNode): Promise<void> {
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
      if (node.kind === 'credential' && node.credentialTypeCode) credentialCodes.add(node.credentialTypeCode.toUpperCase());
      if (node.kind === 'practice_role' && node.practiceRoleCode) roleCodes.add(node.practiceRoleCode.toUpperCase());
    });

    const types = credentialCodes.size ? await tx.getRepository(CredentialType).find() : [];
    const typeByCode = new Map(types.map((t) => [t.code.toUpperCase(), t]));
    const roles = roleCodes.size ? await tx.getRepository(PracticeRole).find() : [];
    const roleByCode = new Map(roles.map((r) => [r.code.toUpperCase(), r]));
    walk(rule, 'rule', (node, path) => {
      if (node.kind === 'credential' && node.credentialTypeCode && !typeByCode.has(node.credentialTypeCode.toUpperCase())) {
        errors.push({ field: `${path}.credentialTypeCode`, message: `no credential type has the code ${node.credentialTypeCode}` });
      }
      if (node.kind === 'practice_role' && node.practiceRoleCode) {
        const target = roleByCode.get(node.practiceRoleCode.toUpperCase());
        if (!target) errors.push({ field: `${path}.practiceRoleCode`, message: `no practice role has the code ${node.practiceRoleCode}` });
        else if (target.id === role.id) errors.push({ field: `${path}.practiceRoleCode`, message: 'a practice role cannot require itself' });
      }
    });
    if (errors.length === 0 && roleCodes.size > 0) {
      const cycle = await this.findCycle(
        tx,
        role.id,
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
          parentId,
          position,
          kind: node.kind,
          credentialTypeId: node.kind === 'credential' ? typeByCode.get(node.credentialTypeCode!.toUpperCase())!.id : null,
          requiredPracticeRoleId: node.kind === 'practice_role' ? roleByCode.get(node.practiceRoleCode!.toUpperCase())!.id : null,
          appliesFrom: node.appliesFrom ?? null,
          appliesUntil: node.appliesUntil ?? null,
        }),
      );
      for (const [i, child] of (node.children ?? []).entries()) await insert(child, row.id, i);
    };
    await insert(rule, null, 0);
  }

  /** Follows "requires being cleared as" links from the given roles; returns a description of a loop back to `roleId`, if any. */
  private async findCycle(tx: EntityManager, roleId: string, requiredIds: string[]): Promise<string | null> {
    const links = await tx
      .getRepository(PracticeRoleRequirement)
      .find({ where: { kind: 'practice_role' }, select: { practiceRoleId: true, requiredPracticeRoleId: true } });
    const names = new Map((await tx.getRepository(PracticeRole).find()).map((r) => [r.id, r.code]));
    const edges = new Map<string, string[]>();
    for (const l of links) {
      if (l.practiceRoleId === roleId) continue; // the role's old rule is being replaced
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

  private findRequirementRows(roleIds: string[]): Promise<PracticeRoleRequirement[]> {
    if (roleIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(PracticeRoleRequirement).find({
      where: { practiceRoleId: In(roleIds) },
      relations: { credentialType: true, requiredPracticeRole: true },
      order: { position: 'ASC' },
    });
  }

  private async assertCodeFree(manager: EntityManager, entity: typeof CredentialType | typeof PracticeRole, code: string): Promise<void> {
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

function normaliseValidity(dto: Pick<CreateCredentialTypeDto, 'validityKind' | 'validityMonths' | 'fixedExpiryMonth' | 'fixedExpiryDay'>) {
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
