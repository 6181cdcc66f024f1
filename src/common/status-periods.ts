import { addDays, type IsoDate } from './dates';

/** A stretch of days with one status: `from` through `to` (open while null). Periods of a person do not overlap. */
export interface StatusPeriodFact {
  status: 'active' | 'inactive';
  from: IsoDate;
  to: IsoDate | null;
}

/**
 * The period holding `date`. Nothing is known before the first period (a record made today for someone who has
 * worked for years, or a row migrated from before status had history), so the first period answers for the days
 * before it. The same rule in SQL: src/common/db/status-periods.ts.
 */
export function statusOn(periods: StatusPeriodFact[], date: IsoDate): StatusPeriodFact | null {
  if (periods.length === 0) return null;
  let found: StatusPeriodFact = periods[0];
  for (const p of periods) if (p.from <= date && p.from >= found.from) found = p;
  return found;
}

/**
 * A period's status, where the open one always has the person's status now (`current`, the people row's): that row
 * is what signing in and every list read, so a write that went around the history still holds from the open
 * period's first day.
 */
function isActive(p: StatusPeriodFact, current: boolean): boolean {
  return p.to === null ? current : p.status === 'active';
}

/** Whether the person was active on `date`; with no periods on record, `current` (today's status) answers. */
export function activeOn(periods: StatusPeriodFact[] | undefined, date: IsoDate, current: boolean): boolean {
  const period = periods ? statusOn(periods, date) : null;
  return period ? isActive(period, current) : current;
}

/** The last day of the active stretch holding `date` (null: still active, with no end), for "cleared until". */
export function activeUntil(periods: StatusPeriodFact[] | undefined, date: IsoDate, current: boolean): IsoDate | null {
  if (!periods?.length) return null;
  const sorted = [...periods].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const i = Math.max(
    0,
    sorted.findLastIndex((p) => p.from <= date),
  );
  for (let j = i + 1; j < sorted.length; j++) if (!isActive(sorted[j], current)) return addDays(sorted[j].from, -1);
  return sorted[sorted.length - 1].to;
}

/** The first days of each period and the days after each end: the only days on which the status can change. */
export function statusChangeDays(periods: StatusPeriodFact[] | undefined): IsoDate[] {
  return (periods ?? []).flatMap((p) => [p.from, ...(p.to ? [addDays(p.to, 1)] : [])]);
}

/**
 * The last day the person was active at all: null while they are (or, with no periods, when `current` says
 * so), '' (before every date) when they never were.
 */
export function lastActiveDay(periods: StatusPeriodFact[] | undefined, current: boolean): IsoDate | null {
  if (!periods?.length) return current ? null : '';
  let last: IsoDate | null = '';
  for (const p of periods) {
    if (!isActive(p, current)) continue;
    if (p.to === null) return null;
    if (last !== null && p.to > last) last = p.to;
  }
  return last;
}
