import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * An e-mail written in the same transaction as what caused it, then delivered by a
 * 'notification.deliver' job. The row is the truth: a lost job is re-queued by the sweep, a sent
 * row is never sent again.
 */
@Entity('outbox')
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid', nullable: true })
  personId!: string | null;

  @Column({ name: 'to_address', type: 'varchar', length: 320 })
  toAddress!: string;

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  /** templates/email/<template>.html.hbs and .text.hbs */
  @Column({ type: 'varchar', length: 60 })
  template!: string;

  @Column({ type: 'json' })
  context!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  state!: OutboxState;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** While "sending": until when this delivery holds the row (epoch ms); a dead sender's claim runs out. */
  @Column({ name: 'claimed_until', type: 'bigint', nullable: true })
  claimedUntil!: string | number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 2000, nullable: true })
  lastError!: string | null;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 200, nullable: true })
  dedupeKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: Date, nullable: true })
  sentAt!: Date | null;
}
