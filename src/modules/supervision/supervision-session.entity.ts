import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A logged supervision session: when, how long (blocks of 15 minutes), what was covered — with no
 * client information — and the supervisor's attestation. Kept 7 years; nothing deletes them.
 */
@Entity('supervision_sessions')
export class SupervisionSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'peer_id', type: 'uuid' })
  peerId!: string;

  @Column({ name: 'supervisor_id', type: 'uuid' })
  supervisorId!: string;

  @Column({ name: 'held_on', type: 'date' })
  heldOn!: string;

  @Column({ type: 'integer' })
  minutes!: number;

  @Column({ type: 'varchar', length: 1000 })
  summary!: string;

  /** When the supervisor attested that the session took place as recorded. */
  @Column({ name: 'attested_at', type: Date })
  attestedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
