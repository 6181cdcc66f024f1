import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { decimalTransformer } from '../../common/db/transformers';

export const SUBMISSION_KINDS = ['credential', 'renewal', 'ce'] as const;
export type SubmissionKind = (typeof SUBMISSION_KINDS)[number];

/** submitted → approved | returned | withdrawn. A returned one is resubmitted as a new submission pointing back. */
export const SUBMISSION_STATES = ['submitted', 'returned', 'approved', 'withdrawn'] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** One evidence file of a submission, stored by its SHA-256. */
export interface SubmissionFile {
  key: string;
  name: string;
  type: 'pdf' | 'jpeg' | 'png' | 'heic';
  mime: string;
  size: number;
}

/**
 * A record a person hands in for review: a credential held, the renewal of one, or a CE activity,
 * with its evidence. Nothing of it counts for clearance until an admin approves it; approving writes
 * the real record (`recordId`) in the same transaction.
 */
@Entity('submissions')
export class Submission {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 12 })
  kind!: SubmissionKind;

  @Column({ type: 'varchar', length: 12 })
  state!: SubmissionState;

  @Column({ name: 'credential_type_id', type: 'uuid', nullable: true })
  credentialTypeId!: string | null;

  /** The credential a renewal renews. */
  @Column({ name: 'renews_credential_id', type: 'uuid', nullable: true })
  renewsCredentialId!: string | null;

  @Column({ name: 'licence_number', type: 'varchar', length: 60, nullable: true })
  licenceNumber!: string | null;

  @Column({ name: 'issuing_body', type: 'varchar', length: 200, nullable: true })
  issuingBody!: string | null;

  @Column({ name: 'issued_on', type: 'date', nullable: true })
  issuedOn!: string | null;

  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  provider!: string | null;

  @Column({ name: 'completed_on', type: 'date', nullable: true })
  completedOn!: string | null;

  @Column({ type: 'decimal', precision: 7, scale: 2, nullable: true, transformer: decimalTransformer })
  hours!: number | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  category!: string | null;

  @Column({ type: 'simple-json' })
  files!: SubmissionFile[];

  @Column({ name: 'submitted_by_id', type: 'uuid', nullable: true })
  submittedById!: string | null;

  /** The returned submission this one answers: the history of a record handed in again. */
  @Column({ name: 'previous_id', type: 'uuid', nullable: true })
  previousId!: string | null;

  @Column({ name: 'reviewed_by_id', type: 'uuid', nullable: true })
  reviewedById!: string | null;

  @Column({ name: 'reviewed_at', type: Date, nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'return_reason', type: 'varchar', length: 500, nullable: true })
  returnReason!: string | null;

  /** The credential or CE entry approving wrote. */
  @Column({ name: 'record_id', type: 'uuid', nullable: true })
  recordId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
