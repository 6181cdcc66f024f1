import { NotFoundException } from '@nestjs/common';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { Cohort } from './cohort.entity';

/**
 * Who runs which cohort — the one place this rule lives. Admins manage every cohort; a trainer
 * manages the cohorts they are a trainer of. Anyone else gets 404, so cohort ids cannot be probed.
 */
export function whereManagedBy(
  qb: SelectQueryBuilder<Cohort>,
  alias: string,
  user: AuthUser,
): SelectQueryBuilder<Cohort> {
  return whereCohortManagedBy(qb, `${alias}.id`, user);
}

/** The same rule on any query that names a cohort id (`cohortIdColumn`): only rows of cohorts `user` manages. */
export function whereCohortManagedBy<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  cohortIdColumn: string,
  user: AuthUser,
): SelectQueryBuilder<T> {
  if (hasRole(user, 'admin')) return qb;
  if (!hasRole(user, 'trainer')) return qb.andWhere('1 = 0');
  return qb.andWhere(
    `${cohortIdColumn} IN (SELECT ct.cohort_id FROM cohort_trainers ct WHERE ct.trainer_id = :managingTrainer)`,
    { managingTrainer: user.id },
  );
}

/** The cohorts (`c`) this user manages, each with its course (`course`) and trainers (`trainer`). */
export function managedCohorts(manager: EntityManager, user: AuthUser): SelectQueryBuilder<Cohort> {
  return whereManagedBy(
    manager
      .getRepository(Cohort)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.course', 'course')
      .leftJoinAndSelect('c.trainers', 'trainer'),
    'c',
    user,
  );
}

export async function findManagedCohort(manager: EntityManager, cohortId: string, user: AuthUser): Promise<Cohort> {
  const cohort = await managedCohorts(manager, user).andWhere('c.id = :cohortId', { cohortId }).getOne();
  if (!cohort) throw new NotFoundException('No cohort with that id.');
  return cohort;
}
