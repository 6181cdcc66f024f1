import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One entry of the append-only audit log. `hash` covers every other field and `prevHash`, so an
 * edited, deleted or reordered entry breaks the chain (see audit-chain.ts). Nothing in the code
 * updates or deletes entries, and the database refuses it with triggers.
 */
@Entity('audit_log')
export class AuditEntry {
  /** Consecutive from 1, assigned under a lock when the entry is written. */
  @PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  id!: number;

  @Column({ type: Date })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  /** Who, in words, as they were named then (or "system: …", "anonymous"). */
  @Column({ name: 'actor_label', type: 'varchar', length: 200 })
  actorLabel!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 60 })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 60 })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64, nullable: true })
  entityId!: string | null;

  /** Canonical JSON (keys sorted), so the hash can be recomputed exactly. */
  @Column({ type: 'text', nullable: true })
  before!: string | null;

  @Column({ type: 'text', nullable: true })
  after!: string | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
