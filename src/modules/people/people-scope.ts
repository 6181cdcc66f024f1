import { NotFoundException } from '@nestjs/common';
import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { hasRole, type AuthUser } from '../auth/auth-user';
import { Person } from './person.entity';

/**
 * Whose records a person may see — the one place this rule lives. Admins: everyone. Supervisors:
 * themselves and the peers they supervise today. Everyone else: themselves. (Trainers will also
 * see the people in the cohorts they run once training exists.) Anything outside answers 404.
 */
export function whereVisibleTo<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  personIdColumn: string,
  viewer: AuthUser,
  today: IsoDate,
): SelectQueryBuilder<T> {
  if (hasRole(viewer, 'admin')) return qb;
  const params = { scopeViewer: viewer.id, scopeToday: today };
  if (hasRole(viewer, 'supervisor')) {
    return qb.andWhere(
      `(${personIdColumn} = :scopeViewer OR ${personIdColumn} IN (
        SELECT sa.peer_id FROM supervision_assignments sa
        WHERE sa.supervisor_id = :scopeViewer AND sa.starts_on <= :scopeToday AND (sa.ends_on IS NULL OR sa.ends_on >= :scopeToday)))`,
      params,
    );
  }
  return qb.andWhere(`${personIdColumn} = :scopeViewer`, params);
}

/** One person `viewer` may see; anyone else (or nobody) answers 404, so ids cannot be probed. */
export async function findVisiblePerson(dataSource: DataSource, personId: string, viewer: AuthUser, today: IsoDate): Promise<Person> {
  const person = await whereVisibleTo(dataSource.getRepository(Person).createQueryBuilder('p'), 'p.id', viewer, today)
    .andWhere('p.id = :personId', { personId })
    .getOne();
  if (!person) throw new NotFoundException('No person with that id.');
  return person;
}
