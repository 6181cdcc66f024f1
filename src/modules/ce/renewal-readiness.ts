import { daysBetween, type IsoDate } from '../../common/dates';
import type { CeCategory } from './ce-entry.entity';

/**
 * What a renewal asks for in continuing education. Most types ask for their CE hours in each
 * period. Montana's peer-support certifications add their own rules (shared/DOMAIN.md): no CE is
 * owed before the first renewal, up to 20 surplus hours carry forward, and 2 hours of suicide
 * prevention are due at the first renewal and every two years after.
 */
interface CePolicy {
  firstPeriodFree: boolean;
  carryForwardMax: number;
  /** Hours of a category due at the renewal that closes period n (1 = the first period). */
  categoryHours(period: number): Partial<Record<CeCategory, number>>;
}

const MONTANA_PEER_SUPPORT: CePolicy = {
  firstPeriodFree: true,
  carryForwardMax: 20,
  categoryHours: (period) => ((period - 1) % 2 === 0 ? { suicide_prevention: 2 } : {}),
};
const PLAIN: CePolicy = { firstPeriodFree: false, carryForwardMax: 0, categoryHours: () => ({}) };
const POLICIES: Record<string, CePolicy> = { 'MT-CBHPSS': MONTANA_PEER_SUPPORT, 'MT-FPSS': MONTANA_PEER_SUPPORT };

export interface PeriodRecord {
  issuedOn: IsoDate;
  expiresOn: IsoDate;
}

export interface CeHours {
  completedOn: IsoDate;
  hours: number;
  category: CeCategory;
}

export interface Readiness {
  code: string;
  period: { from: IsoDate; to: IsoDate; number: number };
  hoursNeeded: number;
  carriedForward: number;
  hoursDone: number;
  categoryNeeds: Array<{ category: CeCategory; needed: number; done: number }>;
  daysLeft: number;
  ready: boolean;
  missing: string[];
}

const sum = (entries: CeHours[], from: IsoDate, to: IsoDate, category?: CeCategory) =>
  entries
    .filter((e) => e.completedOn >= from && e.completedOn <= to && (!category || e.category === category))
    .reduce((n, e) => n + e.hours, 0);

/**
 * Readiness to renew the credential whose periods are `periods` (oldest first; the last is the
 * current one), counting only confirmed CE hours, as of `date`.
 */
export function renewalReadiness(
  code: string,
  renewalCeHours: number,
  periods: PeriodRecord[],
  confirmed: CeHours[],
  date: IsoDate,
): Readiness {
  const policy = POLICIES[code.toUpperCase()] ?? PLAIN;
  const number = periods.length;
  const current = periods[number - 1];
  const previous = periods[number - 2];
  const hoursNeeded = policy.firstPeriodFree && number === 1 ? 0 : renewalCeHours;
  let carriedForward = 0;
  if (previous && policy.carryForwardMax > 0) {
    const previousNeeded = policy.firstPeriodFree && number - 1 === 1 ? 0 : renewalCeHours;
    carriedForward = Math.min(
      policy.carryForwardMax,
      Math.max(0, sum(confirmed, previous.issuedOn, previous.expiresOn) - previousNeeded),
    );
  }
  const hoursDone = sum(confirmed, current.issuedOn, current.expiresOn);
  const categoryNeeds = Object.entries(policy.categoryHours(number)).map(([category, needed]) => ({
    category: category as CeCategory,
    needed: needed!,
    done: sum(confirmed, current.issuedOn, current.expiresOn, category as CeCategory),
  }));
  const missing: string[] = [];
  const short = hoursNeeded - carriedForward - hoursDone;
  if (short > 0) missing.push(`${round(short)} more CE hour${short === 1 ? '' : 's'}`);
  for (const c of categoryNeeds)
    if (c.done < c.needed) missing.push(`${round(c.needed - c.done)} h of ${c.category.replace('_', ' ')}`);
  return {
    code,
    period: { from: current.issuedOn, to: current.expiresOn, number },
    hoursNeeded,
    carriedForward: round(carriedForward),
    hoursDone: round(hoursDone),
    categoryNeeds,
    daysLeft: daysBetween(date, current.expiresOn),
    ready: missing.length === 0,
    missing,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
