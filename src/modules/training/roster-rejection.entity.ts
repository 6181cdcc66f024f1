import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Every rejected line of one refused roster import, with its reason, as the CSV its uploader
 * downloads. The reply itself lists only the first lines; these rows are kept for a day.
 */
@Entity('roster_rejections')
export class RosterRejection {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'cohort_id', type: 'uuid' })
  cohortId!: string;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;

  @Column({ name: 'error_count', type: 'integer' })
  errorCount!: number;

  /** The CSV as downloaded: line, name, email, phone, problem. */
  @Column({ type: 'text' })
  csv!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
