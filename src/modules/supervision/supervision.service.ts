import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { addBusinessDays, addDays, isIsoDate, type IsoDate } from '../../common/dates';
import { fieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import { type Role } from '../../common/auth/roles';
import type { AuthUser } from '../../common/auth/auth-user';
import type { AssignSupervisorDto, LogSessionDto, QualifySupervisorDto } from './dto/supervision.dto';
import type { SupervisionSession } from './supervision-session.entity';
import type { SupervisionAssignment } from './supervision-assignment.entity';
import type { SupervisorQualification } from './supervisor-qualification.entity';
import { SupervisionRepository } from './supervision.repository';
import { assignmentProblem, type AssignmentParty } from './assignment-rules';
import { isSupervisionOverdue } from './supervision-gap';

/** One line of a supervisor's own list. */
export interface Supervisee {
  id: string;
  name: string;
  lastSessionOn: string | null;
  minutesThisMonth: number;
  overdue: boolean;
}

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
    private readonly repo: SupervisionRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async qualify(personId: string, dto: QualifySupervisorDto, actor: Actor): Promise<SupervisorQualification> {
    await this.assertRole(personId, 'supervisor', 'personId');
    if (!isIsoDate(dto.qualifiedFrom))
      throw fieldError('qualifiedFrom', 'must be a real date', 'The start date is not a real date.');
    if (dto.qualifiedUntil && dto.qualifiedUntil < dto.qualifiedFrom)
      throw fieldError('qualifiedUntil', 'is before the start date', 'The end date is before the start date.');
    return this.repo.transaction(async (tx) => {
      const q = await this.repo.insertQualification(tx, {
        personId,
        licence: dto.licence,
        qualifiedFrom: dto.qualifiedFrom,
        qualifiedUntil: dto.qualifiedUntil ?? null,
      });
      await this.auditPerson(tx, actor, 'supervisor.qualified', personId, {
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
    const refused = assignmentProblem({
      peer: await this.party(dto.peerId),
      supervisor: await this.party(dto.supervisorId),
      startsOn: dto.startsOn,
      to: dto.to,
    });
    if (refused) throw fieldError(refused.field, refused.message, refused.sentence);
    return this.repo.transaction(async (tx) => {
      const open = await this.repo.openAssignments(tx, dto.peerId);
      const later = await this.repo.hasAssignmentFrom(tx, dto.peerId, dto.startsOn);
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
        await this.repo.endAssignment(tx, a.id, addDays(dto.startsOn, -1));
      }
      const assignment = await this.repo.insertAssignment(tx, {
        peerId: dto.peerId,
        supervisorId: dto.supervisorId,
        startsOn: dto.startsOn,
        endsOn: dto.to ?? null,
        boardReportDueOn: open.length > 0 ? addBusinessDays(dto.startsOn, BOARD_REPORT_BUSINESS_DAYS) : null,
        boardReportedOn: null,
      });
      await this.auditPerson(tx, actor, 'supervision.assigned', dto.peerId, {
        before: open.length ? { supervisorIds: open.map((a) => a.supervisorId) } : undefined,
        after: {
          supervisorId: dto.supervisorId,
          startsOn: dto.startsOn,
          endsOn: assignment.endsOn,
          boardReportDueOn: assignment.boardReportDueOn,
        },
      });
      return assignment;
    });
  }

  async end(assignmentId: string, endsOn: IsoDate, actor: Actor): Promise<SupervisionAssignment> {
    return this.repo.transaction(async (tx) => {
      const a = await this.repo.findAssignment(tx, assignmentId);
      if (!a) throw new NotFoundException('No supervision assignment with that id.');
      if (endsOn < a.startsOn)
        throw fieldError(
          'endsOn',
          'is before the assignment started',
          'The end date is before the assignment started.',
        );
      const before = { endsOn: a.endsOn };
      a.endsOn = endsOn;
      await this.repo.saveAssignment(tx, a);
      await this.auditPerson(tx, actor, 'supervision.ended', a.peerId, {
        before,
        after: { endsOn },
      });
      return a;
    });
  }

  async markReported(assignmentId: string, reportedOn: IsoDate, actor: Actor): Promise<SupervisionAssignment> {
    return this.repo.transaction(async (tx) => {
      const a = await this.repo.findAssignment(tx, assignmentId);
      if (!a || !a.boardReportDueOn) throw new NotFoundException('No supervisor change to report with that id.');
      a.boardReportedOn = reportedOn;
      await this.repo.saveAssignment(tx, a);
      await this.auditPerson(tx, actor, 'supervision.board_reported', a.peerId, {
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
    const assigned = await this.repo.supervisesOn(peerId, supervisor.id, dto.heldOn);
    if (!assigned)
      throw fieldError(
        'heldOn',
        'is not a day you supervised this peer',
        'Only the supervisor assigned to this peer on that day can log the session.',
      );
    return this.repo.transaction(async (tx) => {
      const session = await this.repo.insertSession(tx, {
        peerId,
        supervisorId: supervisor.id,
        heldOn: dto.heldOn,
        minutes: dto.minutes,
        summary: dto.summary,
        attestedAt: new Date(),
      });
      await this.auditPerson(tx, actor, 'supervision.session_logged', peerId, {
        after: { sessionId: session.id, heldOn: dto.heldOn, minutes: dto.minutes },
      });
      return session;
    });
  }

  /** A peer's logged sessions, newest first, for someone who may see the peer (404 otherwise). */
  async sessionsFor(peerId: string, viewer: AuthUser) {
    const peer = await this.repo.visiblePerson(peerId, viewer, this.config.today());
    const sessions = await this.repo.sessionsOf(peerId);
    const names = await this.repo.namesOf([...new Set(sessions.map((s) => s.supervisorId))]);
    const canLog = await this.repo.supervisesFrom(peerId, viewer.id, this.config.today());
    return {
      peer: { id: peer.id, name: peer.displayName },
      canLog,
      sessions: sessions.map((s) => ({ ...s, supervisor: names.get(s.supervisorId) ?? '' })),
    };
  }

  /** The date of each peer's latest session logged on or before `onOrBefore` (one query per 900 peers). */
  lastSessionOn(peerIds: string[], onOrBefore: IsoDate): Promise<Map<string, string>> {
    return this.repo.lastSessionOn(peerIds, onOrBefore);
  }

  /** Each listed peer's latest session on or before `onOrBefore`, for the peers a subquery (with its parameters) selects: one query. */
  lastSessionOnWithin(peerIdsSql: string, params: unknown[], onOrBefore: IsoDate): Promise<Map<string, string>> {
    return this.repo.lastSessionOnWithin(peerIdsSql, params, onOrBefore);
  }

  /**
   * A supervisor's current supervisees, each with their latest session on or before today, their minutes this
   * calendar month and whether they are overdue (the board's SUPERVISION_GAP_DAYS rule); overdue ones first.
   * Three queries whatever the number of supervisees.
   */
  async superviseesOf(supervisor: AuthUser): Promise<Supervisee[]> {
    const today = this.config.today();
    const people = await this.repo.superviseesOf(supervisor.id, today);
    const ids = people.map((p) => p.id);
    const [last, minutes] = await Promise.all([
      this.repo.lastSessionOn(ids, today),
      this.repo.minutesBetween(ids, `${today.slice(0, 7)}-01`, today),
    ]);
    return people
      .map((p) => {
        const lastSessionOn = last.get(p.id) ?? null;
        return {
          ...p,
          lastSessionOn,
          minutesThisMonth: minutes.get(p.id) ?? 0,
          overdue: isSupervisionOverdue(lastSessionOn, today, this.config.supervisionGapDays),
        };
      })
      .sort((x, y) => Number(y.overdue) - Number(x.overdue));
  }

  /** The ids of the peers this supervisor supervises today: one query, for marking rows of a list. */
  async currentSuperviseeIds(supervisorId: string): Promise<Set<string>> {
    return new Set((await this.repo.superviseesOf(supervisorId, this.config.today())).map((p) => p.id));
  }

  /**
   * Logs a session for a peer chosen from a picker: only someone the supervisor supervises today may be
   * chosen, and the refusal names nobody, so the picker cannot be used to probe ids. Then `logSession`'s rules.
   */
  async logForSupervisee(
    peerId: string,
    dto: LogSessionDto,
    supervisor: AuthUser,
    actor: Actor,
  ): Promise<SupervisionSession> {
    // Not a uuid is refused here rather than reaching PostgreSQL, which would fail on comparing it to a uuid column.
    if (!isUUID(peerId) || !(await this.repo.supervisesOn(peerId, supervisor.id, this.config.today())))
      throw fieldError('personId', 'must be one of your supervisees', 'Choose one of your supervisees.');
    return this.logSession(peerId, dto, supervisor, actor);
  }

  /** Everything the supervision page shows: qualified supervisors, current assignments, reports due. */
  async overview() {
    const today = this.config.today();
    const names = await this.repo.namesOf();
    const qualifications = await this.repo.qualifications();
    const assignments = await this.repo.currentAssignments(today);
    const due = await this.repo.unreportedAssignments();
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

  /** Audits a change to a person's supervision record, in the transaction that makes it. */
  private async auditPerson(
    tx: EntityManager,
    actor: Actor,
    action: string,
    personId: string,
    change: Pick<AuditEvent, 'before' | 'after'>,
  ): Promise<void> {
    await this.audit.record(tx, actor, { action, entityType: 'person', entityId: personId, ...change });
  }

  private async party(personId: string): Promise<AssignmentParty | null> {
    const person = await this.repo.findPerson(personId);
    return person && { id: person.id, name: person.displayName, roles: await this.repo.rolesOf(personId) };
  }

  private async assertRole(personId: string, role: Role, field: string): Promise<void> {
    const person = await this.repo.findPerson(personId);
    if (!person) throw fieldError(field, 'is not a person in the program', 'That person is not in the program.');
    if (!(await this.repo.holdsRole(personId, role)))
      throw fieldError(field, `must hold the ${role} role`, `${person.displayName} does not hold the ${role} role.`);
  }
}
