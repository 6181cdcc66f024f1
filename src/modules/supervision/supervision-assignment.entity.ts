import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A peer supervised by a supervisor from `startsOn` until `endsOn` (open-ended when null). History is kept. */
@Entity('supervision_assignments')
export class SupervisionAssignment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'peer_id', type: 'uuid' })
  peerId!: string;

  @Column({ name: 'supervisor_id', type: 'uuid' })
  supervisorId!: string;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn!: string;

  @Column({ name: 'ends_on', type: 'date', nullable: true })
  endsOn!: string | null;

  /** Set when this assignment changed the peer's supervisor: the Board must hear of it by this date. */
  @Column({ name: 'board_report_due_on', type: 'date', nullable: true })
  boardReportDueOn!: string | null;

  @Column({ name: 'board_reported_on', type: 'date', nullable: true })
  boardReportedOn!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
