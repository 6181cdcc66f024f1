import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { hasRole, type AuthUser } from '../auth/auth-user';

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
