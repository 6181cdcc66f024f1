import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Person } from '../people/person.entity';

export const ENROLLMENT_STATUSES = ['enrolled', 'waitlisted', 'withdrawn'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

/**
 * A person's place in a cohort. Withdrawing keeps the row; enrolling again adds a new one, so the
 * history stays. The wait list is ordered by `requestedAt`.
 */
@Entity('enrollments')
export class Enrollment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'cohort_id', type: 'uuid' })
  cohortId!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person)
  @JoinColumn({ name: 'person_id' })
  person!: Person;

  @Column({ type: 'varchar', length: 12 })
  status!: EnrollmentStatus;

  @Column({ name: 'requested_at', type: Date })
  requestedAt!: Date;

  @Column({ name: 'enrolled_at', type: Date, nullable: true })
  enrolledAt!: Date | null;

  @Column({ name: 'withdrawn_at', type: Date, nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: 'completed_on', type: 'date', nullable: true })
  completedOn!: string | null;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;
}
