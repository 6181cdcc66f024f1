import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CredentialType } from '../catalog/credential-type.entity';
import { Person } from '../people/person.entity';

export const CREDENTIAL_SOURCES = ['course', 'external'] as const;
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];

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

  /** Revoked with effect from this date (it may be in the past); the record itself stays. */
  @Column({ name: 'revoked_on', type: 'date', nullable: true })
  revokedOn!: string | null;

  @Column({ name: 'revocation_reason', type: 'varchar', length: 40, nullable: true })
  revocationReason!: string | null;

  @Column({ name: 'revocation_note', type: 'varchar', length: 300, nullable: true })
  revocationNote!: string | null;

  @Column({ name: 'revoked_by_id', type: 'uuid', nullable: true })
  revokedById!: string | null;

  @Column({ name: 'verified_by_id', type: 'uuid', nullable: true })
  verifiedById!: string | null;

  @Column({ name: 'verified_on', type: 'date', nullable: true })
  verifiedOn!: string | null;

  @Column({ name: 'verification_result', type: 'varchar', length: 20, nullable: true })
  verificationResult!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
