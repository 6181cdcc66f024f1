import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { decimalTransformer } from '../../common/db/transformers';

export const CREDENTIAL_KINDS = ['internal', 'external'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];
/** none: never expires; months: N months from issue; fixed_date: the next fixed yearly date (e.g. Dec 31). */
export const VALIDITY_KINDS = ['none', 'months', 'fixed_date'] as const;
export type ValidityKind = (typeof VALIDITY_KINDS)[number];
export const DEFAULT_REMINDER_DAYS = [90, 60, 30, 7, 0];

@Entity('credential_types')
export class CredentialType {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  issuer!: string;

  /** internal: the program issues it (and its certificate); external: recorded with number and evidence. */
  @Column({ type: 'varchar', length: 10 })
  kind!: CredentialKind;

  @Column({ name: 'validity_kind', type: 'varchar', length: 12 })
  validityKind!: ValidityKind;

  @Column({ name: 'validity_months', type: 'integer', nullable: true })
  validityMonths!: number | null;

  @Column({ name: 'fixed_expiry_month', type: 'integer', nullable: true })
  fixedExpiryMonth!: number | null;

  @Column({ name: 'fixed_expiry_day', type: 'integer', nullable: true })
  fixedExpiryDay!: number | null;

  /**
   * A fixed-date type issued within this many days before its fixed date first expires on the following
   * one (MT-CBHPSS granted Dec 20 runs to the next Dec 31, not 11 days); 0: always the first one after issue.
   */
  @Column({ name: 'fixed_date_lead_days', type: 'integer', default: 0 })
  fixedDateLeadDays!: number;

  /** False while the program has not confirmed `fixedDateLeadDays` with the issuer ("unverified: check with …"). */
  @Column({ name: 'fixed_date_lead_verified', type: 'boolean', default: true })
  fixedDateLeadVerified!: boolean;

  /** Days after expiry during which the credential is lapsed but still clears (with a warning). */
  @Column({ name: 'grace_days', type: 'integer', default: 0 })
  graceDays!: number;

  /**
   * False while the issuer has not published the terms (validity, renewal): the type then reads as
   * "terms not yet published", not "does not expire", wherever its validity is shown.
   */
  @Column({ name: 'terms_published', type: 'boolean', default: true })
  termsPublished!: boolean;

  /** Days after expiry after which it is terminated and must be applied for anew (MT-CBHPSS: 2 years). */
  @Column({ name: 'terminates_after_days', type: 'integer', nullable: true })
  terminatesAfterDays!: number | null;

  /** Days before expiry at which reminders go out, most distant first. */
  @Column({ name: 'reminder_days', type: 'json' })
  reminderDays!: number[];

  @Column({
    name: 'renewal_ce_hours',
    type: 'decimal',
    precision: 7,
    scale: 2,
    nullable: true,
    transformer: decimalTransformer,
  })
  renewalCeHours!: number | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
