import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import type { AuthUser } from '../../common/auth/auth-user';
import { whereVisibleTo } from '../people/people-scope';

/** Ids per IN (...) list, well under both engines' parameter limits. */
export const CHUNK = 900;

/** Which people a report covers: the viewer's scope, narrowed by supervisor when asked. */
export interface PeopleFilter {
  viewer: AuthUser;
  today: IsoDate;
  /** Peers whose supervision by this person overlaps [from, to]. */
  supervisorId?: string;
  from?: IsoDate;
  to?: IsoDate;
}

/** The viewer's scope, and a supervisor's team when one is asked for: every report query goes through it. */
export function scoped<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  personColumn: string,
  filter: PeopleFilter,
): SelectQueryBuilder<T> {
  const visible = whereVisibleTo(qb, personColumn, filter.viewer, filter.today);
  if (!filter.supervisorId) return visible;
  return visible.andWhere(
    `${personColumn} IN (SELECT fa.peer_id FROM supervision_assignments fa
      WHERE fa.supervisor_id = :filterSupervisor AND fa.starts_on <= :filterTo AND (fa.ends_on IS NULL OR fa.ends_on >= :filterFrom))`,
    {
      filterSupervisor: filter.supervisorId,
      filterFrom: filter.from ?? filter.today,
      filterTo: filter.to ?? filter.today,
    },
  );
}
