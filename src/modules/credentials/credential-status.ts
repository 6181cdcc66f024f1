import { addDays, daysBetween, type IsoDate } from '../../common/dates';
import type { CredentialType } from '../catalog/credential-type.entity';

export type CredentialStanding = 'current' | 'expiring' | 'grace' | 'expired' | 'terminated';

export interface StandingResult {
  standing: CredentialStanding;
  /** Days until expiry (negative once past it); null when it never expires. */
  daysToExpiry: number | null;
  label: string;
}

/** Reminders start this many days ahead, so a credential inside the window is "expiring soon". */
export const EXPIRING_WINDOW_DAYS = 90;

/**
 * Where a credential stands on `onDate`, by its dates alone: current until its expiry date
 * (inclusive), then in grace for the type's grace days (still clears, with a warning), then expired,
 * and terminated once the type's termination period has passed.
 */
export function credentialStanding(
  credential: { expiresOn: IsoDate | null },
  type: Pick<CredentialType, 'graceDays' | 'terminatesAfterDays'>,
  onDate: IsoDate,
): StandingResult {
  if (!credential.expiresOn) return { standing: 'current', daysToExpiry: null, label: 'Current' };
  const days = daysBetween(onDate, credential.expiresOn);
  if (days >= 0) {
    if (days <= EXPIRING_WINDOW_DAYS)
      return {
        standing: 'expiring',
        daysToExpiry: days,
        label: days === 0 ? 'Expires today' : `Expires in ${days} days`,
      };
    return { standing: 'current', daysToExpiry: days, label: 'Current' };
  }
  if (type.graceDays > 0 && onDate <= addDays(credential.expiresOn, type.graceDays)) {
    const left = daysBetween(onDate, addDays(credential.expiresOn, type.graceDays));
    return { standing: 'grace', daysToExpiry: days, label: `Lapsed: in grace period, ${left} days left` };
  }
  if (type.terminatesAfterDays && onDate > addDays(credential.expiresOn, type.terminatesAfterDays)) {
    return { standing: 'terminated', daysToExpiry: days, label: 'Terminated: must apply anew' };
  }
  return { standing: 'expired', daysToExpiry: days, label: 'Expired' };
}
