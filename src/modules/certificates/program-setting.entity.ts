import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One program-wide setting an admin edits (the director's name printed on certificates, …), by key. */
@Entity('program_settings')
export class ProgramSetting {
  @PrimaryColumn({ type: 'varchar', length: 60 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_by_id', type: 'uuid', nullable: true })
  updatedById!: string | null;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
