import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { RequestValidationException, type FieldError } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { Person } from '../people/person.entity';
import { Attendance, type AttendanceStatus } from './attendance.entity';
import { whereCohortManagedBy } from './cohort-access';
import { Cohort } from './cohort.entity';
import { CohortsService } from './cohorts.service';
import type { AttendanceRecordDto } from './dto/training.dto';
import { Enrollment } from './enrollment.entity';
import type { TrainingSession } from './training-session.entity';

export interface GridRow {
  person: Pick<Person, 'id' | 'name' | 'email'>;
  /** "enrolled", or "make-up" for someone from another cohort of the course sitting a session here. */
  kind: 'enrolled' | 'make-up' | 'withdrawn';
  cells: Record<string, { status: AttendanceStatus; hours: number } | undefined>;
}

export interface AttendanceGrid {
  cohort: Cohort;
  sessions: TrainingSession[];
  rows: GridRow[];
}

/** Attendance per cohort: a grid of people by sessions, saved in one go, with "everyone present" per session. */
@Injectable()
export class AttendanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cohorts: CohortsService,
    private readonly config: AppConfig,
  ) {}

  async grid(cohortId: string, user: AuthUser): Promise<AttendanceGrid> {
    const cohort = await this.cohorts.get(cohortId, user);
    const sessions = await this.cohorts.sessions(cohortId);
    const [enrollments, records] = await Promise.all([
      this.dataSource
        .getRepository(Enrollment)
        .find({ where: { cohortId, status: In(['enrolled', 'withdrawn']) }, relations: { person: true } }),
      sessions.length
        ? this.dataSource.getRepository(Attendance).findBy({ sessionId: In(sessions.map((s) => s.id)) })
        : Promise.resolve([]),
    ]);
    const rows = new Map<string, GridRow>();
    for (const e of enrollments.sort((a, b) => (a.status === b.status ? 0 : a.status === 'enrolled' ? -1 : 1))) {
      if (rows.has(e.personId)) continue;
      rows.set(e.personId, {
        person: { id: e.person.id, name: e.person.name, email: e.person.email },
        kind: e.status === 'enrolled' ? 'enrolled' : 'withdrawn',
        cells: {},
      });
    }
    const strangers = [...new Set(records.map((r) => r.personId).filter((id) => !rows.has(id)))];
    if (strangers.length) {
      for (const p of await this.dataSource.getRepository(Person).findBy({ id: In(strangers) })) {
        rows.set(p.id, { person: { id: p.id, name: p.name, email: p.email }, kind: 'make-up', cells: {} });
      }
    }
    for (const r of records) {
      const row = rows.get(r.personId);
      if (row) row.cells[r.sessionId] = { status: r.status, hours: r.hours };
    }
    // Withdrawn people stay on the grid only when attendance was taken for them.
    const list = [...rows.values()].filter((r) => r.kind !== 'withdrawn' || Object.keys(r.cells).length > 0);
    const rank = { enrolled: 0, 'make-up': 1, withdrawn: 2 };
    list.sort((a, b) => rank[a.kind] - rank[b.kind] || a.person.name.localeCompare(b.person.name));
    return { cohort, sessions, rows: list };
  }

  /**
   * Records attendance. Everything is checked before anything is written; only cells that change are
   * written and audited. A person may be recorded when they hold a place in this cohort, or (a
   * make-up) in another cohort of the same course that the user may record from (`recordable`);
   * after withdrawing, their attendance stays as it was. The first attendance starts a planned cohort.
   */
  async record(
    cohortId: string,
    records: AttendanceRecordDto[],
    user: AuthUser,
    actor: Actor,
  ): Promise<{ changed: number }> {
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.cohorts.changeable(tx, cohortId, user);
      const sessions = new Map((await this.cohorts.sessions(cohortId, tx)).map((s) => [s.id, s]));
      const { allowed, unseen } = await this.recordable(tx, cohort, [...new Set(records.map((r) => r.personId))], user);
      if (unseen.size) throw new NotFoundException('No person with that id.');
      const errors: FieldError[] = [];
      const rows: Attendance[] = [];
      const today = this.config.today();
      records.forEach((r, i) => {
        const session = sessions.get(r.sessionId);
        const field = (name: string) => `records.${i}.${name}`;
        if (!session) return errors.push({ field: field('sessionId'), message: 'is not a session of this cohort' });
        if (session.cancelledAt) return errors.push({ field: field('sessionId'), message: 'is cancelled' });
        if (session.heldOn > today) return errors.push({ field: field('sessionId'), message: 'has not happened yet' });
        if (!allowed.has(r.personId))
          return errors.push({ field: field('personId'), message: 'is not enrolled in this course' });
        let hours = 0;
        if (r.status === 'present') hours = session.hours;
        if (r.status === 'partial') {
          if (r.hours == null)
            return errors.push({ field: field('hours'), message: 'is required for partial attendance' });
          if (r.hours >= session.hours)
            return errors.push({
              field: field('hours'),
              message: `must be less than the session's ${session.hours} h (or mark present)`,
            });
          hours = r.hours;
        }
        rows.push(
          tx.getRepository(Attendance).create({
            sessionId: r.sessionId,
            personId: r.personId,
            status: r.status,
            hours,
            recordedById: actor.personId,
            recordedAt: new Date(),
          }),
        );
      });
      if (errors.length) throw new RequestValidationException(errors);
      const changed = await this.write(tx, rows, cohortId, actor);
      if (changed && cohort.status === 'planned')
        await tx.getRepository(Cohort).update(cohortId, { status: 'running' });
      return { changed };
    });
  }

  /** Marks everyone enrolled who has no mark yet for this session as present; the trainer then fixes the exceptions. */
  async everyonePresent(
    sessionId: string,
    user: AuthUser,
    actor: Actor,
  ): Promise<{ changed: number; cohortId: string }> {
    const { session, cohort } = await this.cohorts.managedSession(sessionId, user);
    const enrolled = await this.dataSource
      .getRepository(Enrollment)
      .find({ select: { personId: true }, where: { cohortId: cohort.id, status: 'enrolled' } });
    const marked = new Set(
      (await this.dataSource.getRepository(Attendance).find({ select: { personId: true }, where: { sessionId } })).map(
        (a) => a.personId,
      ),
    );
    const records = enrolled
      .filter((e) => !marked.has(e.personId))
      .map((e) => ({ sessionId: session.id, personId: e.personId, status: 'present' as const }));
    const { changed } = await this.record(cohort.id, records, user, actor);
    return { changed, cohortId: cohort.id };
  }

  /**
   * People from other cohorts of the same course who could sit a session here as a make-up. The rule a
   * training manager expects: a trainer offers (and records, see `recordable`) only the people of cohorts
   * of this course they run themselves. Another trainer's trainees are not in their scope: creating a
   * cohort of a course must not show a trainer the names on every other cohort of it. Admins may record
   * anyone enrolled in the course.
   */
  async makeUpCandidates(
    cohortId: string,
    user: AuthUser,
  ): Promise<Array<Pick<Person, 'id' | 'name'> & { cohortName: string }>> {
    const cohort = await this.cohorts.get(cohortId, user);
    const qb = this.dataSource
      .createQueryBuilder()
      .select(['p.id AS id', 'p.name AS name', 'c.name AS cohort_name'])
      .from(Enrollment, 'e')
      .innerJoin(Person, 'p', 'p.id = e.person_id')
      .innerJoin('cohorts', 'c', 'c.id = e.cohort_id')
      .where("c.course_id = :courseId AND c.id <> :cohortId AND e.status = 'enrolled'", {
        courseId: cohort.courseId,
        cohortId,
      })
      .andWhere(
        "e.person_id NOT IN (SELECT x.person_id FROM enrollments x WHERE x.cohort_id = :cohortId AND x.status = 'enrolled')",
      );
    const rows: Array<{ id: string; name: string; cohort_name: string }> = await whereCohortManagedBy(qb, 'c.id', user)
      .orderBy('p.name', 'ASC')
      .getRawMany();
    return rows.map((r) => ({ id: r.id, name: r.name, cohortName: r.cohort_name }));
  }

  /**
   * Of `personIds`, who may be recorded in `cohort` (`allowed`) and whom `user` cannot see at all
   * (`unseen`, answered 404 like an unknown id, so nothing is said about them). Recordable: enrolled in a
   * cohort of the course. For a trainer, only through a cohort of the course they run (this one or
   * another of theirs), or when already on this cohort's grid (a make-up an admin recorded; the page
   * posts every row it shows). A trainer sees the people of the cohorts they run and of this grid.
   */
  private async recordable(
    tx: EntityManager,
    cohort: Cohort,
    personIds: string[],
    user: AuthUser,
  ): Promise<{ allowed: Set<string>; unseen: Set<string> }> {
    const allowed = new Set<string>();
    const unseen = new Set<string>();
    const ids = async (qb: SelectQueryBuilder<ObjectLiteral>) =>
      new Set((await qb.getRawMany<{ person_id: string }>()).map((r) => r.person_id));
    const enrolledInCourse = (chunk: string[]) =>
      tx
        .createQueryBuilder()
        .select('DISTINCT e.person_id', 'person_id')
        .from(Enrollment, 'e')
        .innerJoin('cohorts', 'c', 'c.id = e.cohort_id')
        .where('c.course_id = :courseId AND e.person_id IN (:...chunk)', { courseId: cohort.courseId, chunk })
        .andWhere("e.status = 'enrolled'");
    for (let i = 0; i < personIds.length; i += 500) {
      const chunk = personIds.slice(i, i + 500);
      const inCourse = await ids(enrolledInCourse(chunk));
      if (hasRole(user, 'admin')) {
        for (const id of inCourse) allowed.add(id);
        continue;
      }
      const viaOwn = await ids(whereCohortManagedBy(enrolledInCourse(chunk), 'c.id', user));
      const onGrid = await ids(
        tx
          .createQueryBuilder()
          .select('DISTINCT a.person_id', 'person_id')
          .from(Attendance, 'a')
          .where('a.person_id IN (:...chunk)', { chunk })
          .andWhere('a.session_id IN (SELECT s.id FROM training_sessions s WHERE s.cohort_id = :cohortId)', {
            cohortId: cohort.id,
          }),
      );
      const onRosters = await ids(
        whereCohortManagedBy(
          tx
            .createQueryBuilder()
            .select('DISTINCT e.person_id', 'person_id')
            .from(Enrollment, 'e')
            .where('e.person_id IN (:...chunk)', { chunk }),
          'e.cohort_id',
          user,
        ),
      );
      for (const id of chunk) {
        if (viaOwn.has(id) || (onGrid.has(id) && inCourse.has(id))) allowed.add(id);
        else if (!onGrid.has(id) && !onRosters.has(id)) unseen.add(id);
      }
    }
    return { allowed, unseen };
  }

  private async write(tx: EntityManager, rows: Attendance[], cohortId: string, actor: Actor): Promise<number> {
    if (!rows.length) return 0;
    const repo = tx.getRepository(Attendance);
    const existing = new Map<string, Attendance>();
    const sessionIds = [...new Set(rows.map((r) => r.sessionId))];
    for (const a of await repo.findBy({ sessionId: In(sessionIds) })) existing.set(`${a.sessionId}:${a.personId}`, a);
    const changed = rows.filter((r) => {
      const before = existing.get(`${r.sessionId}:${r.personId}`);
      return !before || before.status !== r.status || before.hours !== r.hours;
    });
    for (let i = 0; i < changed.length; i += 200)
      await repo.upsert(changed.slice(i, i + 200), ['sessionId', 'personId']);
    const events: AuditEvent[] = changed.map((r) => {
      const before = existing.get(`${r.sessionId}:${r.personId}`);
      return {
        action: 'attendance.recorded',
        entityType: 'cohort',
        entityId: cohortId,
        before: before ? { status: before.status, hours: before.hours } : undefined,
        after: { sessionId: r.sessionId, personId: r.personId, status: r.status, hours: r.hours },
      };
    });
    await this.audit.recordMany(tx, actor, events);
    return changed.length;
  }
}
