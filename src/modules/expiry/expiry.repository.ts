import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { addDays, type IsoDate } from '../../common/dates';
import { EVERY_PEER } from '../../common/db/facts-changed';
import { sqlRows } from '../../common/db/sql';
import { WriteLock } from '../../common/db/write-lock';
import { CredentialType } from '../catalog/credential-type.entity';
import type { ScanOutcome, Standing } from './expiry-rules';

/** Credentials per transaction: bounded memory, and short write transactions for SQLite's one writer. */
export const SCAN_PAGE_SIZE = 1000;
/** Ids per IN (...) list, well under both engines' parameter limits. */
export const CHUNK = 900;

/** A credential due for the scan, as its page query reads it. */
export interface DueRow {
  id: string;
  person_id: string;
  credential_type_id: string;
  expires_on: string | null;
  revoked_on: string | null;
  standing: Standing | null;
  next_check_on: string;
}

/** A `clearance_facts_changed` marker as the scan reads it. */
export interface FactsChanged {
  version: number;
  /** The earliest end date a write gave one of the person's supervision assignments. */
  supervisionEndedOn: IsoDate | null;
}

/** `$first, $first+1, …` for an IN (...) list of `count` values. */
export function placeholders(count: number, first: number): string {
  return Array.from({ length: count }, (_, n) => `$${n + first}`).join(', ');
}

/**
 * The named queries of the expiry scan: the credentials due (by their `next_check_on` index), the
 * writes a scan makes for each (guarded so a second worker skips what the first did), its window
 * state, and the clearance snapshots it compares against. Writes take the transaction's manager.
 */
@Injectable()
export class ExpiryRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writeLock: WriteLock,
  ) {}

  /** Runs `work` in one write transaction, behind the write lock (SQLite has one writer). */
  writeTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.writeLock.run(() => this.dataSource.transaction(work));
  }

  async credentialTypes(): Promise<Map<string, CredentialType>> {
    return new Map((await this.dataSource.getRepository(CredentialType).find()).map((t) => [t.id, t]));
  }

  async countDue(date: IsoDate): Promise<number> {
    const [{ n }] = await sqlRows<{ n: number | string }>(
      this.dataSource,
      `SELECT COUNT(*) AS n FROM credentials WHERE next_check_on <= $1`,
      [date],
    );
    return Number(n);
  }

  /** The next page of credentials due by `date`, in index order (next_check_on, id). */
  duePage(date: IsoDate, after: { on: string; id: string } | null, limit: number): Promise<DueRow[]> {
    return sqlRows<DueRow>(
      this.dataSource,
      `SELECT c.id, c.person_id, c.credential_type_id, CAST(c.expires_on AS TEXT) AS expires_on, CAST(c.revoked_on AS TEXT) AS revoked_on,
              c.standing, CAST(c.next_check_on AS TEXT) AS next_check_on
         FROM credentials c
        WHERE c.next_check_on <= $1${after ? ' AND (c.next_check_on, c.id) > ($2, $3)' : ''}
        ORDER BY c.next_check_on, c.id
        LIMIT ${limit}`,
      after ? [date, after.on, after.id] : [date],
    );
  }

  /** The query the scan pages with, as the database plans it (the benchmark prints it). */
  explainDueQuery(date: IsoDate): Promise<string[]> {
    const sql = `SELECT c.id FROM credentials c WHERE c.next_check_on <= $1 AND (c.next_check_on, c.id) > ($2, $3) ORDER BY c.next_check_on, c.id LIMIT ${SCAN_PAGE_SIZE}`;
    return this.explain(sql, [date, '0001-01-01', '']);
  }

  /**
   * Moves the credential to its new standing and next check, only if its `next_check_on` is still the
   * one the page read (false: another scan took it in the meantime and did all of it already).
   */
  async moveCredential(
    tx: EntityManager,
    row: DueRow,
    outcome: Pick<ScanOutcome, 'standing' | 'nextCheckOn'>,
  ): Promise<boolean> {
    const moved = await sqlRows(
      tx,
      `UPDATE credentials SET standing = $1, next_check_on = $2 WHERE id = $3 AND next_check_on = $4 RETURNING id`,
      [outcome.standing, outcome.nextCheckOn, row.id, row.next_check_on],
    );
    return moved.length > 0;
  }

  async insertTransition(tx: EntityManager, row: DueRow, to: Standing, date: IsoDate): Promise<void> {
    await sqlRows(
      tx,
      `INSERT INTO credential_transitions (id, credential_id, person_id, from_standing, to_standing, on_date) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING`,
      [randomUUID(), row.id, row.person_id, row.standing, to, date],
    );
  }

  /** Claims a reminder once, ever (false when it was claimed before); `skipped` says why it was not sent. */
  async claimReminder(
    tx: EntityManager,
    credentialId: string,
    threshold: string,
    date: IsoDate,
    skipped: string | null,
  ): Promise<boolean> {
    const claimed = await sqlRows(
      tx,
      `INSERT INTO sent_reminders (credential_id, threshold, scan_date, outcome, skipped_reason) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING RETURNING credential_id`,
      [credentialId, threshold, date, skipped ? 'skipped' : 'sent', skipped],
    );
    return claimed.length > 0;
  }

  /** The credentials these people hold on `date` (not revoked, already issued). */
  async heldCredentials(
    personIds: string[],
    date: IsoDate,
  ): Promise<Array<{ id: string; person_id: string; credential_type_id: string; expires_on: string | null }>> {
    const held = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      held.push(
        ...(await sqlRows<{ id: string; person_id: string; credential_type_id: string; expires_on: string | null }>(
          this.dataSource,
          `SELECT id, person_id, credential_type_id, CAST(expires_on AS TEXT) AS expires_on FROM credentials
          WHERE person_id IN (${placeholders(ids.length, 2)}) AND revoked_on IS NULL AND issued_on <= $1`,
          [date, ...ids],
        )),
      );
    }
    return held;
  }

  /**
   * Each person's supervisors on `date` — and, with `since`, also those whose assignment ended
   * after `since`: the supervisor of an assignment that just ended is the one to hear that the
   * peer is no longer cleared because of it. `endedSince` moves `since` back for some people: an
   * assignment whose end was recorded after the fact (a backdated end) ended before the window.
   */
  async supervisorsOf(
    personIds: string[],
    date: IsoDate,
    since: IsoDate = date,
    endedSince: Map<string, IsoDate> = new Map(),
  ): Promise<Map<string, string[]>> {
    const unique = [...new Set(personIds)];
    const result = new Map<string, string[]>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const ids = unique.slice(i, i + CHUNK);
      const from = ids.reduce((min, id) => {
        const earlier = endedSince.get(id);
        return earlier && earlier < min ? earlier : min;
      }, since);
      const rows = await sqlRows<{ peer_id: string; supervisor_id: string; ends_on: string | null }>(
        this.dataSource,
        `SELECT peer_id, supervisor_id, CAST(ends_on AS TEXT) AS ends_on FROM supervision_assignments
          WHERE peer_id IN (${placeholders(ids.length, 3)}) AND starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $2)`,
        [date, from, ...ids],
      );
      for (const r of rows) {
        const earlier = endedSince.get(r.peer_id);
        const peerSince = earlier && earlier < since ? earlier : since;
        if (r.ends_on !== null && r.ends_on.slice(0, 10) < peerSince) continue;
        result.set(r.peer_id, [...new Set([...(result.get(r.peer_id) ?? []), r.supervisor_id])]);
      }
    }
    return result;
  }

  /**
   * The first date of this scan's window: the date of the last scan that finished, or the day
   * before when there is none (or this scan is for that date or an earlier one, a rerun).
   */
  async windowStart(date: IsoDate): Promise<IsoDate> {
    const [row] = await sqlRows<{ scanned_through: string }>(
      this.dataSource,
      `SELECT CAST(scanned_through AS TEXT) AS scanned_through FROM expiry_scan_state WHERE id = 1`,
    );
    const last = row?.scanned_through.slice(0, 10);
    return last && last < date ? last : addDays(date, -1);
  }

  /**
   * Records that the scan for `date` finished (never moving back: a scan of a past date is a rerun),
   * and, in the same transaction, consumes the every-peer marker the scan read (`everyPeerVersion`).
   */
  async markScanned(date: IsoDate, everyPeerVersion?: number): Promise<void> {
    await this.writeTransaction(async (tx) => {
      await sqlRows(
        tx,
        `INSERT INTO expiry_scan_state (id, scanned_through) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET scanned_through = CASE WHEN excluded.scanned_through > expiry_scan_state.scanned_through
                                                          THEN excluded.scanned_through ELSE expiry_scan_state.scanned_through END`,
        [date],
      );
      if (everyPeerVersion !== undefined) await this.consumeFactsChanged(tx, new Map([[EVERY_PEER, everyPeerVersion]]));
    });
  }

  /**
   * The people whose clearance facts were written since a scan last consumed them, whatever dates
   * the writes carry (a backdated assignment, a revocation effective yesterday), with each marker's
   * version; `EVERY_PEER` among them when a practice role's rules changed.
   */
  async factsChanged(): Promise<Map<string, FactsChanged>> {
    const rows = await sqlRows<{ person_id: string; version: number | string; ended: string | null }>(
      this.dataSource,
      `SELECT person_id, version, CAST(supervision_ended_on AS TEXT) AS ended FROM clearance_facts_changed`,
    );
    return new Map(
      rows.map((r) => [
        String(r.person_id),
        { version: Number(r.version), supervisionEndedOn: r.ended ? r.ended.slice(0, 10) : null },
      ]),
    );
  }

  /**
   * Deletes the markers a scan read, in the transaction that stored what it found: only at the version
   * read, so a marker written again meanwhile (its version moved on) stays for the next scan.
   */
  async consumeFactsChanged(tx: EntityManager, markers: Map<string, number>): Promise<void> {
    const pairs = [...markers];
    for (let i = 0; i < pairs.length; i += CHUNK / 2) {
      const page = pairs.slice(i, i + CHUNK / 2);
      await sqlRows(
        tx,
        `DELETE FROM clearance_facts_changed WHERE ${page.map((_, n) => `(person_id = $${2 * n + 1} AND version = $${2 * n + 2})`).join(' OR ')}`,
        page.flat(),
      );
    }
  }

  /** Every peer, in keyset pages rather than one result set of the whole table (ids are uuids on both engines). */
  async allPeers(): Promise<string[]> {
    const peers: string[] = [];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await sqlRows<{ id: string }>(
        this.dataSource,
        `SELECT person_id AS id FROM person_roles WHERE role = 'peer' AND person_id > $1 ORDER BY person_id LIMIT ${SCAN_PAGE_SIZE * 10}`,
        [after],
      );
      if (page.length === 0) break;
      for (const r of page) peers.push(String(r.id));
      after = String(page[page.length - 1].id);
    }
    return peers;
  }

  /**
   * Everyone whose clearance may have changed between `since` and `date` without any credential
   * write the paging sees: an assignment, a supervisor's qualification or a lived-experience
   * attestation starting or ending, a credential issued, revoked or suspended (or its suspension
   * ending) on a date in the window — dates that simply arrive need no write at all. Each query is
   * an index range on one date column. Both ends are inclusive, which covers columns naming the
   * first day of a change (starts_on) and those naming the last day before one (ends_on) alike;
   * an extra person costs one evaluation that finds nothing new. A practice-role rule version
   * starting or ending in the window concerns every peer.
   */
  async peopleConcernedBetween(since: IsoDate, date: IsoDate): Promise<Set<string>> {
    const ranges: Array<[string, string]> = [
      ['SELECT peer_id AS id FROM supervision_assignments', 'starts_on'],
      ['SELECT peer_id AS id FROM supervision_assignments', 'ends_on'],
      [
        'SELECT a.peer_id AS id FROM supervisor_qualifications q JOIN supervision_assignments a ON a.supervisor_id = q.person_id',
        'q.qualified_from',
      ],
      [
        'SELECT a.peer_id AS id FROM supervisor_qualifications q JOIN supervision_assignments a ON a.supervisor_id = q.person_id',
        'q.qualified_until',
      ],
      ['SELECT person_id AS id FROM lived_experience_attestations', 'verified_on'],
      ['SELECT person_id AS id FROM lived_experience_attestations', 'withdrawn_on'],
      ['SELECT person_id AS id FROM credentials', 'issued_on'],
      ['SELECT person_id AS id FROM credentials', 'revoked_on'],
      ['SELECT person_id AS id FROM credentials', 'suspended_from'],
      ['SELECT person_id AS id FROM credentials', 'suspended_until'],
    ];
    const people = new Set<string>();
    for (const [select, column] of ranges) {
      const rows = await sqlRows<{ id: string }>(
        this.dataSource,
        `${select} WHERE ${column} >= $1 AND ${column} <= $2`,
        [since, date],
      );
      for (const r of rows) people.add(String(r.id));
    }
    const [ruleChange] = await sqlRows(
      this.dataSource,
      `SELECT id FROM practice_role_rule_versions WHERE (effective_from >= $1 AND effective_from <= $2) OR (effective_until >= $1 AND effective_until <= $2) LIMIT 1`,
      [since, date],
    );
    if (ruleChange) for (const id of await this.allPeers()) people.add(id);
    return people;
  }

  /** The plans of the window queries (the benchmark prints them: each should be an index search). */
  async explainWindowQueries(since: IsoDate, date: IsoDate): Promise<string[]> {
    const queries = [
      `SELECT peer_id FROM supervision_assignments WHERE ends_on >= $1 AND ends_on <= $2`,
      `SELECT person_id FROM credentials WHERE issued_on >= $1 AND issued_on <= $2`,
      `SELECT person_id FROM credentials WHERE revoked_on >= $1 AND revoked_on <= $2`,
      `SELECT person_id FROM credentials WHERE suspended_until >= $1 AND suspended_until <= $2`,
    ];
    const plans: string[] = [];
    for (const sql of queries) plans.push(`${sql} → ${(await this.explain(sql, [since, date])).join('; ')}`);
    return plans;
  }

  /** The last clearance known for these people, by `person|role`. */
  async snapshots(tx: EntityManager, personIds: string[]): Promise<Map<string, boolean>> {
    const rows = await sqlRows<{ person_id: string; role_code: string; cleared: boolean | number }>(
      tx,
      `SELECT person_id, role_code, cleared FROM clearance_snapshots WHERE person_id IN (${placeholders(personIds.length, 1)})`,
      personIds,
    );
    return new Map(rows.map((r) => [`${r.person_id}|${r.role_code}`, Boolean(r.cleared)]));
  }

  async saveSnapshot(
    tx: EntityManager,
    personId: string,
    roleCode: string,
    cleared: boolean,
    date: IsoDate,
  ): Promise<void> {
    await sqlRows(
      tx,
      `INSERT INTO clearance_snapshots (person_id, role_code, cleared, as_of) VALUES ($1, $2, $3, $4)
       ON CONFLICT (person_id, role_code) DO UPDATE SET cleared = excluded.cleared, as_of = excluded.as_of`,
      [personId, roleCode, cleared, date],
    );
  }

  private async explain(sql: string, params: unknown[]): Promise<string[]> {
    const postgres = this.dataSource.options.type === 'postgres';
    const rows = await sqlRows<Record<string, unknown>>(
      this.dataSource,
      `${postgres ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${sql}`,
      params,
    );
    return rows.map((r) => String(r['QUERY PLAN'] ?? r.detail));
  }
}
