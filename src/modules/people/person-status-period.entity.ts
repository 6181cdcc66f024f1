import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PersonStatus } from './person.entity';

/** Why a person's status changed: work reasons only, never health or personal ones. */
export const STATUS_REASONS = ['joined', 'left', 'leave', 'other'] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

/**
 * A stretch of days, `fromDate` through `toDate` (open while null), on which a person had `status`. A change
 * ends the open period the day before and starts a new one, so "was this person active on that date?" keeps
 * its answer after they are deactivated. The person's first period also answers for the days before it.
 */
@Entity('person_status_periods')
export class PersonStatusPeriod {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: PersonStatus;

  @Column({ name: 'from_date', type: 'date' })
  fromDate!: string;

  @Column({ name: 'to_date', type: 'date', nullable: true })
  toDate!: string | null;

  @Column({ type: 'varchar', length: 20 })
  reason!: StatusReason;

  @Column({ name: 'recorded_at', type: Date })
  recordedAt!: Date;

  @Column({ name: 'recorded_by_id', type: 'uuid', nullable: true })
  recordedById!: string | null;
}
