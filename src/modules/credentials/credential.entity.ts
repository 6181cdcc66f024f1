import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CredentialType } from '../catalog/credential-type.entity';
import { Person } from '../people/person.entity';

export const CREDENTIAL_SOURCES = ['course', 'external'] as const;
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];
export const REVOCATION_REASONS = [
  'disciplinary',
  'issued_in_error',
  'fraud',
  'requirements_not_met',
  'surrendered',
  'other',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
/** How a reason category reads on the public verify page (when the admin lets it show there). */
export const REVOCATION_REASON_WORDS: Record<string, string> = {
  disciplinary: 'Disciplinary action',
  issued_in_error: 'Issued in error',
  fraud: 'Obtained by fraud',
  requirements_not_met: 'Requirements not met',
  surrendered: 'Surrendered by the holder',
  other: 'Other',
};
export const SUSPENSION_REASONS = [
  'investigation',
  'disciplinary',
  'requirements_not_met',
  'administrative',
  'other',
] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];
export const VERIFICATION_RESULTS = ['confirmed', 'not_found', 'mismatch'] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

/** A credential a person holds: awarded by a course here, or external with its number and evidence. */
@Entity('credentials')
export class Credential {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person)
  @JoinColumn({ name: 'person_id' })
  person!: Person;

  @Column({ name: 'credential_type_id', type: 'uuid' })
  credentialTypeId!: string;

  @ManyToOne(() => CredentialType)
  @JoinColumn({ name: 'credential_type_id' })
  credentialType!: CredentialType;

  @Column({ type: 'varchar', length: 10 })
  source!: CredentialSource;

  /** The cohort whose completion awarded it (source "course"); a person gets at most one per cohort. */
  @Column({ name: 'cohort_id', type: 'uuid', nullable: true })
  cohortId!: string | null;

  @Column({ name: 'issued_on', type: 'date' })
  issuedOn!: string;

  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn!: string | null;

  @Column({ name: 'licence_number', type: 'varchar', length: 60, nullable: true })
  licenceNumber!: string | null;

  @Column({ name: 'issuing_body', type: 'varchar', length: 200, nullable: true })
  issuingBody!: string | null;

  @Column({ name: 'evidence_note', type: 'varchar', length: 200, nullable: true })
  evidenceNote!: string | null;

  /** Why the expiry date differs from the one the credential type gives, when an admin set it by hand. */
  @Column({ name: 'expiry_note', type: 'varchar', length: 200, nullable: true })
  expiryNote!: string | null;

  /** Revoked with effect from this date (it may be in the past); the record itself stays. */
  @Column({ name: 'revoked_on', type: 'date', nullable: true })
  revokedOn!: string | null;

  @Column({ name: 'revocation_reason', type: 'varchar', length: 40, nullable: true })
  revocationReason!: string | null;

  @Column({ name: 'revocation_note', type: 'varchar', length: 300, nullable: true })
  revocationNote!: string | null;

  /** The public verify page (and its API) name the reason category only when the admin said so. */
  @Column({ name: 'revocation_reason_public', type: 'boolean', default: false })
  revocationReasonPublic!: boolean;

  @Column({ name: 'revoked_by_id', type: 'uuid', nullable: true })
  revokedById!: string | null;

  /** Suspended from this date (it does not count) until `suspendedUntil` (inclusive; open while null). */
  @Column({ name: 'suspended_from', type: 'date', nullable: true })
  suspendedFrom!: string | null;

  @Column({ name: 'suspended_until', type: 'date', nullable: true })
  suspendedUntil!: string | null;

  @Column({ name: 'suspension_reason', type: 'varchar', length: 40, nullable: true })
  suspensionReason!: string | null;

  @Column({ name: 'verified_by_id', type: 'uuid', nullable: true })
  verifiedById!: string | null;

  @Column({ name: 'verified_on', type: 'date', nullable: true })
  verifiedOn!: string | null;

  @Column({ name: 'verification_result', type: 'varchar', length: 20, nullable: true })
  verificationResult!: string | null;

  /** Where the primary-source check was made, e.g. "Montana licence lookup". */
  @Column({ name: 'verification_source', type: 'varchar', length: 200, nullable: true })
  verificationSource!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
