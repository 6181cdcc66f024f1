import { isIsoDate, type IsoDate } from '../../common/dates';
import type { CredentialType } from '../catalog/credential-type.entity';
import { expiryFor } from '../catalog/credential-validity';

export interface RuleProblem {
  field: string;
  message: string;
  sentence: string;
}

/**
 * What may be recorded as a credential a person holds, beyond the DTO's field checks: the one place
 * these rules live, for the single-record form and API and for a spreadsheet import alike.
 */
export function credentialRecordProblem(
  type: CredentialType,
  record: { issuedOn: IsoDate; expiresOn?: IsoDate | null },
  today: IsoDate,
): RuleProblem | null {
  if (!type.active)
    return {
      field: 'credentialTypeCode',
      message: 'is inactive in the catalogue',
      sentence: `${type.code} is inactive and not offered for new records.`,
    };
  if (!isIsoDate(record.issuedOn))
    return { field: 'issuedOn', message: 'must be a real date', sentence: 'The issue date is not a real date.' };
  if (record.issuedOn > today)
    return { field: 'issuedOn', message: 'cannot be in the future', sentence: 'The issue date is in the future.' };
  if (record.expiresOn && !isIsoDate(record.expiresOn))
    return { field: 'expiresOn', message: 'must be a real date', sentence: 'The expiry date is not a real date.' };
  const expiresOn = recordedExpiry(type, record);
  if (expiresOn && expiresOn < record.issuedOn)
    return {
      field: 'expiresOn',
      message: 'is before the issue date',
      sentence: 'The expiry date is before the issue date.',
    };
  return null;
}

/** The expiry a record gets: the one given, else what the catalogue computes from the issue date. */
export function recordedExpiry(type: CredentialType, record: { issuedOn: IsoDate; expiresOn?: IsoDate | null }) {
  return record.expiresOn ?? expiryFor(type, record.issuedOn);
}

/** A primary-source check cannot be dated after today. */
export function verificationProblem(verifiedOn: IsoDate, today: IsoDate): RuleProblem | null {
  return verifiedOn > today
    ? { field: 'verifiedOn', message: 'cannot be in the future', sentence: 'The verification date is in the future.' }
    : null;
}
