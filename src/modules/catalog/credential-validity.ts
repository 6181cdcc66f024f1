import { addDays, addMonths, daysBetween, type IsoDate } from '../../common/dates';
import type { CredentialType } from './credential-type.entity';

type Validity = Pick<CredentialType, 'validityKind' | 'validityMonths' | 'fixedExpiryMonth' | 'fixedExpiryDay'> &
  Partial<Pick<CredentialType, 'fixedDateLeadDays' | 'fixedDateLeadVerified' | 'issuer'>>;

/**
 * The expiry date a credential of this type gets when issued on `issuedOn`, or null when it does
 * not expire. For a fixed yearly date (MT-CBHPSS: Dec 31) it is the first such date after the issue date,
 * unless that is at most `fixedDateLeadDays` away: a credential granted in the renewal window runs to the next one.
 */
export function expiryFor(type: Validity, issuedOn: IsoDate): IsoDate | null {
  switch (type.validityKind) {
    case 'none':
      return null;
    case 'months':
      return addMonths(issuedOn, type.validityMonths ?? 0);
    case 'fixed_date': {
      const mmdd = `${String(type.fixedExpiryMonth).padStart(2, '0')}-${String(type.fixedExpiryDay).padStart(2, '0')}`;
      const year = Number(issuedOn.slice(0, 4));
      const thisYear = `${year}-${mmdd}`;
      const first = thisYear > issuedOn ? thisYear : `${year + 1}-${mmdd}`;
      const lead = type.fixedDateLeadDays ?? 0;
      return lead > 0 && daysBetween(issuedOn, first) <= lead ? `${Number(first.slice(0, 4)) + 1}-${mmdd}` : first;
    }
  }
}

/**
 * A sentence for the catalogue pages: "Expires every Dec 31", "36 months from issue", "Does not
 * expire", or "Terms not yet published" while the issuer has published none.
 */
export function describeValidity(
  type: Validity & Pick<CredentialType, 'graceDays' | 'terminatesAfterDays'> & { termsPublished?: boolean },
): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  let text: string;
  if (type.termsPublished === false && type.validityKind === 'none')
    text = 'Terms not yet published (no expiry set until they are)';
  else if (type.termsPublished === false)
    text = `Terms not yet published; meanwhile ${describeValidity({ ...type, termsPublished: true, graceDays: 0, terminatesAfterDays: null }).toLowerCase()}`;
  else if (type.validityKind === 'none') text = 'Does not expire';
  else if (type.validityKind === 'months') text = `${type.validityMonths} months from issue`;
  else {
    const fixed = `${months[(type.fixedExpiryMonth ?? 1) - 1]} ${type.fixedExpiryDay}`;
    text = `Expires every ${fixed}`;
    if (type.fixedDateLeadDays)
      text += `; issued within ${type.fixedDateLeadDays} days before ${fixed}, it first expires on the next one${
        type.fixedDateLeadVerified === false ? ` (unverified: check with ${type.issuer ?? 'the issuer'})` : ''
      }`;
  }
  if (type.graceDays > 0) text += `; ${type.graceDays}-day grace period`;
  if (type.terminatesAfterDays) text += `; terminated ${type.terminatesAfterDays} days after expiry`;
  return text;
}

/** Days in each month of a leap year: a fixed yearly expiry date must exist every year, so Feb 29 is refused. */
export function isValidFixedDate(month: number, day: number): boolean {
  if (!Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) return false;
  const last = Number(addDays(`2023-${String((month % 12) + 1).padStart(2, '0')}-01`, -1).slice(8, 10));
  return day <= last;
}
