import { NotFoundException } from '@nestjs/common';
import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { hasRole, type AuthUser } from '../auth/auth-user';
import { Person } from './person.entity';

/**
 * Whose records a person may see — the one place this rule lives. Admins: everyone. Supervisors:
 * themselves and the peers they supervise today. Trainers: themselves and everyone who has been on
 * the roster of a cohort they run. Everyone else: themselves. Anything outside answers 404.
 */
export function whereVisibleTo<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  personIdColumn: string,
  viewer: AuthUser,
  today: IsoDate,
): SelectQueryBuilder<T> {
  if (hasRole(viewer, 'admin')) return qb;
  const visible = [`${personIdColumn} = :scopeViewer`];
  if (hasRole(viewer, 'supervisor')) {
    visible.push(`${personIdColumn} IN (
        SELECT sa.peer_id FROM supervision_assignments sa
        WHERE sa.supervisor_id = :scopeViewer AND sa.starts_on <= :scopeToday AND (sa.ends_on IS NULL OR sa.ends_on >= :scopeToday))`);
  }
  if (hasRole(viewer, 'trainer')) {
    visible.push(`${personIdColumn} IN (
        SELECT e.person_id FROM enrollments e JOIN cohort_trainers ct ON ct.cohort_id = e.cohort_id WHERE ct.trainer_id = :scopeViewer)`);
  }
  return qb.andWhere(`(${visible.join(' OR ')})`, { scopeViewer: viewer.id, scopeToday: today });
}

/** One person `viewer` may see; anyone else (or nobody) answers 404, so ids cannot be probed. */
export async function findVisiblePerson(dataSource: DataSource, personId: string, viewer: AuthUser, today: IsoDate): Promise<Person> {
  const person = await whereVisibleTo(dataSource.getRepository(Person).createQueryBuilder('p'), 'p.id', viewer, today)
    .andWhere('p.id = :personId', { personId })
    .getOne();
  if (!person) throw new NotFoundException('No person with that id.');
  return person;
}
