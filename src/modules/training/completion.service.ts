import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { formatDate, isIsoDate } from '../../common/dates';
import { fieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { CredentialType } from '../catalog/credential-type.entity';
import { expiryFor } from '../catalog/credential-validity';
import { Credential } from '../credentials/credential.entity';
import type { Person } from '../people/person.entity';
import { Attendance } from './attendance.entity';
import { CertificateRequests } from './certificate-requests';
import { findManagedCohort } from './cohort-access';
import { Cohort } from './cohort.entity';
import { CohortsService } from './cohorts.service';
import {
  evaluateCompletion,
  type AttemptFact,
  type AttendanceFact,
  type CompletionResult,
  type CourseRules,
  type SessionFact,
} from './completion-rules';
import { CourseModule } from './course-module.entity';
import type { CompleteCohortDto, ExamAttemptDto } from './dto/training.dto';
import { Enrollment } from './enrollment.entity';
import { ExamAttempt } from './exam-attempt.entity';
import { openMakeUpSessions, type MakeUpOption } from './make-up-options';
import { TrainingSession } from './training-session.entity';

export interface CompletionRow {
  enrollmentId: string;
  person: Pick<Person, 'id' | 'name' | 'email'>;
  result: CompletionResult;
  attempts: AttemptFact[];
  /** The credential this cohort awarded them, once it has. */
  awardedCredentialId: string | null;
  completedOn: string | null;
  /** When hours or modules are missing: sessions still to come in other cohorts of the course that cover a module they missed. */
  makeUps: Array<MakeUpOption & { modules: string[] }>;
}

export interface CompletionReview {
  cohort: Cohort;
  rules: CourseRules;
  rows: CompletionRow[];
  met: number;
  notMet: number;
}

/**
 * Completion: per person, met or exactly what is missing (the rules are in completion-rules.ts);
 * exam attempts; and completing a cohort, which awards the course's credential to everyone who met
 * the rules in one transaction. The review loads a whole cohort in a fixed number of queries.
 */
@Injectable()
export class CompletionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cohorts: CohortsService,
    private readonly certificates: CertificateRequests,
    private readonly config: AppConfig,
  ) {}

  async review(cohortId: string, user: AuthUser): Promise<CompletionReview> {
    const cohort = await this.cohorts.get(cohortId, user);
    const review = await this.evaluate(this.dataSource.manager, cohort);
    const short = review.rows.filter(({ result: r }) => !r.met && r.modulesToMakeUp.length && missesAttendance(r));
    if (!short.length) return review;
    const options = await openMakeUpSessions(this.dataSource.manager, cohort, user, this.config.today());
    for (const row of short) {
      const titles = new Map(row.result.modulesToMakeUp.map((m) => [m.id, m.title]));
      row.makeUps = options
        .map((o) => ({ ...o, modules: o.moduleIds.filter((id) => titles.has(id)).map((id) => titles.get(id)!) }))
        .filter((o) => o.modules.length > 0);
    }
    return review;
  }

  async recordExamAttempt(cohortId: string, dto: ExamAttemptDto, user: AuthUser, actor: Actor): Promise<ExamAttempt> {
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.cohorts.changeable(tx, cohortId, user);
      const { course } = cohort;
      if (course.examPassMark == null || course.examMaxAttempts == null)
        throw new BadRequestException({ statusCode: 400, message: 'This course has no exam.', errors: [] });
      const takenOn = dto.takenOn ?? this.config.today();
      if (!isIsoDate(takenOn)) throw fieldError('takenOn', 'must be a real date');
      if (takenOn > this.config.today()) throw fieldError('takenOn', 'cannot be in the future');
      if (takenOn < cohort.startsOn) throw fieldError('takenOn', "is before the cohort's start");
      if (!(await tx.getRepository(Enrollment).existsBy({ cohortId, personId: dto.personId, status: 'enrolled' })))
        throw fieldError('personId', 'is not enrolled in this cohort');
      const attempts = await tx.getRepository(ExamAttempt).findBy({ cohortId, personId: dto.personId });
      if (attempts.some((a) => a.passed))
        throw new ConflictException({
          statusCode: 409,
          message: 'This person has already passed the exam.',
          errors: [],
        });
      if (attempts.length >= course.examMaxAttempts)
        throw new ConflictException({
          statusCode: 409,
          message: `No attempts left: the course allows ${course.examMaxAttempts}.`,
          errors: [{ field: 'score', message: 'no attempts left' }],
        });
      const attempt = tx.getRepository(ExamAttempt).create({
        cohortId,
        personId: dto.personId,
        attempt: attempts.length + 1,
        score: dto.score,
        passed: dto.score >= course.examPassMark,
        takenOn,
        recordedById: actor.personId,
      });
      await tx.getRepository(ExamAttempt).insert(attempt);
      await this.audit.record(tx, actor, {
        action: 'exam.recorded',
        entityType: 'cohort',
        entityId: cohortId,
        after: {
          personId: dto.personId,
          attempt: attempt.attempt,
          score: dto.score,
          passed: attempt.passed,
          takenOn,
          passMark: course.examPassMark,
        },
      });
      return attempt;
    });
  }

  /**
   * Completes the cohort on a date (default today): everyone who met the rules gets the course's
   * credential issued that day, all in one transaction, and their certificates are requested once it
   * commits. Completing again awards nobody twice (checked here, and by a unique index).
   */
  async complete(
    cohortId: string,
    dto: CompleteCohortDto,
    user: AuthUser,
    actor: Actor,
  ): Promise<{ awarded: string[]; review: CompletionReview }> {
    const today = this.config.today();
    const outcome = await this.dataSource.transaction(async (tx) => {
      await findManagedCohort(tx, cohortId, user);
      // Two trainers pressing "complete" at once: the second waits here, then sees the first's awards.
      const lockQb = tx.getRepository(Cohort).createQueryBuilder('c').where('c.id = :cohortId', { cohortId });
      if (tx.connection.options.type === 'postgres') lockQb.setLock('pessimistic_write');
      await lockQb.getOne();
      const cohort = await findManagedCohort(tx, cohortId, user);
      if (cohort.status === 'cancelled')
        throw new ConflictException({ statusCode: 409, message: 'This cohort was cancelled.', errors: [] });
      const completedOn = cohort.completedOn ?? dto.completedOn ?? today;
      if (!isIsoDate(completedOn)) throw fieldError('completedOn', 'must be a real date');
      if (completedOn > today) throw fieldError('completedOn', 'cannot be in the future');
      if (completedOn < cohort.startsOn) throw fieldError('completedOn', "is before the cohort's start");
      // Completing closes the cohort, so sessions still to come would never get their attendance.
      const later = await tx
        .getRepository(TrainingSession)
        .createQueryBuilder('s')
        .where('s.cohort_id = :cohortId AND s.cancelled_at IS NULL AND s.held_on > :completedOn', {
          cohortId,
          completedOn,
        })
        .orderBy('s.held_on', 'ASC')
        .getOne();
      if (later && cohort.status !== 'completed')
        throw fieldError(
          'completedOn',
          `is before the session on ${formatDate(later.heldOn)}; hold or cancel it first`,
        );

      const review = await this.evaluate(tx, cohort);
      const due = review.rows.filter((r) => r.result.met && !r.completedOn);
      const type = cohort.course.awardsCredentialTypeId
        ? await tx.getRepository(CredentialType).findOneByOrFail({ id: cohort.course.awardsCredentialTypeId })
        : null;
      const events: AuditEvent[] = [];
      const credentials = due.flatMap((row) => {
        if (!type || row.awardedCredentialId) return [];
        return [
          tx.getRepository(Credential).create({
            personId: row.person.id,
            credentialTypeId: type.id,
            cohortId,
            source: 'course',
            issuedOn: completedOn,
            expiresOn: expiryFor(type, completedOn),
            issuingBody: type.issuer,
            evidenceNote: `Completed ${cohort.course.code} (${cohort.name}): ${row.result.summary}`.slice(0, 200),
          }),
        ];
      });
      for (let i = 0; i < credentials.length; i += 200)
        await tx.getRepository(Credential).insert(credentials.slice(i, i + 200));
      for (const c of credentials) {
        events.push({
          action: 'credential.awarded',
          entityType: 'credential',
          entityId: c.id,
          after: { personId: c.personId, code: type!.code, cohortId, issuedOn: c.issuedOn, expiresOn: c.expiresOn },
        });
      }
      if (due.length)
        await tx.getRepository(Enrollment).update({ id: In(due.map((r) => r.enrollmentId)) }, { completedOn });
      if (cohort.status !== 'completed') {
        await tx.getRepository(Cohort).update(cohortId, { status: 'completed', completedOn });
        events.push({
          action: 'cohort.completed',
          entityType: 'cohort',
          entityId: cohortId,
          before: { status: cohort.status },
          after: { status: 'completed', completedOn, met: review.met, notMet: review.notMet },
        });
      }
      await this.audit.recordMany(tx, actor, events);
      return { awarded: credentials.map((c) => c.id) };
    });
    await this.certificates.requestFor(outcome.awarded);
    return { awarded: outcome.awarded, review: await this.review(cohortId, user) };
  }

  /** Loads every fact the rules need for the whole cohort — six queries whatever its size — and evaluates each person. */
  private async evaluate(manager: EntityManager, cohort: Cohort): Promise<CompletionReview> {
    const course = cohort.course;
    const today = this.config.today();
    // One after another: inside complete()'s transaction they share one connection.
    const [modules, sessionRows, enrollments, attendance, attempts, awards] = await sequentially([
      () => manager.getRepository(CourseModule).find({ where: { courseId: course.id }, order: { position: 'ASC' } }),
      () =>
        manager
          .createQueryBuilder()
          .select([
            's.id AS id',
            's.cohort_id AS cohort_id',
            's.hours AS hours',
            's.cancelled_at AS cancelled_at',
            // As text on both engines: the calendar day, compared with today's.
            'CAST(s.held_on AS varchar(10)) AS held_on',
            'sm.module_id AS module_id',
          ])
          .from('training_sessions', 's')
          .innerJoin('cohorts', 'c', 'c.id = s.cohort_id')
          .leftJoin('training_session_modules', 'sm', 'sm.session_id = s.id')
          .where('c.course_id = :courseId', { courseId: course.id })
          .getRawMany<{
            id: string;
            cohort_id: string;
            hours: string | number;
            cancelled_at: unknown;
            held_on: string;
            module_id: string | null;
          }>(),
      () =>
        manager
          .getRepository(Enrollment)
          .find({ where: { cohortId: cohort.id, status: 'enrolled' }, relations: { person: true } }),
      () =>
        manager
          .createQueryBuilder()
          .select(['a.person_id AS person_id', 'a.session_id AS session_id', 'a.status AS status', 'a.hours AS hours'])
          .from(Attendance, 'a')
          .innerJoin('training_sessions', 's', 's.id = a.session_id')
          .innerJoin('cohorts', 'c', 'c.id = s.cohort_id')
          .where('c.course_id = :courseId', { courseId: course.id })
          .andWhere(
            "a.person_id IN (SELECT e.person_id FROM enrollments e WHERE e.cohort_id = :cohortId AND e.status = 'enrolled')",
            { cohortId: cohort.id },
          )
          .getRawMany<{
            person_id: string;
            session_id: string;
            status: AttendanceFact['status'];
            hours: string | number;
          }>(),
      () => manager.getRepository(ExamAttempt).find({ where: { cohortId: cohort.id }, order: { attempt: 'ASC' } }),
      () =>
        manager
          .getRepository(Credential)
          .find({ select: { id: true, personId: true }, where: { cohortId: cohort.id } }),
    ] as const);
    const rules: CourseRules = {
      requiredHours: course.requiredHours,
      modules: modules.map((m) => ({ id: m.id, title: m.title, required: m.required })),
      exam:
        course.examPassMark != null && course.examMaxAttempts != null
          ? { passMark: course.examPassMark, maxAttempts: course.examMaxAttempts }
          : null,
    };
    const sessions = new Map<string, SessionFact>();
    for (const s of sessionRows) {
      let fact = sessions.get(s.id);
      if (!fact) {
        fact = {
          id: s.id,
          cohortId: s.cohort_id,
          hours: Number(s.hours),
          moduleIds: [],
          cancelled: s.cancelled_at != null,
          upcoming: s.held_on >= today,
        };
        sessions.set(s.id, fact);
      }
      if (s.module_id) fact.moduleIds.push(s.module_id);
    }
    const byPerson = <T>(rows: T[], key: (r: T) => string) => {
      const map = new Map<string, T[]>();
      for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
      return map;
    };
    const attendanceOf = byPerson(attendance, (a) => a.person_id);
    const attemptsOf = byPerson(attempts, (a) => a.personId);
    const awardOf = new Map(awards.map((a) => [a.personId, a.id]));
    const rows = enrollments
      .map((e): CompletionRow => {
        const facts = (attendanceOf.get(e.personId) ?? []).map((a) => ({
          sessionId: a.session_id,
          status: a.status,
          hours: Number(a.hours),
        }));
        const tries = (attemptsOf.get(e.personId) ?? []).map((a) => ({
          attempt: a.attempt,
          score: a.score,
          passed: a.passed,
          takenOn: a.takenOn,
        }));
        return {
          enrollmentId: e.id,
          person: { id: e.person.id, name: e.person.name, email: e.person.email },
          result: evaluateCompletion(rules, cohort.id, sessions, facts, tries),
          attempts: tries,
          awardedCredentialId: awardOf.get(e.personId) ?? null,
          completedOn: e.completedOn,
          makeUps: [],
        };
      })
      .sort((a, b) => a.person.name.localeCompare(b.person.name));
    const met = rows.filter((r) => r.result.met).length;
    return { cohort, rules, rows, met, notMet: rows.length - met };
  }
}

/** Short of hours or of a required module: what a make-up session can mend (an exam cannot be made up that way). */
function missesAttendance(r: CompletionResult): boolean {
  return r.hoursAttended < r.hoursRequired || r.modulesMissing.length > 0 || r.modulesPartial.length > 0;
}

/** Runs the queries one at a time and returns their results in order, typed like Promise.all. */
async function sequentially<T extends readonly (() => Promise<unknown>)[]>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await step());
  return out as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}
