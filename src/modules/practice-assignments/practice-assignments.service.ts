import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { fieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { findVisiblePersonName } from '../people/people-scope';
import { SupervisionService } from '../supervision/supervision.service';
import { assignedOn, runsOn, type AssignedRoles } from './assigned-roles';
import type { AssignPracticeRoleDto, EndPracticeRoleDto } from './dto/practice-assignment.dto';
import { PracticeAssignmentsRepository, type AssignmentRow } from './practice-assignments.repository';

export interface AssignmentView {
  id: string;
  practiceRole: { code: string; name: string };
  from: IsoDate;
  to: IsoDate | null;
  /** Runs today. */
  current: boolean;
}

export interface PersonAssignments {
  person: { id: string; name: string };
  /** Whether the viewer may assign and end: an admin, or the person's supervisor today (never for themselves). */
  canManage: boolean;
  assignments: AssignmentView[];
}

/**
 * The practice roles people work in: what the board colours and counts. Anyone who may see a person's record
 * sees these (a peer their own, a supervisor their supervisees, an admin everyone; a trainer nobody else's);
 * an admin, or the person's supervisor, assigns and ends them. Dated like supervision, never deleted.
 */
@Injectable()
export class PracticeAssignmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: PracticeAssignmentsRepository,
    private readonly supervision: SupervisionService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async listFor(personId: string, viewer: AuthUser): Promise<PersonAssignments> {
    const today = this.config.today();
    const person = await findVisiblePersonName(this.dataSource, personId, viewer, today);
    const rows = await this.repo.assignmentsOf(personId);
    return {
      person: { id: person.id, name: person.name },
      canManage: await this.mayManage(personId, viewer),
      assignments: rows.map((r) => view(r, today)),
    };
  }

  /** The roles an assignment form offers: the active ones, in the catalogue's order. */
  async roleOptions(): Promise<Array<{ code: string; name: string }>> {
    return (await this.repo.activeRoles()).map((r) => ({ code: r.code, name: r.name }));
  }

  async assign(personId: string, dto: AssignPracticeRoleDto, viewer: AuthUser, actor: Actor): Promise<AssignmentView> {
    await this.assertManages(personId, viewer);
    const role = await this.repo.findActiveRole(dto.practiceRole);
    if (!role)
      throw fieldError(
        'practiceRole',
        'is not an active practice role',
        `No active practice role is called ${dto.practiceRole}.`,
      );
    const to = dto.to ?? null;
    if (to !== null && to < dto.from)
      throw fieldError('to', 'is before the first day', 'The last day is before the first day.');
    return this.repo.transaction(async (tx) => {
      const clash = (await this.repo.findForRole(tx, personId, role.id)).find(
        (a) => a.startsOn <= (to ?? '9999-12-31') && dto.from <= (a.endsOn ?? '9999-12-31'),
      );
      if (clash)
        throw new ConflictException({
          statusCode: 409,
          message: `Already assigned to ${role.name} from ${clash.startsOn}${clash.endsOn ? ` to ${clash.endsOn}` : ''}; end that assignment first or choose other dates.`,
          errors: [{ field: 'from', message: 'overlaps an assignment to the same role' }],
        });
      const row = await this.repo.insert(tx, {
        personId,
        practiceRoleId: role.id,
        startsOn: dto.from,
        endsOn: to,
        assignedById: actor.personId,
        endedById: null,
      });
      await this.audit.record(tx, actor, {
        action: 'practice_role.assigned',
        entityType: 'person',
        entityId: personId,
        after: { assignmentId: row.id, practiceRole: role.code, from: dto.from, to },
      });
      return view(
        { id: row.id, personId, roleCode: role.code, roleName: role.name, startsOn: dto.from, endsOn: to },
        this.config.today(),
      );
    });
  }

  /** Ends an open assignment on a day (its last day); an ended one stays as it is. */
  async end(
    personId: string,
    assignmentId: string,
    dto: EndPracticeRoleDto,
    viewer: AuthUser,
    actor: Actor,
  ): Promise<{ id: string; to: IsoDate }> {
    await this.assertManages(personId, viewer);
    return this.repo.transaction(async (tx) => {
      const a = await this.repo.findAssignment(tx, personId, assignmentId);
      if (!a) throw new NotFoundException('No practice-role assignment with that id for this person.');
      if (a.endsOn !== null)
        throw new ConflictException({
          statusCode: 409,
          message: `This assignment already ended on ${a.endsOn}.`,
          errors: [{ field: 'to', message: 'the assignment has already ended' }],
        });
      if (dto.to < a.startsOn)
        throw fieldError('to', 'is before the assignment started', 'The last day is before the assignment started.');
      a.endsOn = dto.to;
      a.endedById = actor.personId;
      await this.repo.save(tx, a);
      await this.audit.record(tx, actor, {
        action: 'practice_role.assignment_ended',
        entityType: 'person',
        entityId: personId,
        before: { assignmentId: a.id, to: null },
        after: { assignmentId: a.id, to: dto.to },
      });
      return { id: a.id, to: dto.to };
    });
  }

  /** The roles each person a subquery selects works in on `date`: one query, for the board. */
  async assignedWithin(personIdsSql: string, params: unknown[], date: IsoDate): Promise<Map<string, AssignedRoles>> {
    return assignedOn(await this.repo.assignmentsWithin(personIdsSql, params), date);
  }

  private async mayManage(personId: string, viewer: AuthUser): Promise<boolean> {
    if (hasRole(viewer, 'admin')) return true;
    if (!hasRole(viewer, 'supervisor') || viewer.id === personId) return false;
    return (await this.supervision.currentSuperviseeIds(viewer.id)).has(personId);
  }

  /**
   * 404 outside the viewer's scope (ids cannot be probed), 403 for someone who may look but not change; the
   * page forms ask first, so a refused form is never shown to someone who may not send it.
   */
  async assertManages(personId: string, viewer: AuthUser): Promise<void> {
    await findVisiblePersonName(this.dataSource, personId, viewer, this.config.today());
    if (!(await this.mayManage(personId, viewer)))
      throw new ForbiddenException('Only an admin, or this person’s supervisor, can change the roles they work in.');
  }
}

function view(r: AssignmentRow, today: IsoDate): AssignmentView {
  return {
    id: r.id,
    practiceRole: { code: r.roleCode, name: r.roleName },
    from: r.startsOn,
    to: r.endsOn,
    current: runsOn(r, today),
  };
}
