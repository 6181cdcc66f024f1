import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import type { AuthUser } from '../../common/auth/auth-user';
import { whereCohortManagedBy } from './cohort-access';
import { Cohort } from './cohort.entity';
import { CohortsService, type CohortSummary } from './cohorts.service';
import { Enrollment } from './enrollment.entity';
import { TrainingSession } from './training-session.entity';

/** A coming class meeting of one of the trainer's cohorts. */
export interface UpcomingSession {
  sessionId: string;
  cohortId: string;
  cohortName: string;
  location: string;
  heldOn: IsoDate;
  startsAt: string;
  endsAt: string;
}

/** A held session for which some of the people enrolled have no attendance recorded. */
export interface UnrecordedSession extends UpcomingSession {
  /** Enrolled people without an attendance row for the session. */
  missing: number;
  enrolled: number;
}

/** A cohort whose last day has passed and that still has enrolments to complete. */
export interface CompletionWaiting {
  cohortId: string;
  cohortName: string;
  endsOn: IsoDate;
  /** Enrolled people the cohort has not completed yet. */
  waiting: number;
}

/** Dates are selected as text, so both engines give "YYYY-MM-DD" (pg would otherwise make a Date of them). */
type Raw = Record<string, string | number | null>;

/**
 * A trainer's work list (their home page): the cohorts they run, what meets next, the attendance still to take
 * and the cohorts waiting to be completed. Only cohorts the user manages (cohort-access.ts), and only open ones:
 * a completed or cancelled cohort asks nothing of anyone.
 */
@Injectable()
export class TrainerWorkService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cohorts: CohortsService,
  ) {}

  /** The cohorts the user runs that are under way and those still to come, the soonest first. */
  async openCohorts(user: AuthUser): Promise<{ running: CohortSummary[]; planned: CohortSummary[] }> {
    const [running, planned] = await Promise.all([
      this.cohorts.list(user, { status: 'running' }),
      this.cohorts.list(user, { status: 'planned' }),
    ]);
    const soonestFirst = (a: CohortSummary, b: CohortSummary) => a.cohort.startsOn.localeCompare(b.cohort.startsOn);
    return { running: running.sort(soonestFirst), planned: planned.sort(soonestFirst) };
  }

  /** The next `limit` sessions from `today` on, not cancelled, of open cohorts the user runs. */
  async upcomingSessions(user: AuthUser, today: IsoDate, limit = 8): Promise<UpcomingSession[]> {
    const rows: Raw[] = await this.openSessions(user)
      .andWhere('s.held_on >= :today', { today })
      .orderBy('s.held_on', 'ASC')
      .addOrderBy('s.starts_at', 'ASC')
      .limit(limit)
      .getRawMany();
    return rows.map(toSession);
  }

  /**
   * Sessions held before `today` (not cancelled, of open cohorts the user runs) where someone enrolled has no
   * attendance recorded, the oldest first: what the trainer still owes the record.
   */
  async sessionsWithoutAttendance(user: AuthUser, today: IsoDate): Promise<UnrecordedSession[]> {
    const enrolled = "SELECT COUNT(*) FROM enrollments e WHERE e.cohort_id = s.cohort_id AND e.status = 'enrolled'";
    const unrecorded =
      'NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.person_id = e.person_id)';
    const rows: Raw[] = await this.openSessions(user)
      .andWhere('s.held_on < :today', { today })
      .addSelect(`(${enrolled})`, 'enrolled')
      .addSelect(`(${enrolled} AND ${unrecorded})`, 'missing')
      .orderBy('s.held_on', 'ASC')
      .addOrderBy('s.starts_at', 'ASC')
      .getRawMany();
    return rows
      .map((r) => ({ ...toSession(r), missing: Number(r.missing), enrolled: Number(r.enrolled) }))
      .filter((r) => r.missing > 0);
  }

  /** Open cohorts the user runs whose last day is before `today` and that have enrolled people not yet completed. */
  async completionsWaiting(user: AuthUser, today: IsoDate): Promise<CompletionWaiting[]> {
    const qb = this.dataSource
      .createQueryBuilder()
      .select('c.id', 'cohort_id')
      .addSelect('c.name', 'cohort_name')
      .addSelect('CAST(c.ends_on AS TEXT)', 'ends_on')
      .addSelect('COUNT(e.id)', 'waiting')
      .from(Cohort, 'c')
      .innerJoin(Enrollment, 'e', "e.cohort_id = c.id AND e.status = 'enrolled' AND e.completed_on IS NULL")
      .where("c.status IN ('planned', 'running')")
      .andWhere('c.ends_on < :today', { today })
      .groupBy('c.id')
      .addGroupBy('c.name')
      .addGroupBy('c.ends_on')
      .orderBy('c.ends_on', 'ASC');
    const rows: Raw[] = await whereCohortManagedBy(qb, 'c.id', user).getRawMany();
    return rows.map((r) => ({
      cohortId: String(r.cohort_id),
      cohortName: String(r.cohort_name),
      endsOn: String(r.ends_on),
      waiting: Number(r.waiting),
    }));
  }

  /** Sessions, not cancelled, of the planned and running cohorts the user runs, with their cohort's name and place. */
  private openSessions(user: AuthUser) {
    const qb = this.dataSource
      .createQueryBuilder()
      .select('s.id', 'session_id')
      .addSelect('s.cohort_id', 'cohort_id')
      .addSelect('c.name', 'cohort_name')
      .addSelect('c.location', 'location')
      .addSelect('CAST(s.held_on AS TEXT)', 'held_on')
      .addSelect('s.starts_at', 'starts_at')
      .addSelect('s.ends_at', 'ends_at')
      .from(TrainingSession, 's')
      .innerJoin(Cohort, 'c', 'c.id = s.cohort_id')
      .where('s.cancelled_at IS NULL')
      .andWhere("c.status IN ('planned', 'running')");
    return whereCohortManagedBy(qb, 's.cohort_id', user);
  }
}

function toSession(r: Raw): UpcomingSession {
  return {
    sessionId: String(r.session_id),
    cohortId: String(r.cohort_id),
    cohortName: String(r.cohort_name),
    location: String(r.location),
    heldOn: String(r.held_on),
    startsAt: String(r.starts_at),
    endsAt: String(r.ends_at),
  };
}
