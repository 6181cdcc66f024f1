import type { IsoDate } from '../../common/dates';
import type { Role } from '../../common/auth/roles';

export interface AttestationProblem {
  field: 'verifiedById' | 'verifiedOn';
  message: string;
  sentence: string;
}

/**
 * What may be recorded as a lived-experience attestation beyond the DTO's field checks: the one place
 * these rules live, for the single-record form and API and for a spreadsheet import alike. `verifierRoles`
 * is null when the verifier is not anyone in the program.
 */
export function attestationProblem(
  attestation: { verifierRoles: readonly Role[] | null; verifiedOn: IsoDate },
  today: IsoDate,
): AttestationProblem | null {
  if (!attestation.verifierRoles?.includes('admin'))
    return {
      field: 'verifiedById',
      message: 'must be an admin',
      sentence: 'Only an admin can verify lived experience.',
    };
  if (attestation.verifiedOn > today)
    return {
      field: 'verifiedOn',
      message: 'cannot be in the future',
      sentence: 'The verification date is in the future.',
    };
  return null;
}
