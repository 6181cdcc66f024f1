import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { startOfDayInZone, addDays } from '../../common/dates';
import type { Actor } from '../../common/auth/actor';
import {
  canonicalJson,
  entryColumns,
  entryHash,
  GENESIS_HASH,
  verifyChain,
  type ChainPosition,
  type ChainReport,
} from './audit-chain';
import { AuditAnchors, type AuditAnchor } from './audit-anchors';
import { AuditEntry } from './audit-entry.entity';

export interface AuditEvent {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilters {
  personId?: string;
  entityType?: string;
  action?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

/** Any number that fits PostgreSQL's advisory-lock key; names "the audit log's tail". */
const AUDIT_LOCK_KEY = 727_361_001;

/**
 * The append-only audit log. `record` is the only way in: it must run inside the transaction that
 * makes the change, so the change and its entry commit or fail together.
 */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    // Absent where a seed records entries outside the app; verifying and anchoring need it.
    @Optional() @Inject(AuditAnchors) private readonly anchors: AuditAnchors | null = null,
  ) {}

  async record(manager: EntityManager, actor: Actor, event: AuditEvent): Promise<AuditEntry> {
    const [entry] = await this.recordMany(manager, actor, [event]);
    return entry;
  }

  /** Many entries at once (a roster import, a cohort's awards), chained in order with one read of the tail. */
  async recordMany(manager: EntityManager, actor: Actor, events: AuditEvent[]): Promise<AuditEntry[]> {
    if (events.length === 0) return [];
    if (!manager.queryRunner?.isTransactionActive) {
      return this.dataSource.transaction((tx) => this.recordMany(tx, actor, events));
    }
    if (manager.connection.options.type === 'postgres') {
      // Writers queue here, so each entry is chained to the one committed before it.
      await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
    }
    const last = await manager
      .getRepository(AuditEntry)
      .find({ select: { id: true, hash: true }, order: { id: 'DESC' }, take: 1 });
    let id = last[0]?.id ?? 0;
    let prevHash = last[0]?.hash ?? GENESIS_HASH;
    const at = new Date();
    const entries = events.map((event) => {
      const fields = {
        id: ++id,
        at,
        actorId: actor.personId,
        actorLabel: actor.label.slice(0, 200),
        ip: actor.ip,
        action: event.action,
        entityType: event.entityType,
        entityId: event.entityId ?? null,
        before: event.before === undefined ? null : canonicalJson(event.before),
        after: event.after === undefined ? null : canonicalJson(event.after),
        prevHash,
      };
      prevHash = entryHash(fields);
      return manager.getRepository(AuditEntry).create({ ...fields, hash: prevHash });
    });
    for (let i = 0; i < entries.length; i += 200)
      await manager.getRepository(AuditEntry).insert(entries.slice(i, i + 200));
    return entries;
  }

  /**
   * Recomputes the whole chain, a batch at a time so a long log never sits in memory at once, and holds it to the
   * last anchor written outside the database: a chain that ends before it, or no longer has the anchored hash
   * there, has lost its newest entries (`truncated`).
   */
  async verify(): Promise<ChainReport & { truncated: boolean }> {
    const report: ChainReport = { ok: true, checked: 0, problems: [] };
    const anchor = (await this.anchors?.last()) ?? null;
    let anchoredHash: string | null = null;
    let position: ChainPosition | undefined;
    for await (const batch of this.batches({})) {
      const part = verifyChain(batch, position);
      report.problems.push(...part.problems);
      report.checked += part.checked;
      position = part.end;
      if (anchor) anchoredHash ??= batch.find((e) => e.id === anchor.sequence)?.hash ?? null;
    }
    const lastId = (position?.expectedId ?? 1) - 1;
    let truncated = false;
    if (anchor && lastId < anchor.sequence) {
      truncated = true;
      report.problems.push(
        `The log ends at entry ${lastId}, but entry ${anchor.sequence} was anchored on ${anchor.at}: the newest ${anchor.sequence - lastId} entries were removed.`,
      );
    } else if (anchor && anchoredHash !== anchor.hash) {
      truncated = true;
      report.problems.push(
        `Entry ${anchor.sequence} no longer has the hash anchored on ${anchor.at}: the log was cut back and written again from there.`,
      );
    }
    report.ok = report.problems.length === 0;
    return { ...report, truncated };
  }

  /** The newest entry's sequence and hash (null for an empty log): what the daily anchor and a backup record. */
  async head(): Promise<{ sequence: number; hash: string } | null> {
    const [last] = await this.dataSource
      .getRepository(AuditEntry)
      .find({ select: { id: true, hash: true }, order: { id: 'DESC' }, take: 1 });
    return last ? { sequence: last.id, hash: last.hash } : null;
  }

  /** Writes today's anchor of the head outside the database (the daily 'maintenance.audit-anchor' job). */
  async anchorHead(): Promise<AuditAnchor | null> {
    if (!this.anchors) throw new Error('Anchoring the audit log needs the application (AuditAnchors).');
    return this.anchors.append(await this.head());
  }

  async list(
    filters: AuditFilters,
    timeZone: string,
  ): Promise<{ items: AuditEntry[]; total: number; page: number; pageSize: number }> {
    const page = filters.page ?? 1;
    const pageSize = filters.pageSize ?? 50;
    const [items, total] = await this.filtered(filters, timeZone)
      .orderBy('a.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items, total, page, pageSize };
  }

  /** The filtered log as CSV, written a batch at a time. */
  exportCsv(filters: AuditFilters, timeZone: string): Readable {
    // Formulas are escaped: names typed by people must not run as spreadsheet formulas when opened.
    const csv = stringify({
      header: true,
      escape_formulas: true,
      columns: ['id', 'at', 'actor_id', 'actor', 'ip', 'action', 'entity_type', 'entity_id', 'before', 'after', 'hash'],
    });
    void (async () => {
      try {
        for await (const batch of this.batches(filters, timeZone)) {
          if (csv.destroyed) return;
          for (const e of batch) {
            const flushed = csv.write([...entryColumns(e), e.hash]);
            // Wait for the client to catch up; a closed download ends the wait (and the loop) too.
            if (!flushed) await new Promise((resume) => (csv.once('drain', resume), csv.once('close', resume)));
            if (csv.destroyed) return;
          }
        }
        csv.end();
      } catch (e) {
        csv.destroy(e as Error);
      }
    })();
    return csv;
  }

  /** The filtered entries in id order, 1,000 at a time. */
  private async *batches(filters: AuditFilters, timeZone = 'UTC'): AsyncGenerator<AuditEntry[]> {
    for (let afterId = 0; ;) {
      const batch = await this.filtered(filters, timeZone)
        .andWhere('a.id > :afterId', { afterId })
        .orderBy('a.id', 'ASC')
        .take(1000)
        .getMany();
      if (batch.length === 0) return;
      yield batch;
      afterId = batch[batch.length - 1].id;
    }
  }

  private filtered(filters: AuditFilters, timeZone: string) {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a');
    // actor_id is a uuid and entity_id text: compare both as text, or PostgreSQL cannot type the one parameter.
    if (filters.personId)
      qb.andWhere('(CAST(a.actor_id AS varchar(64)) = :person OR a.entity_id = :person)', { person: filters.personId });
    if (filters.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: filters.entityType });
    if (filters.action) qb.andWhere('a.action = :action', { action: filters.action });
    if (filters.from) qb.andWhere('a.at >= :from', { from: startOfDayInZone(filters.from, timeZone) });
    if (filters.to) qb.andWhere('a.at < :to', { to: startOfDayInZone(addDays(filters.to, 1), timeZone) });
    return qb;
  }
}
