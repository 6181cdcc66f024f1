import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A catalogue seed entry that has been applied once; the seed never applies it again. */
@Entity('seed_entries')
export class SeedEntry {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  key!: string;

  @CreateDateColumn({ name: 'applied_at', type: Date })
  appliedAt!: Date;
}
