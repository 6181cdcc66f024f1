import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { addDays } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { Person } from '../people/person.entity';
import { Attendance } from './attendance.entity';
import { calendarFeed, calendarToken, isCalendarToken, type FeedEvent } from './calendar-feed';
import { Cohort } from './cohort.entity';
import { evaluateCompletion, type CompletionResult } from './completion-rules';
import { CourseModule } from './course-module.entity';
import { Enrollment } from './enrollment.entity';
import { ExamAttempt } from './exam-attempt.entity';
import { TrainingSession } from './training-session.entity';

export interface MyCohort {
  enrollment: Enrollment;
  cohort: Cohort;
  /** Only for a current place: how far along they are, in the same words the trainer sees. */
  progress: CompletionResult | null;
  waitListPosition: number | null;
}

export interface MyTraining {
  cohorts: MyCohort[];
  upcoming: Array<{ session: TrainingSession; cohort: Cohort }>;
  feedUrl: string;
}

/** A person's own training: their cohorts and progress, upcoming sessions, and their calendar feed. */
@Injectable()
export class MyTrainingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async overview(personId: string): Promise<MyTraining> {
    const today = this.config.today();
    const enrollments = await this.dataSource
      .getRepository(Enrollment)
      .find({ where: { personId }, order: { requestedAt: 'DESC' } });
    const cohortIds = [...new Set(enrollments.map((e) => e.cohortId))];
    const cohorts = cohortIds.length
      ? await this.dataSource
          .getRepository(Cohort)
          .find({ where: { id: In(cohortIds) }, relations: { course: true, trainers: true } })
      : [];
    const byId = new Map(cohorts.map((c) => [c.id, c]));
    const current = enrollments.filter((e) => e.status === 'enrolled');
    const courseIds = [...new Set(current.map((e) => byId.get(e.cohortId)!.courseId))];
    const [modules, sessions, attendance, attempts] = courseIds.length
      ? await Promise.all([
          this.dataSource.getRepository(CourseModule).findBy({ courseId: In(courseIds) }),
          this.dataSource
            .getRepository(TrainingSession)
            .createQueryBuilder('s')
            .leftJoinAndSelect('s.modules', 'm')
            .innerJoinAndMapOne('s.cohort', Cohort, 'c', 'c.id = s.cohort_id')
            .where('c.course_id IN (:...courseIds)', { courseIds })
            .orderBy('s.held_on', 'ASC')
            .addOrderBy('s.starts_at', 'ASC')
            .getMany(),
          this.dataSource.getRepository(Attendance).findBy({ personId }),
          this.dataSource.getRepository(ExamAttempt).findBy({ personId }),
        ])
      : [[], [], [], []];
    const sessionFacts = new Map(
      sessions.map((s) => [
        s.id,
        {
          id: s.id,
          cohortId: s.cohortId,
          courseId: (s as TrainingSession & { cohort: Cohort }).cohort.courseId,
          hours: s.hours,
          moduleIds: s.modules.map((m) => m.id),
          cancelled: !!s.cancelledAt,
        },
      ]),
    );
    const facts = attendance.map((a) => ({ sessionId: a.sessionId, status: a.status, hours: a.hours }));

    const waitLists = await this.waitListPositions(enrollments.filter((e) => e.status === 'waitlisted'));
    const mine: MyCohort[] = enrollments.map((enrollment) => {
      const cohort = byId.get(enrollment.cohortId)!;
      let progress: CompletionResult | null = null;
      if (enrollment.status === 'enrolled') {
        const course = cohort.course;
        progress = evaluateCompletion(
          {
            requiredHours: course.requiredHours,
            modules: modules
              .filter((m) => m.courseId === course.id)
              .map((m) => ({ id: m.id, title: m.title, required: m.required })),
            exam:
              course.examPassMark != null && course.examMaxAttempts != null
                ? { passMark: course.examPassMark, maxAttempts: course.examMaxAttempts }
                : null,
          },
          cohort.id,
          // Only this course's sessions: another course's hours are not a make-up.
          new Map([...sessionFacts].filter(([, f]) => f.courseId === course.id)),
          facts,
          attempts.filter((a) => a.cohortId === cohort.id),
        );
      }
      return { enrollment, cohort, progress, waitListPosition: waitLists.get(enrollment.id) ?? null };
    });
    const currentCohorts = new Set(current.map((e) => e.cohortId));
    const upcoming = sessions
      .filter((s) => currentCohorts.has(s.cohortId) && s.heldOn >= today && !s.cancelledAt)
      .map((session) => ({ session, cohort: byId.get(session.cohortId)! }));
    return { cohorts: mine, upcoming, feedUrl: await this.feedUrl(personId) };
  }

  async feedUrl(personId: string): Promise<string> {
    const version = await this.version(personId);
    return `${this.config.publicBaseUrl}/calendar/${personId}/${calendarToken(this.config.sessionSecret, personId, version)}.ics`;
  }

  /** A new feed address; the old one stops working (for a link shared by mistake). */
  async resetFeed(personId: string, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(Person).increment({ id: personId }, 'calendarFeedVersion', 1);
      await this.audit.record(tx, actor, { action: 'calendar_feed.reset', entityType: 'person', entityId: personId });
    });
  }

  /** The feed for a secret address: every session of the cohorts the person holds a place in, from 30 days back. */
  async feed(personId: string, token: string): Promise<string> {
    const version = await this.version(personId).catch(() => null);
    if (version === null || !isCalendarToken(this.config.sessionSecret, personId, version, token))
      throw new NotFoundException('No such calendar.');
    const since = addDays(this.config.today(), -30);
    const sessions = await this.dataSource
      .getRepository(TrainingSession)
      .createQueryBuilder('s')
      .leftJoinAndSelect('s.modules', 'm')
      .innerJoinAndMapOne('s.cohort', Cohort, 'c', 'c.id = s.cohort_id')
      .innerJoinAndSelect('c.course', 'course')
      .where(
        "s.cohort_id IN (SELECT e.cohort_id FROM enrollments e WHERE e.person_id = :personId AND e.status = 'enrolled')",
        { personId },
      )
      .andWhere('s.held_on >= :since', { since })
      .orderBy('s.held_on', 'ASC')
      .addOrderBy('m.position', 'ASC')
      .getMany();
    const host = new URL(this.config.publicBaseUrl).hostname;
    const events: FeedEvent[] = sessions.map((s) => {
      const cohort = (s as TrainingSession & { cohort: Cohort }).cohort;
      return {
        uid: `${s.id}@${host}`,
        date: s.heldOn,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        summary: `${cohort.course.title}: ${s.modules.map((m) => m.title).join(', ')}`,
        location: s.place ?? cohort.location,
        description: `${cohort.name}. ${s.hours} h. ${this.config.publicBaseUrl}/my/training`,
        cancelled: !!s.cancelledAt || cohort.status === 'cancelled',
      };
    });
    return calendarFeed(`${this.config.orgName} training`, events, this.config.timeZone);
  }

  private async version(personId: string): Promise<number> {
    const row = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .addSelect('p.calendarFeedVersion')
      .where('p.id = :personId', { personId })
      .getOne();
    if (!row) throw new NotFoundException('No such calendar.');
    return row.calendarFeedVersion;
  }

  private async waitListPositions(waiting: Enrollment[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const e of waiting) {
      const ahead = await this.dataSource
        .getRepository(Enrollment)
        .createQueryBuilder('e')
        .where(
          "e.cohort_id = :cohortId AND e.status = 'waitlisted' AND (e.requested_at < :at OR (e.requested_at = :at AND e.id < :id))",
          {
            cohortId: e.cohortId,
            at: e.requestedAt,
            id: e.id,
          },
        )
        .getCount();
      out.set(e.id, ahead + 1);
    }
    return out;
  }
}
