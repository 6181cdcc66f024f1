import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { addDays, formatDate, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { sqlRows } from '../../common/db/sql';
import { WriteLock } from '../../common/db/write-lock';
import { systemActor } from '../../common/auth/actor';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import { CredentialType } from '../catalog/credential-type.entity';
import { ClearanceEngine } from '../clearance/clearance-engine';
import { ClearanceService } from '../clearance/clearance.service';
import type { JobContext } from '../jobs/jobs';
import { NotificationsService, type NotificationInput, type Recipient } from '../notifications/notifications.service';
import { CeSeasonNotices } from './ce-season-notices';
import { reminderWording, scanOutcome, staleReminderReason, type Standing } from './expiry-rules';

/** Credentials per transaction: bounded memory, and short write transactions for SQLite's one writer. */
export const SCAN_PAGE_SIZE = 1000;
const CHUNK = 900;
/** The supervisor hears of a reminder this close to expiry, and of grace and expiry. */
const SUPERVISOR_FROM_DAYS = 30;
/** The next_check_on of a row that is new or whose dates changed (the column default, and what the triggers set). */
const RECHECK_DATE = '0001-01-01';

interface DueRow {
  id: string;
  person_id: string;
  credential_type_id: string;
  expires_on: string | null;
  revoked_on: string | null;
  standing: Standing | null;
  next_check_on: string;
}

export interface ExpiryScanReport {
  date: IsoDate;
  examined: number;
  transitions: number;
  reminders: number;
  /** Reminders owed but recorded as skipped: their threshold was too long ago to be news (STALE_REMINDER_DAYS). */
  remindersSkipped: number;
  /** The dates whose clearance boundaries the scan looked at: from the last finished scan's date through this one. */
  window: { from: IsoDate; to: IsoDate };
  /** People whose clearance was recomputed: credentials it moved, plus everyone a date in the window concerns. */
  clearanceChecked: number;
  clearanceChanges: number;
  emailsQueued: number;
}

/**
 * The daily expiry scan (job 'maintenance.expiry-scan'). It reads only the credentials due on the
 * scan date by their `next_check_on` index, a page at a time, and for each one in a single
 * transaction: records the new standing and its transition (and an audit entry), claims the
 * reminder owed in `sent_reminders` (primary key: credential and threshold, so it happens once,
 * ever) and writes that reminder's notifications and outbox e-mail, and moves `next_check_on` on —
 * guarded by its old value, so a second worker scanning at the same moment skips what the first
 * did. A scan killed halfway leaves the rest due; the next run finishes them.
 * Then it recomputes clearance for the people affected and tells supervisors what changed.
 */
@Injectable()
export class ExpiryScanService {
  private readonly logger = new Logger('ExpiryScan');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clearance: ClearanceService,
    private readonly ceSeason: CeSeasonNotices,
    private readonly writeLock: WriteLock,
  ) {}

  async run(
    date: IsoDate,
    context?: Pick<JobContext, 'progress'>,
    options: { pageSize?: number } = {},
  ): Promise<ExpiryScanReport> {
    const pageSize = options.pageSize ?? SCAN_PAGE_SIZE;
    const since = await this.windowStart(date);
    const report: ExpiryScanReport = {
      date,
      examined: 0,
      transitions: 0,
      reminders: 0,
      remindersSkipped: 0,
      window: { from: since, to: date },
      clearanceChecked: 0,
      clearanceChanges: 0,
      emailsQueued: 0,
    };
    const types = new Map((await this.dataSource.getRepository(CredentialType).find()).map((t) => [t.id, t]));
    const [{ n: dueCount }] = await sqlRows<{ n: number | string }>(
      this.dataSource,
      `SELECT COUNT(*) AS n FROM credentials WHERE next_check_on <= $1`,
      [date],
    );
    const total = Number(dueCount);
    const affected = new Set<string>();
    let after: { on: string; id: string } | null = null;
    for (;;) {
      const rows: DueRow[] = await this.duePage(date, after, pageSize);
      if (rows.length === 0) break;
      after = { on: rows[rows.length - 1].next_check_on, id: rows[rows.length - 1].id };
      const outboxIds = await this.scanPage(rows, types, date, report, affected);
      await this.notifications.enqueue(outboxIds);
      report.emailsQueued += outboxIds.length;
      report.examined += rows.length;
      await context?.progress(Math.min(report.examined, total), Math.max(total, report.examined));
    }
    for (const id of await this.peopleConcernedBetween(since, date)) affected.add(id);
    report.clearanceChecked = affected.size;
    const clearance = await this.recheckClearance([...affected], date, since);
    report.clearanceChanges = clearance.changes;
    report.emailsQueued += clearance.emails;
    report.emailsQueued += await this.ceSeason.sendIfDue(date);
    await this.markScanned(date);
    this.logger.log(
      `Expiry scan for ${date}: ${report.examined} credentials due, ${report.transitions} transitions, ${report.reminders} reminders (${report.remindersSkipped} too old, skipped), ${report.clearanceChecked} people's clearance rechecked (dates ${since} to ${date}), ${report.clearanceChanges} clearance changes, ${report.emailsQueued} e-mails queued.`,
    );
    return report;
  }

  /** The next page of credentials due by `date`, in index order (next_check_on, id). */
  private duePage(date: IsoDate, after: { on: string; id: string } | null, limit: number): Promise<DueRow[]> {
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
  async explainDueQuery(date: IsoDate): Promise<string[]> {
    const postgres = this.dataSource.options.type === 'postgres';
    const sql = `SELECT c.id FROM credentials c WHERE c.next_check_on <= $1 AND (c.next_check_on, c.id) > ($2, $3) ORDER BY c.next_check_on, c.id LIMIT ${SCAN_PAGE_SIZE}`;
    const rows = await sqlRows<Record<string, unknown>>(
      this.dataSource,
      `${postgres ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${sql}`,
      [date, '0001-01-01', ''],
    );
    return rows.map((r) => String(r['QUERY PLAN'] ?? r.detail));
  }

  private async scanPage(
    rows: DueRow[],
    types: Map<string, CredentialType>,
    date: IsoDate,
    report: ExpiryScanReport,
    affected: Set<string>,
  ): Promise<string[]> {
    const superseded = await this.supersededIds(rows, date);
    const supervisors = await this.supervisorsOf(
      rows.map((r) => r.person_id),
      date,
    );
    return this.writeLock.run(() =>
      this.dataSource.transaction(async (tx) => {
        const recipients = await this.notifications.recipients(tx, [
          ...rows.map((r) => r.person_id),
          ...[...supervisors.values()].flat(),
        ]);
        const audit: AuditEvent[] = [];
        const notices: NotificationInput[] = [];
        for (const row of rows) {
          const type = types.get(row.credential_type_id)!;
          const outcome = scanOutcome(
            { expiresOn: row.expires_on, revokedOn: row.revoked_on },
            type,
            date,
            superseded.has(row.id),
          );
          const moved = await sqlRows(
            tx,
            `UPDATE credentials SET standing = $1, next_check_on = $2 WHERE id = $3 AND next_check_on = $4 RETURNING id`,
            [outcome.standing, outcome.nextCheckOn, row.id, row.next_check_on],
          );
          // Another scan took this credential in the meantime and did all of this already.
          if (moved.length === 0) continue;
          // A credential seen for the first time (new, renewed, or its dates edited) may change its holder's clearance.
          if (row.standing === null || row.next_check_on === RECHECK_DATE) affected.add(row.person_id);
          if (outcome.standing !== row.standing && !(row.standing === null && outcome.standing === 'active')) {
            await sqlRows(
              tx,
              `INSERT INTO credential_transitions (id, credential_id, person_id, from_standing, to_standing, on_date) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING`,
              [randomUUID(), row.id, row.person_id, row.standing, outcome.standing, date],
            );
            audit.push({
              action: 'credential.standing_changed',
              entityType: 'credential',
              entityId: row.id,
              before: { standing: row.standing },
              after: { standing: outcome.standing, on: date },
            });
            report.transitions++;
            affected.add(row.person_id);
          }
          const reminder = outcome.reminder;
          if (!reminder || !row.expires_on) continue;
          // Claimed even when skipped, so a later scan never sends it either; the row says why.
          const skipped = staleReminderReason(reminder, date);
          const claimed = await sqlRows(
            tx,
            `INSERT INTO sent_reminders (credential_id, threshold, scan_date, outcome, skipped_reason) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING RETURNING credential_id`,
            [row.id, reminder.threshold, date, skipped ? 'skipped' : 'sent', skipped],
          );
          if (claimed.length === 0) continue;
          if (skipped) {
            report.remindersSkipped++;
            continue;
          }
          report.reminders++;
          const graceEndsOn = type.graceDays > 0 ? addDays(row.expires_on, type.graceDays) : null;
          const words = reminderWording(reminder, type.name, row.expires_on, graceEndsOn, date);
          const peer = recipients.get(row.person_id);
          const context = {
            credentialName: type.name,
            credentialCode: type.code,
            expiresOn: formatDate(row.expires_on),
            graceEndsOn: graceEndsOn ? formatDate(graceEndsOn) : null,
            headline: words.headline,
            detail: words.detail,
            threshold: reminder.threshold,
            personName: peer?.name ?? '',
          };
          notices.push({
            personId: row.person_id,
            kind: 'reminder',
            title: words.headline,
            body: `${words.detail} Renew it or send in proof of renewal.`,
            link: '/my/credentials',
            dedupeKey: `reminder:${row.id}:${reminder.threshold}:${row.person_id}`,
            email: {
              category: 'reminder',
              subject: words.headline,
              template: 'credential-reminder',
              context: { ...context, forSupervisor: false, link: '/my/credentials' },
            },
          });
          const toSupervisor = reminder.daysBefore === null || reminder.daysBefore <= SUPERVISOR_FROM_DAYS;
          for (const supervisorId of toSupervisor ? (supervisors.get(row.person_id) ?? []) : []) {
            const title = `${peer?.name ?? 'Someone you supervise'}: ${words.headline}`;
            notices.push({
              personId: supervisorId,
              kind: 'supervisee_reminder',
              title,
              body: words.detail,
              link: `/people/${row.person_id}`,
              dedupeKey: `reminder:${row.id}:${reminder.threshold}:${supervisorId}`,
              email: {
                category: 'alert',
                subject: title,
                template: 'credential-reminder',
                context: { ...context, forSupervisor: true, link: `/people/${row.person_id}` },
              },
            });
          }
        }
        await this.audit.recordMany(tx, systemActor('expiry scan'), audit);
        return this.notifications.write(tx, notices, recipients);
      }),
    );
  }

  /** Credentials of this page that a later one of the same type (not revoked, already issued) replaces. */
  private async supersededIds(rows: DueRow[], date: IsoDate): Promise<Set<string>> {
    const personIds = [...new Set(rows.map((r) => r.person_id))];
    const held = new Map<string, Array<{ id: string; expires_on: string | null }>>();
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const found = await sqlRows<{
        id: string;
        person_id: string;
        credential_type_id: string;
        expires_on: string | null;
      }>(
        this.dataSource,
        `SELECT id, person_id, credential_type_id, CAST(expires_on AS TEXT) AS expires_on FROM credentials
          WHERE person_id IN (${ids.map((_, n) => `$${n + 2}`).join(', ')}) AND revoked_on IS NULL AND issued_on <= $1`,
        [date, ...ids],
      );
      for (const c of found) {
        const key = `${c.person_id}|${c.credential_type_id}`;
        held.set(key, [...(held.get(key) ?? []), c]);
      }
    }
    const superseded = new Set<string>();
    for (const row of rows) {
      if (!row.expires_on) continue;
      const others = held.get(`${row.person_id}|${row.credential_type_id}`) ?? [];
      if (others.some((o) => o.id !== row.id && (o.expires_on === null || o.expires_on > row.expires_on!)))
        superseded.add(row.id);
    }
    return superseded;
  }

  /**
   * Each person's supervisors on `date` — and, with `since`, also those whose assignment ended
   * after `since`: the supervisor of an assignment that just ended is the one to hear that the
   * peer is no longer cleared because of it.
   */
  private async supervisorsOf(
    personIds: string[],
    date: IsoDate,
    since: IsoDate = date,
  ): Promise<Map<string, string[]>> {
    const unique = [...new Set(personIds)];
    const result = new Map<string, string[]>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const ids = unique.slice(i, i + CHUNK);
      const rows = await sqlRows<{ peer_id: string; supervisor_id: string }>(
        this.dataSource,
        `SELECT peer_id, supervisor_id FROM supervision_assignments
          WHERE peer_id IN (${ids.map((_, n) => `$${n + 3}`).join(', ')}) AND starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $2)`,
        [date, since, ...ids],
      );
      for (const r of rows) result.set(r.peer_id, [...new Set([...(result.get(r.peer_id) ?? []), r.supervisor_id])]);
    }
    return result;
  }

  /**
   * The first date of this scan's window: the date of the last scan that finished, or the day
   * before when there is none (or this scan is for that date or an earlier one, a rerun).
   */
  private async windowStart(date: IsoDate): Promise<IsoDate> {
    const [row] = await sqlRows<{ scanned_through: string }>(
      this.dataSource,
      `SELECT CAST(scanned_through AS TEXT) AS scanned_through FROM expiry_scan_state WHERE id = 1`,
    );
    const last = row?.scanned_through.slice(0, 10);
    return last && last < date ? last : addDays(date, -1);
  }

  /** Records that the scan for `date` finished (never moving back: a scan of a past date is a rerun). */
  private async markScanned(date: IsoDate): Promise<void> {
    await this.writeLock.run(() =>
      sqlRows(
        this.dataSource,
        `INSERT INTO expiry_scan_state (id, scanned_through) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET scanned_through = CASE WHEN excluded.scanned_through > expiry_scan_state.scanned_through
                                                          THEN excluded.scanned_through ELSE expiry_scan_state.scanned_through END`,
        [date],
      ),
    );
  }

  /**
   * Everyone whose clearance may have changed between `since` and `date` without any credential
   * write the paging above sees: an assignment, a supervisor's qualification or a lived-experience
   * attestation starting or ending, a credential issued, revoked or suspended (or its suspension
   * ending) on a date in the window — dates that simply arrive need no write at all. Each query is
   * an index range on one date column. Both ends are inclusive, which covers columns naming the
   * first day of a change (starts_on) and those naming the last day before one (ends_on) alike;
   * an extra person costs one evaluation that finds nothing new. A practice-role rule version
   * starting or ending in the window concerns every peer.
   */
  private async peopleConcernedBetween(since: IsoDate, date: IsoDate): Promise<Set<string>> {
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
    if (ruleChange) {
      // Keyset pages: every peer, without one result set of the whole table (ids are uuids on both engines).
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await sqlRows<{ id: string }>(
          this.dataSource,
          `SELECT person_id AS id FROM person_roles WHERE role = 'peer' AND person_id > $1 ORDER BY person_id LIMIT ${SCAN_PAGE_SIZE * 10}`,
          [after],
        );
        if (page.length === 0) break;
        for (const r of page) people.add(String(r.id));
        after = String(page[page.length - 1].id);
      }
    }
    return people;
  }

  /** The plans of the window queries (the benchmark prints them: each should be an index search). */
  async explainWindowQueries(since: IsoDate, date: IsoDate): Promise<string[]> {
    const postgres = this.dataSource.options.type === 'postgres';
    const queries = [
      `SELECT peer_id FROM supervision_assignments WHERE ends_on >= $1 AND ends_on <= $2`,
      `SELECT person_id FROM credentials WHERE issued_on >= $1 AND issued_on <= $2`,
      `SELECT person_id FROM credentials WHERE revoked_on >= $1 AND revoked_on <= $2`,
      `SELECT person_id FROM credentials WHERE suspended_until >= $1 AND suspended_until <= $2`,
    ];
    const plans: string[] = [];
    for (const sql of queries) {
      const rows = await sqlRows<Record<string, unknown>>(
        this.dataSource,
        `${postgres ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${sql}`,
        [since, date],
      );
      plans.push(`${sql} → ${rows.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join('; ')}`);
    }
    return plans;
  }

  /**
   * Clearance of the affected people for every practice role (status only: the engine's brief
   * mode), against the last one known — or, for someone never seen, as it stood on `since`, the
   * start of the scan's window (the day before, by default): each change is stored and told to
   * the person's supervisors.
   */
  async recheckClearance(
    personIds: string[],
    date: IsoDate,
    since: IsoDate = addDays(date, -1),
  ): Promise<{ changes: number; emails: number }> {
    let changes = 0;
    let emails = 0;
    if (personIds.length === 0) return { changes, emails };
    const roles = await this.clearance.roles();
    const engine = new ClearanceEngine(roles);
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const facts = await this.clearance.factsFor(ids);
      const supervisors = await this.supervisorsOf(ids, date, since);
      const outboxIds = await this.writeLock.run(() =>
        this.dataSource.transaction(async (tx) => {
          const known = await this.snapshots(tx, ids);
          const recipients = await this.notifications.recipients(tx, [...ids, ...[...supervisors.values()].flat()]);
          const notices: NotificationInput[] = [];
          const audit: AuditEvent[] = [];
          for (const personId of ids) {
            const personFacts = facts.get(personId);
            if (!personFacts) continue;
            for (const role of roles) {
              const now = engine.brief(role.code, date, personFacts).status !== 'not_cleared';
              const before =
                known.get(`${personId}|${role.code}`) ??
                engine.brief(role.code, since, personFacts).status !== 'not_cleared';
              await this.saveSnapshot(tx, personId, role.code, now, date);
              if (now === before) continue;
              changes++;
              audit.push({
                action: now ? 'clearance.regained' : 'clearance.lost',
                entityType: 'person',
                entityId: personId,
                after: { role: role.code, on: date },
              });
              notices.push(
                ...this.clearanceNotices(personId, role, now, date, supervisors.get(personId) ?? [], recipients),
              );
            }
          }
          await this.audit.recordMany(tx, systemActor('expiry scan'), audit);
          return this.notifications.write(tx, notices, recipients);
        }),
      );
      await this.notifications.enqueue(outboxIds);
      emails += outboxIds.length;
    }
    return { changes, emails };
  }

  private clearanceNotices(
    personId: string,
    role: { code: string; name: string },
    cleared: boolean,
    date: IsoDate,
    supervisorIds: string[],
    recipients: Map<string, Recipient>,
  ): NotificationInput[] {
    const name = recipients.get(personId)?.name ?? 'Someone you supervise';
    const title = cleared
      ? `${name} is cleared again for ${role.name}`
      : `${name} is no longer cleared for ${role.name}`;
    const body = cleared
      ? `As of ${formatDate(date)}, ${name} meets the requirements for ${role.name} again.`
      : `As of ${formatDate(date)}, ${name} does not meet the requirements for ${role.name}. Do not schedule them for it until this is resolved.`;
    return supervisorIds.map((supervisorId) => ({
      personId: supervisorId,
      kind: cleared ? 'clearance_regained' : 'clearance_lost',
      title,
      body,
      link: `/people/${personId}/clearance`,
      dedupeKey: `clearance:${personId}:${role.code}:${date}:${cleared ? 'regained' : 'lost'}:${supervisorId}`,
      email: {
        category: 'alert',
        subject: title,
        template: 'clearance-change',
        context: {
          personName: name,
          roleName: role.name,
          cleared,
          date: formatDate(date),
          body,
          link: `/people/${personId}/clearance`,
        },
      },
    }));
  }

  private async snapshots(tx: EntityManager, personIds: string[]): Promise<Map<string, boolean>> {
    const rows = await sqlRows<{ person_id: string; role_code: string; cleared: boolean | number }>(
      tx,
      `SELECT person_id, role_code, cleared FROM clearance_snapshots WHERE person_id IN (${personIds.map((_, n) => `$${n + 1}`).join(', ')})`,
      personIds,
    );
    return new Map(rows.map((r) => [`${r.person_id}|${r.role_code}`, Boolean(r.cleared)]));
  }

  private async saveSnapshot(
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
}
