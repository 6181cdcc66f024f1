import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth-user';
import { whereCohortManagedBy } from './cohort-access';
import type { Cohort } from './cohort.entity';

/** A session of another cohort of the same course that someone could still attend to make up a module. */
export interface MakeUpOption {
  sessionId: string;
  cohortId: string;
  cohortName: string;
  heldOn: string;
  startsAt: string;
  endsAt: string;
  /** The modules it covers (ids), in course order. */
  moduleIds: string[];
}

/**
 * Sessions still to come (today or later, not cancelled) in the other open cohorts (planned or running)
 * of `cohort`'s course that `user` may record make-ups from: the make-up rule of the attendance grid
 * (a trainer's own cohorts only; admins every cohort), so the completion page offers nothing the
 * trainer could not then record. One query for the whole cohort.
 */
export async function openMakeUpSessions(
  manager: EntityManager,
  cohort: Cohort,
  user: AuthUser,
  today: string,
): Promise<MakeUpOption[]> {
  const qb = manager
    .createQueryBuilder()
    .select([
      's.id AS id',
      // As text on both engines: the calendar day, never a Date in some time zone.
      'CAST(s.held_on AS varchar(10)) AS held_on',
      's.starts_at AS starts_at',
      's.ends_at AS ends_at',
      'c.id AS cohort_id',
      'c.name AS cohort_name',
      'sm.module_id AS module_id',
    ])
    .from('training_sessions', 's')
    .innerJoin('cohorts', 'c', 'c.id = s.cohort_id')
    .innerJoin('training_session_modules', 'sm', 'sm.session_id = s.id')
    .innerJoin('course_modules', 'm', 'm.id = sm.module_id')
    .where('c.course_id = :courseId AND c.id <> :cohortId', { courseId: cohort.courseId, cohortId: cohort.id })
    .andWhere("c.status IN ('planned', 'running') AND s.cancelled_at IS NULL AND s.held_on >= :today", { today });
  const rows = await whereCohortManagedBy(qb, 'c.id', user)
    .orderBy('s.held_on', 'ASC')
    .addOrderBy('s.starts_at', 'ASC')
    .addOrderBy('m.position', 'ASC')
    .getRawMany<{
      id: string;
      held_on: string;
      starts_at: string;
      ends_at: string;
      cohort_id: string;
      cohort_name: string;
      module_id: string;
    }>();
  const sessions = new Map<string, MakeUpOption>();
  for (const r of rows) {
    let option = sessions.get(r.id);
    if (!option) {
      option = {
        sessionId: r.id,
        cohortId: r.cohort_id,
        cohortName: r.cohort_name,
        heldOn: r.held_on,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        moduleIds: [],
      };
      sessions.set(r.id, option);
    }
    option.moduleIds.push(r.module_id);
  }
  return [...sessions.values()];
}
