import { Injectable } from '@nestjs/common';
import { addDays } from '../../common/dates';
import type { AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import type { CohortSummary } from '../training/cohorts.service';
import { TrainerWorkService } from '../training/trainer-work.service';

function cohortRow({ cohort, enrolled, sessions }: CohortSummary) {
  return {
    id: cohort.id,
    name: cohort.name,
    course: cohort.course?.title ?? '',
    location: cohort.location,
    startsOn: cohort.startsOn,
    endsOn: cohort.endsOn,
    status: cohort.status,
    enrolled,
    capacity: cohort.capacity,
    sessions,
  };
}

/**
 * A trainer's home: their work first (the cohorts they run, what meets next, attendance still to take, cohorts
 * waiting to be completed), and only a small link to their own record further down.
 */
@Injectable()
export class TrainerHomeViews {
  constructor(
    private readonly work: TrainerWorkService,
    private readonly config: AppConfig,
  ) {}

  async build(user: AuthUser) {
    const today = this.config.today();
    const [cohorts, upcoming, unrecorded, completions] = await Promise.all([
      this.work.openCohorts(user),
      this.work.upcomingSessions(user, today),
      this.work.sessionsWithoutAttendance(user, today),
      this.work.completionsWaiting(user, today),
    ]);
    const tomorrow = addDays(today, 1);
    return {
      running: cohorts.running.map(cohortRow),
      planned: cohorts.planned.map(cohortRow),
      upcoming: upcoming.map((s) => ({
        ...s,
        when: s.heldOn === today ? 'Today' : s.heldOn === tomorrow ? 'Tomorrow' : null,
      })),
      unrecorded,
      completions,
    };
  }
}
