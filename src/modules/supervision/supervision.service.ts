import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { addBusinessDays, addDays, dateInZone, isIsoDate, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { PersonRole, type Role } from '../people/person-role.entity';
import { Person } from '../people/person.entity';
import type { AssignSupervisorDto, QualifySupervisorDto } from './dto/supervision.dto';
import { SupervisionAssignment } from './supervision-assignment.entity';
import { SupervisorQualification } from './supervisor-qualification.entity';

/** Business days the Board gives for reporting a change of supervisor. */
export const BOARD_REPORT_BUSINESS_DAYS = 20;

const bad = (field: string, message: string, sentence: string) => new BadRequestException({ statusCode: 400, message: sentence, errors: [{ field, message }] });

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
    if (!isIsoDate(dto.qualifiedFrom)) throw bad('qualifiedFrom', 'must be a real date', 'The start date is not a real date.');
    if (dto.qualifiedUntil && dto.qualifiedUntil < dto.qualifiedFrom)
      throw bad('qualifiedUntil', 'is before the start date', 'The end date is before the start date.');
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(SupervisorQualification);
      const q = repo.create({ personId, licence: dto.licence, qualifiedFrom: dto.qualifiedFrom, qualifiedUntil: dto.qualifiedUntil ?? null });
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
    if (dto.peerId === dto.supervisorId) throw bad('supervisorId', 'cannot be the peer themself', 'A peer cannot supervise themself.');
    await this.assertRole(dto.peerId, 'peer', 'peerId');
    await this.assertRole(dto.supervisorId, 'supervisor', 'supervisorId');
    if (!isIsoDate(dto.startsOn)) throw bad('startsOn', 'must be a real date', 'The start date is not a real date.');
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(SupervisionAssignment);
      const open = await repo.find({ where: { peerId: dto.peerId, endsOn: IsNull() } });
      const later = await repo
        .createQueryBuilder('a')
        .where('a.peer_id = :peer AND a.starts_on >= :start', { peer: dto.peerId, start: dto.startsOn })
        .getExists();
      if (later)
        throw bad(
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
        after: { supervisorId: dto.supervisorId, startsOn: dto.startsOn, boardReportDueOn: assignment.boardReportDueOn },
      });
      return assignment;
    });
  }

  async end(assignmentId: string, endsOn: IsoDate, actor: Actor): Promise<SupervisionAssignment> {
    return this.dataSource.transaction(async (tx) => {
      const a = await tx.getRepository(SupervisionAssignment).findOneBy({ id: assignmentId });
      if (!a) throw new NotFoundException('No supervision assignment with that id.');
      if (endsOn < a.startsOn) throw bad('endsOn', 'is before the assignment started', 'The end date is before the assignment started.');
      const before = { endsOn: a.endsOn };
      a.endsOn = endsOn;
      await tx.getRepository(SupervisionAssignment).save(a);
      await this.audit.record(tx, actor, { action: 'supervision.ended', entityType: 'person', entityId: a.peerId, before, after: { endsOn } });
      return a;
    });
  }

  async markReported(assignmentId: string, reportedOn: IsoDate, actor: Actor): Promise<SupervisionAssignment> {
    return this.dataSource.transaction(async (tx) => {
      const a = await tx.getRepository(SupervisionAssignment).findOneBy({ id: assignmentId });
      if (!a || !a.boardReportDueOn) throw new NotFoundException('No supervisor change to report with that id.');
      a.boardReportedOn = reportedOn;
      await tx.getRepository(SupervisionAssignment).save(a);
      await this.audit.record(tx, actor, { action: 'supervision.board_reported', entityType: 'person', entityId: a.peerId, after: { reportedOn } });
      return a;
    });
  }

  /** Everything the supervision page shows: qualified supervisors, current assignments, reports due. */
  async overview() {
    const today = dateInZone(new Date(), this.config.timeZone);
    const names = new Map(
      (await this.dataSource.getRepository(Person).find({ select: { id: true, name: true, preferredName: true } })).map((p) => [p.id, p.displayName]),
    );
    const qualifications = await this.dataSource.getRepository(SupervisorQualification).find({ order: { qualifiedFrom: 'DESC' } });
    const assignments = await this.dataSource
      .getRepository(SupervisionAssignment)
      .createQueryBuilder('a')
      .where('a.starts_on <= :today AND (a.ends_on IS NULL OR a.ends_on >= :today)', { today })
      .getMany();
    const due = await this.dataSource.getRepository(SupervisionAssignment).find({ where: { boardReportedOn: IsNull() }, order: { boardReportDueOn: 'ASC' } });
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
        .map((a) => ({ ...a, peer: names.get(a.peerId), supervisor: names.get(a.supervisorId), overdue: a.boardReportDueOn! < today })),
    };
  }

  private async assertRole(personId: string, role: Role, field: string): Promise<void> {
    const person = await this.dataSource.getRepository(Person).findOneBy({ id: personId });
    if (!person) throw bad(field, 'is not a person in the program', 'That person is not in the program.');
    if (!(await this.dataSource.getRepository(PersonRole).existsBy({ personId, role })))
      throw bad(field, `must hold the ${role} role`, `${person.displayName} does not hold the ${role} role.`);
  }
}
