import type { IsoDate } from '../../common/dates';
import type { Credential } from '../credentials/credential.entity';
import type { Certificate } from './certificate.entity';

export const VERIFY_STATES = ['valid', 'expired', 'revoked', 'superseded', 'suspended', 'unknown'] as const;
export type VerifyState = (typeof VERIFY_STATES)[number];

/**
 * What a certificate says today: revoked (from its effective date) wins, then superseded by a newer
 * certificate, then suspended, then expired; otherwise valid. The credential's dates are the truth
 * (an expiry extended after printing shows the new date), the printed name is the certificate's own.
 */
export function certificateState(
  certificate: Certificate,
  credential: Credential,
  today: IsoDate,
): Exclude<VerifyState, 'unknown'> {
  if (certificate.revokedOn && certificate.revokedOn <= today) return 'revoked';
  if (credential.revokedOn && credential.revokedOn <= today) return 'revoked';
  if (certificate.supersededAt) return 'superseded';
  if (
    credential.suspendedFrom &&
    credential.suspendedFrom <= today &&
    (!credential.suspendedUntil || credential.suspendedUntil >= today)
  )
    return 'suspended';
  if (credential.expiresOn && credential.expiresOn < today) return 'expired';
  return 'valid';
}

export const STATE_LABELS: Record<VerifyState, string> = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
  superseded: 'Replaced by a newer certificate',
  suspended: 'Suspended',
  unknown: 'No certificate has this code',
};
