import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer } from '../../common/db/transformers';
import { CourseModule } from './course-module.entity';

/** A class meeting of a cohort: a local date and times in the program's time zone, the modules it covers, its hours. */
@Entity('training_sessions')
export class TrainingSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'cohort_id', type: 'uuid' })
  cohortId!: string;

  @Column({ name: 'held_on', type: 'date' })
  heldOn!: string;

  /** "HH:MM", local time in PROGRAM_TIMEZONE. */
  @Column({ name: 'starts_at', type: 'varchar', length: 5 })
  startsAt!: string;

  @Column({ name: 'ends_at', type: 'varchar', length: 5 })
  endsAt!: string;

  @Column({ type: 'decimal', precision: 7, scale: 2, transformer: decimalTransformer })
  hours!: number;

  /** Where this session meets, when not at the cohort's location (null: the cohort's). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  place!: string | null;

  /** Cancelled sessions stay (attendance already taken is kept) but count for nothing. */
  @Column({ name: 'cancelled_at', type: Date, nullable: true })
  cancelledAt!: Date | null;

  @ManyToMany(() => CourseModule)
  @JoinTable({
    name: 'training_session_modules',
    joinColumn: { name: 'session_id' },
    inverseJoinColumn: { name: 'module_id' },
  })
  modules!: CourseModule[];

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
