import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One sitting of a course's exam; `passed` is judged against the pass mark when the score is recorded. */
@Entity('exam_attempts')
export class ExamAttempt {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'cohort_id', type: 'uuid' })
  cohortId!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'integer' })
  score!: number;

  @Column({ type: 'boolean' })
  passed!: boolean;

  @Column({ name: 'taken_on', type: 'date' })
  takenOn!: string;

  @Column({ name: 'recorded_by_id', type: 'uuid', nullable: true })
  recordedById!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
