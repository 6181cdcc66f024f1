import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import type { AuthUser } from '../../common/auth/auth-user';
import type { Role } from '../../common/auth/roles';
import { findVisiblePerson } from '../people/people-scope';
import { PersonRole } from '../people/person-role.entity';
import { Person } from '../people/person.entity';
import { SupervisionAssignment } from './supervision-assignment.entity';
import { SupervisionSession } from './supervision-session.entity';
import { SupervisorQualification } from './supervisor-qualification.entity';

/** Ids per IN (...) list, well under both engines' parameter limits. */
const CHUNK = 900;

/**
 * The named queries behind supervision: qualifications, assignments and sessions. Writes take the
 * transaction's manager, so that they commit with the audit entry the service records beside them.
 */
@Injectable()
export class SupervisionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; its manager goes to the writes below and to the audit entry. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findPerson(personId: string): Promise<Person | null> {
    return this.dataSource.getRepository(Person).findOneBy({ id: personId });
  }

  async rolesOf(personId: string): Promise<Role[]> {
    return (await this.dataSource.getRepository(PersonRole).findBy({ personId })).map((r) => r.role);
  }

  holdsRole(personId: string, role: Role): Promise<boolean> {
    return this.dataSource.getRepository(PersonRole).existsBy({ personId, role });
  }

  /** The person if the viewer may see them on `today` (404 otherwise). */
  visiblePerson(personId: string, viewer: AuthUser, today: IsoDate): Promise<Person> {
    return findVisiblePerson(this.dataSource, personId, viewer, today);
  }

  /** Display names of these people (all of them when no ids are given). */
  async namesOf(ids?: string[]): Promise<Map<string, string>> {
    const people = ids
      ? await this.dataSource.getRepository(Person).findBy({ id: In(ids) })
      : await this.dataSource.getRepository(Person).find({ select: { id: true, name: true, preferredName: true } });
    return new Map(people.map((p) => [p.id, p.displayName]));
  }

  async insertQualification(tx: EntityManager, fields: Partial<SupervisorQualification>) {
    const repo = tx.getRepository(SupervisorQualification);
    const q = repo.create(fields);
    await repo.insert(q);
    return q;
  }

  /** Every qualification period, newest first. */
  qualifications(): Promise<SupervisorQualification[]> {
    return this.dataSource.getRepository(SupervisorQualification).find({ order: { qualifiedFrom: 'DESC' } });
  }

  /** The peer's assignments that have no end date. */
  openAssignments(tx: EntityManager, peerId: string): Promise<SupervisionAssignment[]> {
    return tx.getRepository(SupervisionAssignment).find({ where: { peerId, endsOn: IsNull() } });
  }

  /** Whether the peer has an assignment starting on or after `startsOn`. */
  hasAssignmentFrom(tx: EntityManager, peerId: string, startsOn: IsoDate): Promise<boolean> {
    return tx
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.peer_id = :peer AND a.starts_on >= :start', { peer: peerId, start: startsOn })
      .getExists();
  }

  async endAssignment(tx: EntityManager, id: string, endsOn: IsoDate): Promise<void> {
    await tx.getRepository(SupervisionAssignment).update({ id }, { endsOn });
  }

  async insertAssignment(tx: EntityManager, fields: Partial<SupervisionAssignment>) {
    const repo = tx.getRepository(SupervisionAssignment);
    const assignment = repo.create(fields);
    await repo.insert(assignment);
    return assignment;
  }

  findAssignment(tx: EntityManager, id: string): Promise<SupervisionAssignment | null> {
    return tx.getRepository(SupervisionAssignment).findOneBy({ id });
  }

  saveAssignment(tx: EntityManager, assignment: SupervisionAssignment): Promise<SupervisionAssignment> {
    return tx.getRepository(SupervisionAssignment).save(assignment);
  }

  /** Whether this supervisor is assigned to the peer on `day`. */
  supervisesOn(peerId: string, supervisorId: string, day: IsoDate): Promise<boolean> {
    return this.dataSource
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.peer_id = :peerId AND a.supervisor_id = :supervisorId', { peerId, supervisorId })
      .andWhere('a.starts_on <= :day AND (a.ends_on IS NULL OR a.ends_on >= :day)', { day })
      .getExists();
  }

  /** Whether this supervisor has an assignment to the peer that has not ended before `today`. */
  supervisesFrom(peerId: string, supervisorId: string, today: IsoDate): Promise<boolean> {
    return this.dataSource
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.peer_id = :peerId AND a.supervisor_id = :viewer AND (a.ends_on IS NULL OR a.ends_on >= :today)', {
        peerId,
        viewer: supervisorId,
        today,
      })
      .getExists();
  }

  /**
   * The peers this supervisor supervises on `today` (the supervisor's record scope in people-scope.ts, less
   * themselves), by name.
   */
  async superviseesOf(supervisorId: string, today: IsoDate): Promise<Array<{ id: string; name: string }>> {
    const rows = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .innerJoin(SupervisionAssignment, 'a', 'a.peer_id = p.id')
      .where('a.supervisor_id = :supervisorId AND a.peer_id <> :supervisorId', { supervisorId })
      .andWhere('a.starts_on <= :today AND (a.ends_on IS NULL OR a.ends_on >= :today)', { today })
      .select(['p.id', 'p.name', 'p.preferredName'])
      .getMany();
    return rows
      .map((p) => ({ id: p.id, name: p.displayName }))
      .sort((x, y) => x.name.localeCompare(y.name) || (x.id < y.id ? -1 : 1));
  }

  /** Minutes of supervision each listed peer had from `from` to `to`, both included (one query per 900 peers). */
  async minutesBetween(peerIds: string[], from: IsoDate, to: IsoDate): Promise<Map<string, number>> {
    const minutes = new Map<string, number>();
    for (let i = 0; i < peerIds.length; i += CHUNK) {
      const rows = await this.dataSource
        .getRepository(SupervisionSession)
        .createQueryBuilder('s')
        .select('s.peer_id', 'peerId')
        .addSelect('SUM(s.minutes)', 'minutes')
        .where('s.peer_id IN (:...ids)', { ids: peerIds.slice(i, i + CHUNK) })
        .andWhere('s.held_on >= :from AND s.held_on <= :to', { from, to })
        .groupBy('s.peer_id')
        .getRawMany<{ peerId: string; minutes: string | number }>();
      for (const r of rows) minutes.set(r.peerId, Number(r.minutes));
    }
    return minutes;
  }

  /** Assignments running on `today`. */
  currentAssignments(today: IsoDate): Promise<SupervisionAssignment[]> {
    return this.dataSource
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.starts_on <= :today AND (a.ends_on IS NULL OR a.ends_on >= :today)', { today })
      .getMany();
  }

  /** Assignments whose change is not yet reported to the Board, the earliest due first. */
  unreportedAssignments(): Promise<SupervisionAssignment[]> {
    return this.dataSource
      .getRepository(SupervisionAssignment)
      .find({ where: { boardReportedOn: IsNull() }, order: { boardReportDueOn: 'ASC' } });
  }

  async insertSession(tx: EntityManager, fields: Partial<SupervisionSession>) {
    const repo = tx.getRepository(SupervisionSession);
    const session = repo.create(fields);
    await repo.insert(session);
    return session;
  }

  /** A peer's logged sessions, newest first. */
  sessionsOf(peerId: string): Promise<SupervisionSession[]> {
    return this.dataSource
      .getRepository(SupervisionSession)
      .find({ where: { peerId }, order: { heldOn: 'DESC', createdAt: 'DESC' } });
  }

  /** The date of each peer's latest session logged on or before `onOrBefore` (one query per 900 peers). */
  async lastSessionOn(peerIds: string[], onOrBefore: IsoDate): Promise<Map<string, string>> {
    const last = new Map<string, string>();
    for (let i = 0; i < peerIds.length; i += CHUNK) {
      const rows = await this.dataSource
        .getRepository(SupervisionSession)
        .createQueryBuilder('s')
        .select('s.peer_id', 'peerId')
        .addSelect('MAX(CAST(s.held_on AS TEXT))', 'last')
        .where('s.peer_id IN (:...ids)', { ids: peerIds.slice(i, i + CHUNK) })
        .andWhere('s.held_on <= :onOrBefore', { onOrBefore })
        .groupBy('s.peer_id')
        .getRawMany<{ peerId: string; last: string }>();
      for (const r of rows) last.set(r.peerId, r.last);
    }
    return last;
  }

  /** Each listed peer's latest session on or before `onOrBefore`, for the peers a subquery (with its parameters) selects: one query. */
  async lastSessionOnWithin(peerIdsSql: string, params: unknown[], onOrBefore: IsoDate): Promise<Map<string, string>> {
    const placeholder = this.dataSource.options.type === 'postgres' ? `$${params.length + 1}` : '?';
    const rows = (await this.dataSource.query(
      `SELECT peer_id, MAX(CAST(held_on AS TEXT)) AS last FROM supervision_sessions
        WHERE peer_id IN (${peerIdsSql}) AND held_on <= ${placeholder} GROUP BY peer_id`,
      [...params, onOrBefore],
    )) as Array<{ peer_id: string; last: string }>;
    return new Map(rows.map((r) => [String(r.peer_id), r.last]));
  }
}
