import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const LOOKUP_RESULTS = ['valid', 'expired', 'revoked', 'superseded', 'unknown', 'malformed'] as const;
export type LookupResult = (typeof LOOKUP_RESULTS)[number];

/** One public verification lookup: what was asked, what it found, from where. */
@Entity('certificate_lookups')
export class CertificateLookup {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'certificate_id', type: 'uuid', nullable: true })
  certificateId!: string | null;

  /** What was typed (cut to 40 characters), so probing shows in the log. */
  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 12 })
  result!: LookupResult;

  @Column({ type: 'varchar', length: 4 })
  channel!: 'page' | 'api';

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'looked_up_at', type: Date })
  lookedUpAt!: Date;
}
