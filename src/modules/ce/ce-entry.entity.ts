import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer } from '../../common/db/transformers';

export const CE_CATEGORIES = ['general', 'ethics', 'suicide_prevention', 'cultural', 'other'] as const;
export type CeCategory = (typeof CE_CATEGORIES)[number];
export type CeStatus = 'submitted' | 'confirmed' | 'rejected';

/** A continuing-education activity a person completed; it counts once an admin confirms it. */
@Entity('ce_entries')
export class CeEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 200 })
  provider!: string;

  @Column({ name: 'completed_on', type: 'date' })
  completedOn!: string;

  @Column({ type: 'decimal', precision: 7, scale: 2, transformer: decimalTransformer })
  hours!: number;

  @Column({ type: 'varchar', length: 30 })
  category!: CeCategory;

  @Column({ name: 'evidence_note', type: 'varchar', length: 200, nullable: true })
  evidenceNote!: string | null;

  @Column({ type: 'varchar', length: 10, default: 'submitted' })
  status!: CeStatus;

  @Column({ name: 'reviewed_by_id', type: 'uuid', nullable: true })
  reviewedById!: string | null;

  @Column({ name: 'reviewed_at', type: Date, nullable: true })
  reviewedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
