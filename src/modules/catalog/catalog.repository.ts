import { DataSource, In, type EntityManager } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { Person } from '../people/person.entity';
import { CredentialType } from './credential-type.entity';
import { PracticeRoleRequirement } from './practice-role-requirement.entity';
import { PracticeRoleRuleVersion } from './practice-role-rule-version.entity';
import { PracticeRole } from './practice-role.entity';

/** What a credential type is made of, apart from its id and timestamps. */
export type CredentialTypeFields = Omit<CredentialType, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * Every query of the catalogue (credential types, practice roles and their versioned rules), by what
 * it means. Methods that write take the caller's transaction first. A plain class, not a provider:
 * the catalogue seed builds CatalogService by hand, and the service makes its own.
 */
export class CatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction (of `manager`, when the caller already has one open). */
  transaction<T>(
    work: (tx: EntityManager) => Promise<T>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<T> {
    return manager.transaction(work);
  }

  /** Whether a credential type (or practice role) already has this code, in any letter case. */
  isCodeTaken(
    entity: typeof CredentialType | typeof PracticeRole,
    code: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    return manager
      .getRepository<{ code: string }>(entity)
      .createQueryBuilder('e')
      .where('upper(e.code) = :code', { code: code.toUpperCase() })
      .getExists();
  }

  // ---- credential types ------------------------------------------------------------------

  findCredentialTypes(includeInactive: boolean): Promise<CredentialType[]> {
    return this.dataSource.getRepository(CredentialType).find({
      where: includeInactive ? {} : { active: true },
      order: { code: 'ASC' },
    });
  }

  findCredentialType(id: string): Promise<CredentialType | null> {
    return this.dataSource.getRepository(CredentialType).findOneBy({ id });
  }

  /** Every credential type, active or not (a rule may name any). */
  findAllCredentialTypes(tx: EntityManager): Promise<CredentialType[]> {
    return tx.getRepository(CredentialType).find();
  }

  insertCredentialType(tx: EntityManager, fields: CredentialTypeFields): Promise<CredentialType> {
    const repo = tx.getRepository(CredentialType);
    return repo.save(repo.create(fields));
  }

  saveCredentialType(tx: EntityManager, type: CredentialType): Promise<CredentialType> {
    return tx.getRepository(CredentialType).save(type);
  }

  // ---- practice roles and their rules ---------------------------------------------------------

  /** Every practice role in the catalogue's order: the admin's `sort_order`, then by name. */
  findPracticeRoles(manager: EntityManager = this.dataSource.manager): Promise<PracticeRole[]> {
    return manager.getRepository(PracticeRole).find({ order: { sortOrder: 'ASC', name: 'ASC' } });
  }

  /** Writes each role's place as its index in `ids` (one statement per role; a catalogue has a handful). */
  async setSortOrders(tx: EntityManager, ids: string[]): Promise<void> {
    for (const [sortOrder, id] of ids.entries()) await tx.getRepository(PracticeRole).update({ id }, { sortOrder });
  }

  findPracticeRole(id: string): Promise<PracticeRole | null> {
    return this.dataSource.getRepository(PracticeRole).findOneBy({ id });
  }

  findAllPracticeRoles(tx: EntityManager): Promise<PracticeRole[]> {
    return tx.getRepository(PracticeRole).find();
  }

  /** The practice roles whose rule, in force today or later, names this credential type. */
  findPracticeRolesRequiring(credentialTypeId: string, today: IsoDate): Promise<PracticeRole[]> {
    return this.dataSource
      .getRepository(PracticeRole)
      .createQueryBuilder('role')
      .where(
        `role.id IN (SELECT r.practice_role_id FROM practice_role_requirements r JOIN practice_role_rule_versions v ON v.id = r.rule_version_id
                      WHERE r.credential_type_id = :id AND (v.effective_until IS NULL OR v.effective_until >= :today))`,
        { id: credentialTypeId, today },
      )
      .orderBy('role.name', 'ASC')
      .getMany();
  }

  /** A new role goes after every other one. */
  async insertPracticeRole(tx: EntityManager, fields: Pick<PracticeRole, 'code' | 'name' | 'description'>) {
    const repo = tx.getRepository(PracticeRole);
    const last = await repo.createQueryBuilder('r').select('MAX(r.sort_order)', 'max').getRawOne<{ max: unknown }>();
    const sortOrder = last?.max === null || last?.max === undefined ? 0 : Number(last.max) + 1;
    return repo.save(repo.create({ ...fields, sortOrder }));
  }

  /** Every rule version of these roles, oldest first. */
  findRuleVersions(roleIds: string[]): Promise<PracticeRoleRuleVersion[]> {
    return this.dataSource
      .getRepository(PracticeRoleRuleVersion)
      .find({ where: { practiceRoleId: In(roleIds) }, order: { version: 'ASC' } });
  }

  insertRuleVersion(
    tx: EntityManager,
    fields: Pick<PracticeRoleRuleVersion, 'practiceRoleId' | 'version' | 'effectiveFrom' | 'createdById'> &
      Partial<Pick<PracticeRoleRuleVersion, 'effectiveUntil' | 'note'>>,
  ): Promise<PracticeRoleRuleVersion> {
    const repo = tx.getRepository(PracticeRoleRuleVersion);
    return repo.save(repo.create(fields));
  }

  /** The version stops being in force after `until`. */
  async closeRuleVersion(tx: EntityManager, versionId: string, until: IsoDate): Promise<void> {
    await tx.getRepository(PracticeRoleRuleVersion).update({ id: versionId }, { effectiveUntil: until });
  }

  /** The requirement rows of these roles' rules (every version), by position, with the codes they name. */
  findRequirementRows(roleIds: string[]): Promise<PracticeRoleRequirement[]> {
    if (roleIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(PracticeRoleRequirement).find({
      where: { practiceRoleId: In(roleIds) },
      relations: { credentialType: true, requiredPracticeRole: true },
      order: { position: 'ASC' },
    });
  }

  insertRequirement(
    tx: EntityManager,
    fields: Omit<PracticeRoleRequirement, 'id' | 'practiceRole' | 'credentialType' | 'requiredPracticeRole'>,
  ): Promise<PracticeRoleRequirement> {
    const repo = tx.getRepository(PracticeRoleRequirement);
    return repo.save(repo.create(fields));
  }

  /**
   * Every "requires being cleared as" link of a rule version in force from `from` on (null: at any
   * time): which role requires which.
   */
  findRoleLinks(tx: EntityManager, from: IsoDate | null): Promise<PracticeRoleRequirement[]> {
    return tx
      .getRepository(PracticeRoleRequirement)
      .createQueryBuilder('r')
      .innerJoin(PracticeRoleRuleVersion, 'v', 'v.id = r.rule_version_id')
      .select(['r.id', 'r.practiceRoleId', 'r.requiredPracticeRoleId'])
      .where("r.kind = 'practice_role'")
      .andWhere(from ? '(v.effective_until IS NULL OR v.effective_until >= :from)' : '1 = 1', { from })
      .getMany();
  }

  /** People's display names by id. */
  async findPeopleNames(ids: string[]): Promise<Map<string, string>> {
    const people = await this.dataSource
      .getRepository(Person)
      .find({ where: { id: In([...new Set(ids)]) }, select: { id: true, name: true, preferredName: true } });
    return new Map(people.map((p) => [p.id, p.displayName]));
  }
}
