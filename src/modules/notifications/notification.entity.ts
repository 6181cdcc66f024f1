import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One message in a person's in-app inbox (the bell). */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  /** reminder, clearance_lost, clearance_regained, ce_season, digest… */
  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'varchar', length: 4000 })
  body!: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  link!: string | null;

  /** Set for messages that must exist once (a reminder, a season notice): a second write is ignored. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 200, nullable: true })
  dedupeKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'read_at', type: Date, nullable: true })
  readAt!: Date | null;
}
