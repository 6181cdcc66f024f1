import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { PracticeRole } from '../catalog/practice-role.entity';
import { PracticeRoleAssignment } from './practice-role-assignment.entity';

export interface AssignmentRow {
  id: string;
  personId: string;
  roleCode: string;
  roleName: string;
  startsOn: IsoDate;
  endsOn: IsoDate | null;
}

/** The named queries behind practice-role assignments. Writes take the transaction that also records the audit entry. */
@Injectable()
export class PracticeAssignmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** An active practice role by its code or its name, any capitals. */
  findActiveRole(codeOrName: string): Promise<PracticeRole | null> {
    const key = codeOrName.trim().toLowerCase();
    return this.dataSource
      .getRepository(PracticeRole)
      .createQueryBuilder('r')
      .where('r.active = :active', { active: true })
      .andWhere('(lower(r.code) = :key OR lower(r.name) = :key)', { key })
      .getOne();
  }

  /** The active practice roles, in the catalogue's order: what may be assigned. */
  activeRoles(): Promise<PracticeRole[]> {
    return this.dataSource
      .getRepository(PracticeRole)
      .find({ where: { active: true }, order: { sortOrder: 'ASC', name: 'ASC' } });
  }

  /** A person's assignments, the current and latest first, with the role's code and name. */
  async assignmentsOf(personId: string): Promise<AssignmentRow[]> {
    return this.rows('pa.person_id = :personId', { personId });
  }

  /** The person's assignments to this role (any dates), for the overlap rule. */
  findForRole(tx: EntityManager, personId: string, practiceRoleId: string): Promise<PracticeRoleAssignment[]> {
    return tx.getRepository(PracticeRoleAssignment).findBy({ personId, practiceRoleId });
  }

  findAssignment(tx: EntityManager, personId: string, id: string): Promise<PracticeRoleAssignment | null> {
    return tx.getRepository(PracticeRoleAssignment).findOneBy({ id, personId });
  }

  async insert(tx: EntityManager, fields: Partial<PracticeRoleAssignment>): Promise<PracticeRoleAssignment> {
    const repo = tx.getRepository(PracticeRoleAssignment);
    const row = repo.create(fields);
    await repo.insert(row);
    return row;
  }

  save(tx: EntityManager, row: PracticeRoleAssignment): Promise<PracticeRoleAssignment> {
    return tx.getRepository(PracticeRoleAssignment).save(row);
  }

  /**
   * Every assignment of the people a subquery (with its parameters, positional as the engine writes them)
   * selects: one query for a whole board.
   */
  async assignmentsWithin(personIdsSql: string, params: unknown[]): Promise<AssignmentRow[]> {
    const d = (column: string) => (this.dataSource.options.type === 'postgres' ? `CAST(${column} AS TEXT)` : column);
    const rows = (await this.dataSource.query(
      `SELECT pa.id, pa.person_id, r.code, r.name, ${d('pa.starts_on')} AS starts_on, ${d('pa.ends_on')} AS ends_on
         FROM practice_role_assignments pa JOIN practice_roles r ON r.id = pa.practice_role_id
        WHERE pa.person_id IN (${personIdsSql})`,
      params,
    )) as Array<{
      id: string;
      person_id: string;
      code: string;
      name: string;
      starts_on: string;
      ends_on: string | null;
    }>;
    return rows.map((r) => ({
      id: String(r.id),
      personId: String(r.person_id),
      roleCode: r.code,
      roleName: r.name,
      startsOn: r.starts_on,
      endsOn: r.ends_on ?? null,
    }));
  }

  private async rows(where: string, params: Record<string, unknown>): Promise<AssignmentRow[]> {
    const rows = await this.dataSource
      .getRepository(PracticeRoleAssignment)
      .createQueryBuilder('pa')
      .innerJoin(PracticeRole, 'r', 'r.id = pa.practice_role_id')
      .select('pa.id', 'id')
      .addSelect('pa.person_id', 'personId')
      .addSelect('r.code', 'roleCode')
      .addSelect('r.name', 'roleName')
      .addSelect('CAST(pa.starts_on AS TEXT)', 'startsOn')
      .addSelect('CAST(pa.ends_on AS TEXT)', 'endsOn')
      .where(where, params)
      .orderBy('r.sort_order', 'ASC')
      .addOrderBy('r.name', 'ASC')
      .addOrderBy('pa.starts_on', 'DESC')
      .getRawMany<AssignmentRow>();
    return rows.map((r) => ({ ...r, id: String(r.id), personId: String(r.personId), endsOn: r.endsOn ?? null }));
  }
}
