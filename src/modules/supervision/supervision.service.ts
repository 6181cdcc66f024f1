import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import { addBusinessDays, addDays, isIsoDate, type IsoDate } from '../../common/dates';
import { fieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { PersonRole } from '../people/person-role.entity';
import { type Role } from '../../common/auth/roles';
import { Person } from '../people/person.entity';
import type { AuthUser } from '../../common/auth/auth-user';
import { findVisiblePerson } from '../people/people-scope';
import type { AssignSupervisorDto, LogSessionDto, QualifySupervisorDto } from './dto/supervision.dto';
import { SupervisionSession } from './supervision-session.entity';
import { SupervisionAssignment } from './supervision-assignment.entity';
import { SupervisorQualification } from './supervisor-qualification.entity';

/** Business days the Board gives for reporting a change of supervisor. */
export const BOARD_REPORT_BUSINESS_DAYS = 20;

/**
 * Who supervises whom, and who may supervise: qualification periods and assignments, never
 * overwritten (a new supervisor ends the old assignment the day before), and the Board reports a
 * change of supervisor calls for.
 */
@Injectable()
export class SupervisionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async qualify(personId: string, dto: QualifySupervisorDto, actor: Actor): Promise<SupervisorQualification> {
    await this.assertRole(personId, 'supervisor', 'personId');
    if (!isIsoDate(dto.qualifiedFrom))
      throw fieldError('qualifiedFrom', 'must be a real date', 'The start date is not a real date.');
    if (dto.qualifiedUntil && dto.qualifiedUntil < dto.qualifiedFrom)
      throw fieldError('qualifiedUntil', 'is before the start date', 'The end date is before the start date.');
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(SupervisorQualification);
      const q = repo.create({
        personId,
        licence: dto.licence,
        qualifiedFrom: dto.qualifiedFrom,
        qualifiedUntil: dto.qualifiedUntil ?? null,
      });
      await repo.insert(q);
      await this.audit.record(tx, actor, {
        action: 'supervisor.qualified',
        entityType: 'person',
        entityId: personId,
        after: { licence: q.licence, qualifiedFrom: q.qualifiedFrom, qualifiedUntil: q.qualifiedUntil },
      });
      return q;
    });
  }

  /**
   * Assigns a peer to a supervisor from a date. A current assignment ends the day before, and the
   * change is due to be reported to the Board within 20 business days.
   */
  async assign(dto: AssignSupervisorDto, actor: Actor): Promise<SupervisionAssignment> {
    if (dto.peerId === dto.supervisorId)
      throw fieldError('supervisorId', 'cannot be the peer themself', 'A peer cannot supervise themself.');
    await this.assertRole(dto.peerId, 'peer', 'peerId');
    await this.assertRole(dto.supervisorId, 'supervisor', 'supervisorId');
    if (!isIsoDate(dto.startsOn))
      throw fieldError('startsOn', 'must be a real date', 'The start date is not a real date.');
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(SupervisionAssignment);
      const open = await repo.find({ where: { peerId: dto.peerId, endsOn: IsNull() } });
      const later = await repo
        .createQueryBuilder('a')
        .where('a.peer_id = :peer AND a.starts_on >= :start', { peer: dto.peerId, start: dto.startsOn })
        .getExists();
      if (later)
        throw fieldError(
          'startsOn',
          'is on or before a later assignment',
          'This peer already has an assignment starting on or after that date; end or correct it first.',
        );
      if (open.some((a) => a.supervisorId === dto.supervisorId))
        throw new ConflictException({
          statusCode: 409,
          message: 'This supervisor already supervises this peer.',
          errors: [{ field: 'supervisorId', message: 'already supervises this peer' }],
        });
      for (const a of open) {
        await repo.update({ id: a.id }, { endsOn: addDays(dto.startsOn, -1) });
      }
      const assignment = repo.create({
        peerId: dto.peerId,
        supervisorId: dto.supervisorId,
        startsOn: dto.startsOn,
        endsOn: null,
        boardReportDueOn: open.length > 0 ? addBusinessDays(dto.startsOn, BOARD_REPORT_BUSINESS_DAYS) : null,
        boardReportedOn: null,
      });
      await repo.insert(assignment);
      await this.audit.record(tx, actor, {
        action: 'supervision.assigned',
        entityType: 'person',
        entityId: dto.peerId,
        before: open.length ? { supervisorIds: open.map((a) => a.supervisorId) } : undefined,
        after: {
          supervisorId: dto.supervisorId,
          startsOn: dto.startsOn,
          boardReportDueOn: assignment.boardReportDueOn,
        },
      });
      return assignment;
    });
  }

  async end(assignmentId: string, endsOn: IsoDate, actor: Actor): Promise<SupervisionAssignment> {
    return this.dataSource.transaction(async (tx) => {
      const a = await tx.getRepository(SupervisionAssignment).findOneBy({ id: assignmentId });
      if (!a) throw new NotFoundException('No supervision assignment with that id.');
      if (endsOn < a.startsOn)
        throw fieldError(
          'endsOn',
          'is before the assignment started',
          'The end date is before the assignment started.',
        );
      const before = { endsOn: a.endsOn };
      a.endsOn = endsOn;
      await tx.getRepository(SupervisionAssignment).save(a);
      await this.audit.record(tx, actor, {
        action: 'supervision.ended',
        entityType: 'person',
        entityId: a.peerId,
        before,
        after: { endsOn },
      });
      return a;
    });
  }

  async markReported(assignmentId: string, reportedOn: IsoDate, actor: Actor): Promise<SupervisionAssignment> {
    return this.dataSource.transaction(async (tx) => {
      const a = await tx.getRepository(SupervisionAssignment).findOneBy({ id: assignmentId });
      if (!a || !a.boardReportDueOn) throw new NotFoundException('No supervisor change to report with that id.');
      a.boardReportedOn = reportedOn;
      await tx.getRepository(SupervisionAssignment).save(a);
      await this.audit.record(tx, actor, {
        action: 'supervision.board_reported',
        entityType: 'person',
        entityId: a.peerId,
        after: { reportedOn },
      });
      return a;
    });
  }

  /**
   * A supervisor logs and attests a session with one of their supervisees. Only a supervisor
   * assigned to the peer on that day can, and never for a future day.
   */
  async logSession(
    peerId: string,
    dto: LogSessionDto,
    supervisor: AuthUser,
    actor: Actor,
  ): Promise<SupervisionSession> {
    if (dto.heldOn > this.config.today())
      throw fieldError('heldOn', 'cannot be in the future', 'The session date is in the future.');
    if (!isIsoDate(dto.heldOn))
      throw fieldError('heldOn', 'must be a real date', 'The session date is not a real date.');
    const assigned = await this.dataSource
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.peer_id = :peerId AND a.supervisor_id = :supervisorId', { peerId, supervisorId: supervisor.id })
      .andWhere('a.starts_on <= :day AND (a.ends_on IS NULL OR a.ends_on >= :day)', { day: dto.heldOn })
      .getExists();
    if (!assigned)
      throw fieldError(
        'heldOn',
        'is not a day you supervised this peer',
        'Only the supervisor assigned to this peer on that day can log the session.',
      );
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(SupervisionSession);
      const session = repo.create({
        peerId,
        supervisorId: supervisor.id,
        heldOn: dto.heldOn,
        minutes: dto.minutes,
        summary: dto.summary,
        attestedAt: new Date(),
      });
      await repo.insert(session);
      await this.audit.record(tx, actor, {
        action: 'supervision.session_logged',
        entityType: 'person',
        entityId: peerId,
        after: { sessionId: session.id, heldOn: dto.heldOn, minutes: dto.minutes },
      });
      return session;
    });
  }

  /** A peer's logged sessions, newest first, for someone who may see the peer (404 otherwise). */
  async sessionsFor(peerId: string, viewer: AuthUser) {
    const peer = await findVisiblePerson(this.dataSource, peerId, viewer, this.config.today());
    const sessions = await this.dataSource
      .getRepository(SupervisionSession)
      .find({ where: { peerId }, order: { heldOn: 'DESC', createdAt: 'DESC' } });
    const names = new Map(
      (
        await this.dataSource
          .getRepository(Person)
          .findBy({ id: In([...new Set(sessions.map((s) => s.supervisorId))]) })
      ).map((p) => [p.id, p.displayName]),
    );
    const canLog = await this.dataSource
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.peer_id = :peerId AND a.supervisor_id = :viewer AND (a.ends_on IS NULL OR a.ends_on >= :today)', {
        peerId,
        viewer: viewer.id,
        today: this.config.today(),
      })
      .getExists();
    return {
      peer: { id: peer.id, name: peer.displayName },
      canLog,
      sessions: sessions.map((s) => ({ ...s, supervisor: names.get(s.supervisorId) ?? '' })),
    };
  }

  /** The date of each peer's latest logged session (one query per 900 peers). */
  async lastSessionOn(peerIds: string[]): Promise<Map<string, string>> {
    const last = new Map<string, string>();
    for (let i = 0; i < peerIds.length; i += 900) {
      const rows = await this.dataSource
        .getRepository(SupervisionSession)
        .createQueryBuilder('s')
        .select('s.peer_id', 'peerId')
        .addSelect('MAX(CAST(s.held_on AS TEXT))', 'last')
        .where('s.peer_id IN (:...ids)', { ids: peerIds.slice(i, i + 900) })
        .groupBy('s.peer_id')
        .getRawMany<{ peerId: string; last: string }>();
      for (const r of rows) last.set(r.peerId, r.last);
    }
    return last;
  }

  /** The date of each listed peer's latest logged session, for the peers a subquery (with its parameters) selects: one query. */
  async lastSessionOnWithin(peerIdsSql: string, params: unknown[]): Promise<Map<string, string>> {
    const rows = (await this.dataSource.query(
      `SELECT peer_id, MAX(CAST(held_on AS TEXT)) AS last FROM supervision_sessions WHERE peer_id IN (${peerIdsSql}) GROUP BY peer_id`,
      params,
    )) as Array<{ peer_id: string; last: string }>;
    return new Map(rows.map((r) => [String(r.peer_id), r.last]));
  }

  /** Everything the supervision page shows: qualified supervisors, current assignments, reports due. */
  async overview() {
    const today = this.config.today();
    const names = new Map(
      (await this.dataSource.getRepository(Person).find({ select: { id: true, name: true, preferredName: true } })).map(
        (p) => [p.id, p.displayName],
      ),
    );
    const qualifications = await this.dataSource
      .getRepository(SupervisorQualification)
      .find({ order: { qualifiedFrom: 'DESC' } });
    const assignments = await this.dataSource
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.starts_on <= :today AND (a.ends_on IS NULL OR a.ends_on >= :today)', { today })
      .getMany();
    const due = await this.dataSource
      .getRepository(SupervisionAssignment)
      .find({ where: { boardReportedOn: IsNull() }, order: { boardReportDueOn: 'ASC' } });
    return {
      today,
      qualifications: qualifications.map((q) => ({
        ...q,
        name: names.get(q.personId),
        current: q.qualifiedFrom <= today && (q.qualifiedUntil === null || q.qualifiedUntil >= today),
      })),
      assignments: assignments
        .map((a) => ({ ...a, peer: names.get(a.peerId), supervisor: names.get(a.supervisorId) }))
        .sort((x, y) => String(x.peer).localeCompare(String(y.peer))),
      reportsDue: due
        .filter((a) => a.boardReportDueOn)
        .map((a) => ({
          ...a,
          peer: names.get(a.peerId),
          supervisor: names.get(a.supervisorId),
          overdue: a.boardReportDueOn! < today,
        })),
    };
  }

  private async assertRole(personId: string, role: Role, field: string): Promise<void> {
    const person = await this.dataSource.getRepository(Person).findOneBy({ id: personId });
    if (!person) throw fieldError(field, 'is not a person in the program', 'That person is not in the program.');
    if (!(await this.dataSource.getRepository(PersonRole).existsBy({ personId, role })))
      throw fieldError(field, `must hold the ${role} role`, `${person.displayName} does not hold the ${role} role.`);
  }
}
