import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person qualified to supervise peers, with their licence, for a period (history kept). */
@Entity('supervisor_qualifications')
export class SupervisorQualification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  /** The licence that qualifies them, e.g. "LCPC #MT-12345". */
  @Column({ type: 'varchar', length: 120 })
  licence!: string;

  @Column({ name: 'qualified_from', type: 'date' })
  qualifiedFrom!: string;

  @Column({ name: 'qualified_until', type: 'date', nullable: true })
  qualifiedUntil!: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: Date })
  recordedAt!: Date;
}
