import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { formatDate, isIsoDate, resolveLocalTime } from '../../common/dates';
import { fieldError } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { PersonRole } from '../people/person-role.entity';
import { Person } from '../people/person.entity';
import { findManagedCohort, managedCohorts } from './cohort-access';
import { Cohort, type CohortStatus } from './cohort.entity';
import { CourseModule } from './course-module.entity';
import { Course } from './course.entity';
import type { CohortDto, CohortStatusDto, TrainingSessionDto } from './dto/training.dto';
import { Enrollment } from './enrollment.entity';
import { TrainingSession } from './training-session.entity';
import { promoteFromWaitList } from './wait-list';

export interface CohortSummary {
  cohort: Cohort;
  enrolled: number;
  waitlisted: number;
  sessions: number;
  hoursScheduled: number;
}

function snapshot(c: Cohort) {
  const { course: _c, trainers, createdAt: _a, ...fields } = c;
  return { ...fields, trainerIds: (trainers ?? []).map((t) => t.id).sort() };
}

export function sessionSnapshot(s: TrainingSession) {
  return {
    heldOn: s.heldOn,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    hours: s.hours,
    place: s.place ?? null,
    moduleIds: (s.modules ?? []).map((m) => m.id).sort(),
  };
}

/** The real time from `start` to `end`, as hours rounded to the quarter (not the wall-clock difference). */
export function hoursBetween(start: Date, end: Date): number {
  return Math.round(((end.getTime() - start.getTime()) / 3_600_000) * 4) / 4;
}

/**
 * The instant a session's local date and time name in `timeZone`. A time the clocks skip is refused
 * (`field` says which); a time they repeat, when they go back, is its first occurrence (daylight
 * time), which the pages show with its zone ("01:30 MDT").
 */
export function sessionInstant(date: string, time: string, timeZone: string, field: string): Date {
  const { instants, skippedMinutes } = resolveLocalTime(date, time, timeZone);
  if (instants.length > 0) return instants[0];
  const jump = skippedMinutes === 60 ? 'an hour' : `${skippedMinutes} minutes`;
  throw fieldError(
    field,
    `does not exist on ${formatDate(date)}: clocks in ${timeZone} go forward ${jump} that night (daylight saving time)`,
  );
}

/** Cohorts (runs of a course) and their sessions. Trainers manage only their own cohorts. */
@Injectable()
export class CohortsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(user: AuthUser, filters: { status?: CohortStatus; courseId?: string } = {}): Promise<CohortSummary[]> {
    const qb = managedCohorts(this.dataSource.manager, user).orderBy('c.starts_on', 'DESC').addOrderBy('c.name', 'ASC');
    if (filters.status) qb.andWhere('c.status = :status', { status: filters.status });
    if (filters.courseId) qb.andWhere('c.course_id = :courseId', { courseId: filters.courseId });
    const cohorts = await qb.getMany();
    if (!cohorts.length) return [];
    const ids = cohorts.map((c) => c.id);
    const [counts, sessions]: [
      Array<{ cohort_id: string; status: string; n: string | number }>,
      Array<{ cohort_id: string; n: string | number; hours: string | number }>,
    ] = await Promise.all([
      this.dataSource
        .createQueryBuilder()
        .select('e.cohort_id', 'cohort_id')
        .addSelect('e.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .from(Enrollment, 'e')
        .where({ cohortId: In(ids) })
        .groupBy('e.cohort_id')
        .addGroupBy('e.status')
        .getRawMany(),
      this.dataSource
        .createQueryBuilder()
        .select('s.cohort_id', 'cohort_id')
        .addSelect('COUNT(*)', 'n')
        .addSelect('SUM(s.hours)', 'hours')
        .from(TrainingSession, 's')
        .where('s.cohort_id IN (:...ids) AND s.cancelled_at IS NULL', { ids })
        .groupBy('s.cohort_id')
        .getRawMany(),
    ]);
    const count = (id: string, status: string) =>
      Number(counts.find((c) => c.cohort_id === id && c.status === status)?.n ?? 0);
    return cohorts.map((cohort) => {
      const s = sessions.find((x) => x.cohort_id === cohort.id);
      return {
        cohort,
        enrolled: count(cohort.id, 'enrolled'),
        waitlisted: count(cohort.id, 'waitlisted'),
        sessions: Number(s?.n ?? 0),
        hoursScheduled: Math.round(Number(s?.hours ?? 0) * 100) / 100,
      };
    });
  }

  get(id: string, user: AuthUser): Promise<Cohort> {
    return findManagedCohort(this.dataSource.manager, id, user);
  }

  /** The cohort's sessions in date order, cancelled ones included (they say so). */
  sessions(cohortId: string, manager: EntityManager = this.dataSource.manager): Promise<TrainingSession[]> {
    return manager
      .getRepository(TrainingSession)
      .createQueryBuilder('s')
      .leftJoinAndSelect('s.modules', 'm')
      .where('s.cohort_id = :cohortId', { cohortId })
      .orderBy('s.held_on', 'ASC')
      .addOrderBy('s.starts_at', 'ASC')
      .addOrderBy('m.position', 'ASC')
      .getMany();
  }

  /** People who may run a cohort: active people with the trainer role. */
  trainers(): Promise<Person[]> {
    return this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .innerJoin(PersonRole, 'r', "r.person_id = p.id AND r.role = 'trainer'")
      .where("p.status = 'active'")
      .orderBy('p.name', 'ASC')
      .getMany();
  }

  async create(dto: CohortDto, user: AuthUser, actor: Actor): Promise<Cohort> {
    return this.dataSource.transaction(async (tx) => {
      const course = await tx.getRepository(Course).findOneBy({ id: dto.courseId });
      if (!course) throw fieldError('courseId', 'is not a course in the catalogue');
      if (!course.active) throw fieldError('courseId', 'is no longer offered');
      const cohort = tx.getRepository(Cohort).create({ courseId: course.id, status: 'planned' });
      await this.apply(tx, cohort, dto, user);
      const { trainers, ...columns } = cohort;
      await tx.getRepository(Cohort).insert(columns);
      await tx
        .createQueryBuilder()
        .insert()
        .into('cohort_trainers')
        .values(trainers.map((t) => ({ cohort_id: columns.id, trainer_id: t.id })))
        .execute();
      cohort.id = columns.id;
      await this.audit.record(tx, actor, {
        action: 'cohort.created',
        entityType: 'cohort',
        entityId: cohort.id,
        after: snapshot(cohort),
      });
      return findManagedCohort(tx, cohort.id, user);
    });
  }

  async update(id: string, dto: CohortDto, user: AuthUser, actor: Actor): Promise<Cohort> {
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.changeable(tx, id, user);
      const before = snapshot(cohort);
      if (dto.courseId !== cohort.courseId) throw fieldError('courseId', 'cannot change once the cohort exists');
      const enrolled = await tx.getRepository(Enrollment).countBy({ cohortId: id, status: 'enrolled' });
      if (dto.capacity < enrolled) throw fieldError('capacity', `is below the ${enrolled} people already enrolled`);
      await this.apply(tx, cohort, dto, user);
      const outside = await tx
        .getRepository(TrainingSession)
        .createQueryBuilder('s')
        .where('s.cohort_id = :id AND s.cancelled_at IS NULL AND (s.held_on < :from OR s.held_on > :to)', {
          id,
          from: dto.startsOn,
          to: dto.endsOn,
        })
        .getCount();
      if (outside)
        throw fieldError('startsOn', `leaves ${outside} session(s) outside the cohort's dates; move them first`);
      const { trainers, course: _c, ...columns } = cohort;
      await tx.getRepository(Cohort).update(id, columns);
      await tx.createQueryBuilder().delete().from('cohort_trainers').where('cohort_id = :id', { id }).execute();
      await tx
        .createQueryBuilder()
        .insert()
        .into('cohort_trainers')
        .values(trainers.map((t) => ({ cohort_id: id, trainer_id: t.id })))
        .execute();
      await this.audit.record(tx, actor, {
        action: 'cohort.updated',
        entityType: 'cohort',
        entityId: id,
        before,
        after: snapshot(cohort),
      });
      // More places: the wait list moves up.
      if (dto.capacity > before.capacity) await promoteFromWaitList(tx, this.audit, cohort, actor);
      return cohort;
    });
  }

  async setStatus(id: string, dto: CohortStatusDto, user: AuthUser, actor: Actor): Promise<Cohort> {
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.changeable(tx, id, user);
      const before = cohort.status;
      await tx.getRepository(Cohort).update(id, { status: dto.status });
      cohort.status = dto.status;
      await this.audit.record(tx, actor, {
        action: 'cohort.status_changed',
        entityType: 'cohort',
        entityId: id,
        before: { status: before },
        after: { status: dto.status },
      });
      return cohort;
    });
  }

  async addSession(cohortId: string, dto: TrainingSessionDto, user: AuthUser, actor: Actor): Promise<TrainingSession> {
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.changeable(tx, cohortId, user);
      const session = tx.getRepository(TrainingSession).create({ cohortId });
      await this.applySession(tx, cohort, session, dto);
      await tx.getRepository(TrainingSession).save(session);
      await this.audit.record(tx, actor, {
        action: 'training_session.added',
        entityType: 'cohort',
        entityId: cohortId,
        after: { sessionId: session.id, ...sessionSnapshot(session) },
      });
      return session;
    });
  }

  /** Moves a session (date, times) or changes what it covers; attendance already taken stays with it. */
  async changeSession(
    sessionId: string,
    dto: TrainingSessionDto,
    user: AuthUser,
    actor: Actor,
  ): Promise<TrainingSession> {
    return this.dataSource.transaction(async (tx) => {
      const session = await this.findSession(tx, sessionId);
      const cohort = await this.changeable(tx, session.cohortId, user);
      if (session.cancelledAt)
        throw new ConflictException({ statusCode: 409, message: 'This session is cancelled.', errors: [] });
      const before = sessionSnapshot(session);
      await this.applySession(tx, cohort, session, dto);
      await tx.getRepository(TrainingSession).save(session);
      await this.audit.record(tx, actor, {
        action: 'training_session.changed',
        entityType: 'cohort',
        entityId: cohort.id,
        before: { sessionId, ...before },
        after: { sessionId, ...sessionSnapshot(session) },
      });
      return session;
    });
  }

  async cancelSession(sessionId: string, user: AuthUser, actor: Actor): Promise<TrainingSession> {
    return this.dataSource.transaction(async (tx) => {
      const session = await this.findSession(tx, sessionId);
      await this.changeable(tx, session.cohortId, user);
      if (session.cancelledAt) return session;
      session.cancelledAt = new Date();
      await tx.getRepository(TrainingSession).update(sessionId, { cancelledAt: session.cancelledAt });
      await this.audit.record(tx, actor, {
        action: 'training_session.cancelled',
        entityType: 'cohort',
        entityId: session.cohortId,
        after: { sessionId, ...sessionSnapshot(session) },
      });
      return session;
    });
  }

  /** A session of a cohort the user manages (404 otherwise). */
  async managedSession(
    sessionId: string,
    user: AuthUser,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ session: TrainingSession; cohort: Cohort }> {
    const session = await this.findSession(manager, sessionId);
    return { session, cohort: await findManagedCohort(manager, session.cohortId, user) };
  }

  /** A cohort the user manages that can still change: not completed or cancelled. */
  async changeable(tx: EntityManager, id: string, user: AuthUser): Promise<Cohort> {
    const cohort = await findManagedCohort(tx, id, user);
    if (cohort.status === 'completed' || cohort.status === 'cancelled')
      throw new ConflictException({
        statusCode: 409,
        message: `This cohort is ${cohort.status}; it can no longer change.`,
        errors: [],
      });
    return cohort;
  }

  private async findSession(manager: EntityManager, id: string): Promise<TrainingSession> {
    const session = await manager
      .getRepository(TrainingSession)
      .findOne({ where: { id }, relations: { modules: true } });
    if (!session) throw new NotFoundException('No session with that id.');
    return session;
  }

  private async apply(tx: EntityManager, cohort: Cohort, dto: CohortDto, user: AuthUser): Promise<void> {
    if (!isIsoDate(dto.startsOn)) throw fieldError('startsOn', 'must be a real date');
    if (!isIsoDate(dto.endsOn)) throw fieldError('endsOn', 'must be a real date');
    if (dto.endsOn < dto.startsOn) throw fieldError('endsOn', 'is before the start date');
    const ids = [...new Set(dto.trainerIds)];
    // A trainer who is not an admin cannot hand a cohort away: they stay one of its trainers.
    if (!hasRole(user, 'admin') && !ids.includes(user.id)) throw fieldError('trainerIds', 'must include you');
    const trainers = await tx
      .getRepository(Person)
      .createQueryBuilder('p')
      .innerJoin(PersonRole, 'r', "r.person_id = p.id AND r.role = 'trainer'")
      .where('p.id IN (:...ids)', { ids })
      .andWhere("p.status = 'active'")
      .getMany();
    if (trainers.length !== ids.length) throw fieldError('trainerIds', 'must all be active trainers');
    Object.assign(cohort, {
      name: dto.name,
      location: dto.location,
      setting: dto.setting,
      startsOn: dto.startsOn,
      endsOn: dto.endsOn,
      capacity: dto.capacity,
      trainers,
    });
  }

  /** Checks a session against the cohort (dates, times the clocks skip, hours, modules) and sets its fields. */
  async applySession(
    tx: EntityManager,
    cohort: Cohort,
    session: TrainingSession,
    dto: TrainingSessionDto,
  ): Promise<void> {
    if (!isIsoDate(dto.heldOn)) throw fieldError('heldOn', 'must be a real date');
    if (dto.heldOn < cohort.startsOn || dto.heldOn > cohort.endsOn)
      throw fieldError(
        'heldOn',
        `must fall within the cohort's dates (${formatDate(cohort.startsOn)} – ${formatDate(cohort.endsOn)})`,
      );
    if (dto.endsAt <= dto.startsAt) throw fieldError('endsAt', 'must be after the start time');
    const zone = this.config.timeZone;
    const span = hoursBetween(
      sessionInstant(dto.heldOn, dto.startsAt, zone, 'startsAt'),
      sessionInstant(dto.heldOn, dto.endsAt, zone, 'endsAt'),
    );
    if (span <= 0) throw fieldError('endsAt', 'must be after the start time');
    const hours = dto.hours ?? span;
    if (hours > span) throw fieldError('hours', `cannot be more than the ${span} h between start and end`);
    const ids = [...new Set(dto.moduleIds)];
    const modules = await tx.getRepository(CourseModule).findBy({ id: In(ids), courseId: cohort.courseId });
    if (modules.length !== ids.length) throw fieldError('moduleIds', 'must be modules of this course');
    Object.assign(session, {
      heldOn: dto.heldOn,
      startsAt: dto.startsAt,
      endsAt: dto.endsAt,
      hours,
      place: dto.place ?? null,
      modules,
    });
  }
}
