import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type IsoDate } from '../../common/dates';
import { systemActor } from '../../common/auth/actor';
import { EVERY_PEER } from '../../common/db/facts-changed';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import type { CredentialType } from '../catalog/credential-type.entity';
import type { JobContext } from '../jobs/jobs';
import { NotificationsService, type NotificationInput, type Recipient } from '../notifications/notifications.service';
import { CeSeasonNotices } from './ce-season-notices';
import { ClearanceRecheckService } from './clearance-recheck.service';
import { reminderNotices } from './expiry-notices';
import { scanOutcome, staleReminderReason } from './expiry-rules';
import { ExpiryRepository, SCAN_PAGE_SIZE, type DueRow } from './expiry.repository';

export { SCAN_PAGE_SIZE };

/** The next_check_on of a row that is new or whose dates changed (the column default, and what the triggers set). */
const RECHECK_DATE = '0001-01-01';

export interface ExpiryScanReport {
  date: IsoDate;
  examined: number;
  transitions: number;
  reminders: number;
  /** Reminders owed but recorded as skipped: their threshold was too long ago to be news (STALE_REMINDER_DAYS). */
  remindersSkipped: number;
  /** The dates whose clearance boundaries the scan looked at: from the last finished scan's date through this one. */
  window: { from: IsoDate; to: IsoDate };
  /** People whose clearance was recomputed: credentials it moved, everyone a date in the window concerns, and the marked. */
  clearanceChecked: number;
  /** People rechecked because their facts were written since the last scan, whatever dates the writes carry. */
  factsChanged: number;
  /** A practice role's rules were written since the last scan: every peer was rechecked. */
  rulesChanged: boolean;
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
    private readonly repo: ExpiryRepository,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clearanceRecheck: ClearanceRecheckService,
    private readonly ceSeason: CeSeasonNotices,
  ) {}

  async run(
    date: IsoDate,
    context?: Pick<JobContext, 'progress'>,
    options: { pageSize?: number } = {},
  ): Promise<ExpiryScanReport> {
    const pageSize = options.pageSize ?? SCAN_PAGE_SIZE;
    const since = await this.repo.windowStart(date);
    const report: ExpiryScanReport = {
      date,
      examined: 0,
      transitions: 0,
      reminders: 0,
      remindersSkipped: 0,
      window: { from: since, to: date },
      clearanceChecked: 0,
      factsChanged: 0,
      rulesChanged: false,
      clearanceChanges: 0,
      emailsQueued: 0,
    };
    const types = await this.repo.credentialTypes();
    const total = await this.repo.countDue(date);
    const affected = new Set<string>();
    let after: { on: string; id: string } | null = null;
    for (;;) {
      const rows: DueRow[] = await this.repo.duePage(date, after, pageSize);
      if (rows.length === 0) break;
      after = { on: rows[rows.length - 1].next_check_on, id: rows[rows.length - 1].id };
      const outboxIds = await this.scanPage(rows, types, date, report, affected);
      await this.notifications.enqueue(outboxIds);
      report.emailsQueued += outboxIds.length;
      report.examined += rows.length;
      await context?.progress(Math.min(report.examined, total), Math.max(total, report.examined));
    }
    // Read before the facts are: a write after this moves its marker's version on, and the marker stays.
    const marked = await this.repo.factsChanged();
    const everyPeer = marked.get(EVERY_PEER);
    marked.delete(EVERY_PEER);
    report.factsChanged = marked.size;
    report.rulesChanged = everyPeer !== undefined;
    for (const id of await this.repo.peopleConcernedBetween(since, date)) affected.add(id);
    for (const id of marked.keys()) affected.add(id);
    if (everyPeer !== undefined) for (const id of await this.repo.allPeers()) affected.add(id);
    report.clearanceChecked = affected.size;
    // Sorted: two scans at once then lock snapshot and marker rows in the same order (no deadlock on PostgreSQL).
    const clearance = await this.clearanceRecheck.recheck([...affected].sort(), date, since, marked);
    report.clearanceChanges = clearance.changes;
    report.emailsQueued += clearance.emails;
    report.emailsQueued += await this.ceSeason.sendIfDue(date);
    await this.repo.markScanned(date, everyPeer?.version);
    this.logger.log(
      `Expiry scan for ${date}: ${report.examined} credentials due, ${report.transitions} transitions, ${report.reminders} reminders (${report.remindersSkipped} too old, skipped), ${report.clearanceChecked} people's clearance rechecked (dates ${since} to ${date}, ${marked.size} with facts written since the last scan${everyPeer === undefined ? '' : ', every peer: rules changed'}), ${report.clearanceChanges} clearance changes, ${report.emailsQueued} e-mails queued.`,
    );
    return report;
  }

  /** The query the scan pages with, as the database plans it (the benchmark prints it). */
  explainDueQuery(date: IsoDate): Promise<string[]> {
    return this.repo.explainDueQuery(date);
  }

  /** The plans of the window queries (the benchmark prints them: each should be an index search). */
  explainWindowQueries(since: IsoDate, date: IsoDate): Promise<string[]> {
    return this.repo.explainWindowQueries(since, date);
  }

  /** Clearance of the affected people, as of `date` against the last known (see ClearanceRecheckService). */
  recheckClearance(personIds: string[], date: IsoDate, since?: IsoDate): Promise<{ changes: number; emails: number }> {
    return this.clearanceRecheck.recheck(personIds, date, since);
  }

  /** One page in one write transaction: each credential's standing, transition and reminder, then the notices. */
  private async scanPage(
    rows: DueRow[],
    types: Map<string, CredentialType>,
    date: IsoDate,
    report: ExpiryScanReport,
    affected: Set<string>,
  ): Promise<string[]> {
    const superseded = await this.supersededIds(rows, date);
    const supervisors = await this.repo.supervisorsOf(
      rows.map((r) => r.person_id),
      date,
    );
    return this.repo.writeTransaction(async (tx) => {
      const recipients = await this.notifications.recipients(tx, [
        ...rows.map((r) => r.person_id),
        ...[...supervisors.values()].flat(),
      ]);
      const audit: AuditEvent[] = [];
      const notices: NotificationInput[] = [];
      const scan = { tx, date, report, affected, audit, recipients };
      for (const row of rows) {
        const type = types.get(row.credential_type_id)!;
        notices.push(...(await this.scanCredential(row, type, superseded.has(row.id), supervisors, scan)));
      }
      await this.audit.recordMany(tx, systemActor('expiry scan'), audit);
      return this.notifications.write(tx, notices, recipients);
    });
  }

  /** One credential: its new standing and transition (audited), and the reminder it owes, claimed once; returns the notices. */
  private async scanCredential(
    row: DueRow,
    type: CredentialType,
    superseded: boolean,
    supervisors: Map<string, string[]>,
    scan: {
      tx: EntityManager;
      date: IsoDate;
      report: ExpiryScanReport;
      affected: Set<string>;
      audit: AuditEvent[];
      recipients: Map<string, Recipient>;
    },
  ): Promise<NotificationInput[]> {
    const { tx, date, report, affected } = scan;
    const outcome = scanOutcome({ expiresOn: row.expires_on, revokedOn: row.revoked_on }, type, date, superseded);
    // Another scan took this credential in the meantime and did all of this already.
    if (!(await this.repo.moveCredential(tx, row, outcome))) return [];
    // A credential seen for the first time (new, renewed, or its dates edited) may change its holder's clearance.
    if (row.standing === null || row.next_check_on === RECHECK_DATE) affected.add(row.person_id);
    if (outcome.standing !== row.standing && !(row.standing === null && outcome.standing === 'active')) {
      await this.repo.insertTransition(tx, row, outcome.standing, date);
      scan.audit.push({
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
    if (!reminder || !row.expires_on) return [];
    // Claimed even when skipped, so a later scan never sends it either; the row says why.
    const skipped = staleReminderReason(reminder, date);
    if (!(await this.repo.claimReminder(tx, row.id, reminder.threshold, date, skipped))) return [];
    if (skipped) {
      report.remindersSkipped++;
      return [];
    }
    report.reminders++;
    return reminderNotices(
      { id: row.id, personId: row.person_id, expiresOn: row.expires_on },
      type,
      reminder,
      date,
      scan.recipients.get(row.person_id),
      supervisors.get(row.person_id) ?? [],
    );
  }

  /** Credentials of this page that a later one of the same type (not revoked, already issued) replaces. */
  private async supersededIds(rows: DueRow[], date: IsoDate): Promise<Set<string>> {
    const personIds = [...new Set(rows.map((r) => r.person_id))];
    const held = new Map<string, Array<{ id: string; expires_on: string | null }>>();
    for (const c of await this.repo.heldCredentials(personIds, date)) {
      const key = `${c.person_id}|${c.credential_type_id}`;
      held.set(key, [...(held.get(key) ?? []), c]);
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
}
