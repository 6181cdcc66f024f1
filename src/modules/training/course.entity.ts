import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { decimalTransformer } from '../../common/db/transformers';
import { CredentialType } from '../catalog/credential-type.entity';
import type { CeCategory } from '../ce/ce-entry.entity';
import { CourseModule } from './course-module.entity';

/** A course: its modules with hours, the hours required to complete it, an optional exam and what it awards. */
@Entity('courses')
export class Course {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description!: string | null;

  @Column({ name: 'required_hours', type: 'decimal', precision: 7, scale: 2, transformer: decimalTransformer })
  requiredHours!: number;

  /** Percent needed to pass the exam; null when the course has no exam. */
  @Column({ name: 'exam_pass_mark', type: 'integer', nullable: true })
  examPassMark!: number | null;

  @Column({ name: 'exam_max_attempts', type: 'integer', nullable: true })
  examMaxAttempts!: number | null;

  @Column({ name: 'awards_credential_type_id', type: 'uuid', nullable: true })
  awardsCredentialTypeId!: string | null;

  @ManyToOne(() => CredentialType)
  @JoinColumn({ name: 'awards_credential_type_id' })
  awardsCredentialType!: CredentialType | null;

  /** When set, completing the course counts its hours as continuing education in this category. */
  @Column({ name: 'ce_category', type: 'varchar', length: 30, nullable: true })
  ceCategory!: CeCategory | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @OneToMany(() => CourseModule, (m) => m.course)
  modules!: Relation<CourseModule[]>;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
