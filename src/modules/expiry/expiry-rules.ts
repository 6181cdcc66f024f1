import { addDays, daysBetween, formatDate, type IsoDate } from '../../common/dates';
import type { CredentialType } from '../catalog/credential-type.entity';
import { credentialStanding } from '../credentials/credential-status';

/** What the scan records per credential: where it stands by date (expiring is still active). */
export type Standing = 'active' | 'grace' | 'expired' | 'terminated';

/** A reminder: N days before expiry ("d30"), on entering grace, or on expiry (after grace, if any). */
export type Threshold = `d${number}` | 'grace' | 'expired';

export interface ReminderEvent {
  threshold: Threshold;
  /** The first day it is due. */
  dueOn: IsoDate;
  /** Days before expiry for a dN threshold; null for grace and expired. */
  daysBefore: number | null;
}

/**
 * A reminder whose threshold passed more than this many days before the scan is recorded as
 * skipped, not sent. The lead's product decision: the first scan of old records (an import, a
 * program joining late, the scan down for weeks) must not tell someone today that a credential
 * "has expired" as news when it lapsed months ago — a notice that old is noise that teaches people
 * to ignore reminders, and the credential's status already says it. A month still catches an
 * outage or a late import of something that is genuinely news. Status transitions are recorded
 * whatever their age.
 */
export const STALE_REMINDER_DAYS = 30;

/** Why a reminder owed on `date` is not sent (it is too old to be news), or null when it should go out. */
export function staleReminderReason(event: ReminderEvent, date: IsoDate): string | null {
  const late = daysBetween(event.dueOn, date);
  if (late <= STALE_REMINDER_DAYS) return null;
  return `Threshold ${event.threshold} fell on ${event.dueOn}, ${late} days before this scan (more than ${STALE_REMINDER_DAYS}): too late to be news, so not sent.`;
}

export type RuleType = Pick<CredentialType, 'graceDays' | 'terminatesAfterDays' | 'reminderDays'>;

export interface ScanOutcome {
  standing: Standing;
  /** The most urgent reminder due by the scan date (the scan sends it unless it went out already). */
  reminder: ReminderEvent | null;
  /** The next date after the scan date on which the standing changes or a reminder falls due; null: never. */
  nextCheckOn: IsoDate | null;
}

export function standingOn(expiresOn: IsoDate | null, type: RuleType, date: IsoDate): Standing {
  const { standing } = credentialStanding({ expiresOn }, type, date);
  return standing === 'current' || standing === 'expiring' ? 'active' : standing;
}

/** Every reminder of a credential expiring on `expiresOn`, in the order they fall due. */
export function reminderEvents(expiresOn: IsoDate, type: RuleType): ReminderEvent[] {
  const days = [...new Set(type.reminderDays.filter((d) => Number.isInteger(d) && d >= 0))].sort((a, b) => b - a);
  const events: ReminderEvent[] = days.map((d) => ({
    threshold: `d${d}`,
    dueOn: addDays(expiresOn, -d),
    daysBefore: d,
  }));
  if (type.graceDays > 0) events.push({ threshold: 'grace', dueOn: addDays(expiresOn, 1), daysBefore: null });
  events.push({ threshold: 'expired', dueOn: addDays(expiresOn, type.graceDays + 1), daysBefore: null });
  return events;
}

/**
 * Where a credential stands on `date`, the reminder it is owed, and when to look at it next.
 * Reminders passed while the scan did not run collapse into the most urgent one: a credential
 * first seen 5 days before expiry gets the 7-day reminder, not 90, 60, 30 and 7 at once. A
 * revoked or terminated credential is owed none; neither is one renewed by another (`superseded`).
 */
export function scanOutcome(
  credential: { expiresOn: IsoDate | null; revokedOn: IsoDate | null },
  type: RuleType,
  date: IsoDate,
  superseded: boolean,
): ScanOutcome {
  const { expiresOn, revokedOn } = credential;
  const standing = standingOn(expiresOn, type, date);
  if (!expiresOn) return { standing, reminder: null, nextCheckOn: revokedOn && revokedOn > date ? revokedOn : null };
  const revoked = revokedOn !== null && revokedOn <= date;
  const events = reminderEvents(expiresOn, type);
  const changes = [addDays(expiresOn, 1), addDays(expiresOn, type.graceDays + 1)];
  if (type.terminatesAfterDays) changes.push(addDays(expiresOn, type.terminatesAfterDays + 1));
  if (revokedOn && revokedOn > date) changes.push(revokedOn);
  let reminder: ReminderEvent | null = null;
  for (const event of events) if (event.dueOn <= date) reminder = event;
  if (revoked || superseded || standing === 'terminated') reminder = null;
  const future = [...(revoked ? [] : events.map((e) => e.dueOn)), ...changes].filter((d) => d > date).sort();
  return { standing, reminder, nextCheckOn: future[0] ?? null };
}

/** Words for a reminder sent on `date` (the days left are counted from then, not from the threshold). */
export function reminderWording(
  event: ReminderEvent,
  credentialName: string,
  expiresOn: IsoDate,
  graceEndsOn: IsoDate | null,
  date: IsoDate,
) {
  const left = daysBetween(date, expiresOn);
  const on = formatDate(expiresOn);
  const graceEnd = graceEndsOn ? formatDate(graceEndsOn) : null;
  if (event.threshold === 'grace')
    return {
      headline: `${credentialName} has lapsed`,
      detail: `It expired on ${on}; the grace period ends on ${graceEnd}.`,
    };
  if (event.threshold === 'expired')
    return {
      headline: `${credentialName} has expired`,
      detail: `It expired on ${on}${graceEnd ? ` and the grace period ended on ${graceEnd}` : ''}.`,
    };
  if (left <= 0) return { headline: `${credentialName} expires today`, detail: `It expires on ${on}.` };
  return {
    headline: `${credentialName} expires in ${left === 1 ? '1 day' : `${left} days`}`,
    detail: `It expires on ${on}.`,
  };
}
