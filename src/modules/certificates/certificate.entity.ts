import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Credential } from '../credentials/credential.entity';
import { Person } from '../people/person.entity';

/** Why a certificate was replaced by a newer one. */
export const REISSUE_REASONS = [
  'name_change',
  'corrected_data',
  'template_update',
  'lost_or_damaged',
  // Drawn while the app's address was a local one (PUBLIC_BASE_URL unset), so its QR code only worked on the server.
  'public_address',
  'other',
] as const;
export type ReissueReason = (typeof REISSUE_REASONS)[number];

/**
 * One issued certificate: the PDF as it was made (stored by its SHA-256, never redrawn), its
 * verification code and its place in the revocation status list. A re-issue adds a new row and
 * marks this one superseded; rows are never deleted.
 */
@Entity('certificates')
export class Certificate {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'credential_id', type: 'uuid' })
  credentialId!: string;

  @ManyToOne(() => Credential)
  @JoinColumn({ name: 'credential_id' })
  credential!: Credential;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person)
  @JoinColumn({ name: 'person_id' })
  person!: Person;

  /** Canonical form, e.g. 7K2QH-XM4RB-9TCV1. */
  @Column({ type: 'varchar', length: 17 })
  code!: string;

  /** This certificate's bit in the revocation status list; never reused. */
  @Column({ name: 'status_index', type: 'integer' })
  statusIndex!: number;

  @Column({ name: 'template_id', type: 'varchar', length: 40 })
  templateId!: string;

  @Column({ name: 'template_version', type: 'integer' })
  templateVersion!: number;

  @Column({ name: 'storage_key', type: 'varchar', length: 200 })
  storageKey!: string;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'byte_size', type: 'integer' })
  byteSize!: number;

  /** The base of the verify link and QR code printed on it; null for certificates drawn before it was recorded. */
  @Column({ name: 'drawn_base_url', type: 'text', nullable: true })
  drawnBaseUrl!: string | null;

  /** The name as printed on it (the person's preferred name at the time). */
  @Column({ name: 'recipient_name', type: 'varchar', length: 200 })
  recipientName!: string;

  @Column({ name: 'credential_name', type: 'varchar', length: 200 })
  credentialName!: string;

  @Column({ name: 'issued_at', type: Date })
  issuedAt!: Date;

  /** The job that made it (a re-run of the same job recognises its own work). */
  @Column({ name: 'issued_by_job', type: 'varchar', length: 100, nullable: true })
  issuedByJob!: string | null;

  @Column({ name: 'superseded_at', type: Date, nullable: true })
  supersededAt!: Date | null;

  @Column({ name: 'superseded_by_id', type: 'uuid', nullable: true })
  supersededById!: string | null;

  @Column({ name: 'supersede_reason', type: 'varchar', length: 40, nullable: true })
  supersedeReason!: string | null;

  @Column({ name: 'supersede_note', type: 'varchar', length: 300, nullable: true })
  supersedeNote!: string | null;

  /** Set when an admin asks for a re-issue; the regenerate job consumes it (so a repeat does nothing twice). */
  @Column({ name: 'reissue_requested_at', type: Date, nullable: true })
  reissueRequestedAt!: Date | null;

  @Column({ name: 'reissue_requested_by_id', type: 'uuid', nullable: true })
  reissueRequestedById!: string | null;

  @Column({ name: 'reissue_reason', type: 'varchar', length: 40, nullable: true })
  reissueReason!: string | null;

  @Column({ name: 'reissue_note', type: 'varchar', length: 300, nullable: true })
  reissueNote!: string | null;

  /** Revoked with its credential, from this date. */
  @Column({ name: 'revoked_on', type: 'date', nullable: true })
  revokedOn!: string | null;

  @Column({ name: 'revocation_reason', type: 'varchar', length: 40, nullable: true })
  revocationReason!: string | null;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
