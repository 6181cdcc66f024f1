import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { PracticeRole } from './practice-role.entity';

/**
 * One version of a practice role's rule and the days it was in force (both ends included; no
 * start: from the beginning; no end: still in force). Editing a rule closes the version in force
 * and opens a new one from a date that is not in the past, so what was true on a past date stays true.
 * A version whose end falls before its start was replaced the day it was to begin, and never applied.
 */
@Entity('practice_role_rule_versions')
export class PracticeRoleRuleVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'practice_role_id', type: 'uuid' })
  practiceRoleId!: string;

  @ManyToOne(() => PracticeRole, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'practice_role_id' })
  practiceRole!: Relation<PracticeRole>;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'effective_from', type: 'date', nullable: true })
  effectiveFrom!: string | null;

  @Column({ name: 'effective_until', type: 'date', nullable: true })
  effectiveUntil!: string | null;

  /** Why the rule changed, in the admin's words. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;
}
