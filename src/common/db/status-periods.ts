/**
 * SQL for "was this person active on some day in [from, to]": an active period overlapping those days, where
 * the person's first period also stands for the days before it (the rule src/common/status-periods.ts keeps
 * in code) and the open period has today's status (the `status` column); a person with no periods on record is
 * judged by that column alone. `from` and `to` are
 * placeholders (`:asOf`), `person` and `status` column references of the query it goes into.
 */
export function activeBetweenSql(person: string, status: string, from: string, to: string): string {
  // The open period has the person's status now (the row's), as in src/common/status-periods.ts.
  return `(EXISTS (SELECT 1 FROM person_status_periods sp WHERE sp.person_id = ${person}
      AND (CASE WHEN sp.to_date IS NULL THEN ${status} ELSE sp.status END) = 'active'
      AND (sp.to_date IS NULL OR sp.to_date >= ${from})
      AND (sp.from_date <= ${to}
        OR NOT EXISTS (SELECT 1 FROM person_status_periods se WHERE se.person_id = ${person} AND se.from_date < sp.from_date)))
    OR (${status} = 'active' AND NOT EXISTS (SELECT 1 FROM person_status_periods sn WHERE sn.person_id = ${person})))`;
}

/** The same for one day. */
export function activeOnSql(person: string, status: string, date: string): string {
  return activeBetweenSql(person, status, date, date);
}
