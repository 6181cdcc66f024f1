import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Person } from '../people/person.entity';
import { Course } from './course.entity';

export const COHORT_SETTINGS = ['clinic', 'community', 'jail'] as const;
export type CohortSetting = (typeof COHORT_SETTINGS)[number];
export const COHORT_STATUSES = ['planned', 'running', 'completed', 'cancelled'] as const;
export type CohortStatus = (typeof COHORT_STATUSES)[number];

/** One run of a course: where, when, by whom, and for how many. */
@Entity('cohorts')
export class Cohort {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId!: string;

  @ManyToOne(() => Course)
  @JoinColumn({ name: 'course_id' })
  course!: Course;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  location!: string;

  @Column({ type: 'varchar', length: 12 })
  setting!: CohortSetting;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn!: string;

  @Column({ name: 'ends_on', type: 'date' })
  endsOn!: string;

  @Column({ type: 'integer' })
  capacity!: number;

  @Column({ type: 'varchar', length: 12, default: 'planned' })
  status!: CohortStatus;

  @Column({ name: 'completed_on', type: 'date', nullable: true })
  completedOn!: string | null;

  @ManyToMany(() => Person)
  @JoinTable({ name: 'cohort_trainers', joinColumn: { name: 'cohort_id' }, inverseJoinColumn: { name: 'trainer_id' } })
  trainers!: Person[];

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
