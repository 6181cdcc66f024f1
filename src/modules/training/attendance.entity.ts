import { Column, Entity, PrimaryColumn } from 'typeorm';
import { decimalTransformer } from '../../common/db/transformers';

export const ATTENDANCE_STATUSES = ['present', 'absent', 'partial'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Whether a person attended a session, and for how many hours (all of them when present, none when absent). */
@Entity('attendance')
export class Attendance {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 8 })
  status!: AttendanceStatus;

  @Column({ type: 'decimal', precision: 7, scale: 2, transformer: decimalTransformer })
  hours!: number;

  @Column({ name: 'recorded_by_id', type: 'uuid', nullable: true })
  recordedById!: string | null;

  @Column({ name: 'recorded_at', type: Date })
  recordedAt!: Date;
}
