import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { decimalTransformer } from '../../common/db/transformers';
import { Course } from './course.entity';

/** A module (topic) of a course, with its hours; a required module must be attended in full to complete. */
@Entity('course_modules')
export class CourseModule {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId!: string;

  @ManyToOne(() => Course, (c) => c.modules)
  @JoinColumn({ name: 'course_id' })
  course!: Relation<Course>;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'decimal', precision: 7, scale: 2, transformer: decimalTransformer })
  hours!: number;

  @Column({ type: 'boolean', default: false })
  required!: boolean;
}
