import type { IsoDate } from '../../common/dates';

/** What the board needs to know of one person's assignments on its as-of date. */
export interface AssignedRoles {
  /** The codes of the roles they work in on the date. */
  on: Set<string>;
  /** Whether any assignment was ever recorded for them (ended or future ones included). */
  recorded: boolean;
}

export const NOTHING_RECORDED: AssignedRoles = Object.freeze({ on: new Set<string>(), recorded: false });

/** Whether an assignment from `startsOn` through `endsOn` (open-ended when null) runs on `date`. */
export function runsOn(a: { startsOn: IsoDate; endsOn: IsoDate | null }, date: IsoDate): boolean {
  return a.startsOn <= date && (a.endsOn === null || date <= a.endsOn);
}

/** Each person's roles on `date`, from their assignment rows. */
export function assignedOn(
  rows: Array<{ personId: string; roleCode: string; startsOn: IsoDate; endsOn: IsoDate | null }>,
  date: IsoDate,
): Map<string, AssignedRoles> {
  const out = new Map<string, AssignedRoles>();
  for (const row of rows) {
    let entry = out.get(row.personId);
    if (!entry) out.set(row.personId, (entry = { on: new Set(), recorded: true }));
    if (runsOn(row, date)) entry.on.add(row.roleCode);
  }
  return out;
}
