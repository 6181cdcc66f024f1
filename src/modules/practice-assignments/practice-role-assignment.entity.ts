import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A practice role a person works in, from `startsOn` through `endsOn` (open-ended while null). Ending one sets
 * `endsOn`; a row is never deleted, so "what did they work in on the day of that service" keeps its answer.
 */
@Entity('practice_role_assignments')
export class PracticeRoleAssignment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ name: 'practice_role_id', type: 'uuid' })
  practiceRoleId!: string;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn!: string;

  @Column({ name: 'ends_on', type: 'date', nullable: true })
  endsOn!: string | null;

  @Column({ name: 'assigned_by_id', type: 'uuid', nullable: true })
  assignedById!: string | null;

  @Column({ name: 'ended_by_id', type: 'uuid', nullable: true })
  endedById!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
