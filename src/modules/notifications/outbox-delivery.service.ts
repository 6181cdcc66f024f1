import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { sqlRows } from '../../common/db/sql';
import { WriteLock } from '../../common/db/write-lock';
import { errorText } from '../jobs/job-executor';
import { HandlesJob } from '../jobs/handles-job';
import { JOBS, type JobContext, type JobPayloads } from '../jobs/jobs';
import { MailService } from '../mail/mail.service';
import { NotificationsService } from './notifications.service';

/** How long one delivery holds a message it is sending; another takes over only after this. */
const CLAIM_MS = 2 * 60_000;
/**
 * The sweep re-queues pending messages older than this (their job was lost between commit and queueing).
 * Short, because re-queueing is safe: delivery jobs are keyed by message (`deliver:<id>`), so one
 * whose job still exists is not queued again, and a message already sent is claimed by nobody.
 */
export const SWEEP_AFTER_MS = 20_000;

interface OutboxRow {
  id: string;
  to_address: string;
  subject: string;
  template: string;
  context: string | Record<string, unknown>;
  state: string;
}

/**
 * Sends outbox messages ('notification.deliver'). A message is claimed before sending and marked
 * sent after, both guarded by its state, so two deliveries of one message — a duplicate job, two
 * workers, a retry racing a slow send — send it once; a failure leaves it pending for the job's
 * next try, and failed after the last, with the error, for an admin to retry.
 */
@Injectable()
export class OutboxDeliveryService {
  private readonly logger = new Logger('Outbox');
  private readonly domain: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly notifications: NotificationsService,
    private readonly writeLock: WriteLock,
    config: AppConfig,
  ) {
    this.domain = new URL(config.publicBaseUrl).hostname || hostname();
  }

  @HandlesJob('notification.deliver')
  async handleDeliver({ outboxId }: JobPayloads['notification.deliver'], context: JobContext): Promise<void> {
    await this.deliver(outboxId, context);
  }

  @HandlesJob('maintenance.outbox-sweep')
  async handleSweep({ olderThanMinutes }: JobPayloads['maintenance.outbox-sweep']): Promise<void> {
    await this.sweep(olderThanMinutes === undefined ? undefined : olderThanMinutes * 60_000);
  }

  async deliver(outboxId: string, context: Pick<JobContext, 'attempt'>): Promise<'sent' | 'already sent' | 'gone'> {
    const now = Date.now();
    // Each write takes SQLite's write lock on its own; the SMTP conversation holds nothing.
    const [row] = await this.write<OutboxRow>(
      `UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_until = $1
        WHERE id = $2 AND (state IN ('pending', 'failed') OR (state = 'sending' AND claimed_until < $3))
        RETURNING id, to_address, subject, template, context, state`,
      [now + CLAIM_MS, outboxId, now],
    );
    if (!row) {
      const [current] = await sqlRows<{ state: string }>(this.dataSource, `SELECT state FROM outbox WHERE id = $1`, [
        outboxId,
      ]);
      if (!current) return 'gone';
      if (current.state === 'sent') return 'already sent';
      throw new Error('Another delivery is sending this message right now; trying again later.');
    }
    try {
      await this.mail.send({
        to: row.to_address,
        subject: row.subject,
        template: row.template,
        context: typeof row.context === 'string' ? (JSON.parse(row.context) as Record<string, unknown>) : row.context,
        messageId: `<${row.id}@${this.domain}>`,
      });
    } catch (error) {
      const last = context.attempt >= JOBS['notification.deliver'].attempts;
      await this.write(
        `UPDATE outbox SET state = $1, last_error = $2, claimed_until = NULL WHERE id = $3 AND state = 'sending'`,
        [last ? 'failed' : 'pending', errorText(error), row.id],
      );
      throw error;
    }
    await this.write(
      `UPDATE outbox SET state = 'sent', sent_at = $1, last_error = NULL, claimed_until = NULL WHERE id = $2`,
      [new Date(), row.id],
    );
    return 'sent';
  }

  private write<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return this.writeLock.run(() => sqlRows<T>(this.dataSource, sql, params));
  }

  /** Re-queues delivery of pending messages whose job never got queued (a crash right after commit). */
  async sweep(olderThanMs = SWEEP_AFTER_MS, now = Date.now()): Promise<number> {
    const rows = await sqlRows<{ id: string }>(
      this.dataSource,
      `SELECT id FROM outbox WHERE state = 'pending' AND created_at < $1 ORDER BY created_at LIMIT 5000`,
      [new Date(now - olderThanMs)],
    );
    await this.notifications.enqueue(rows.map((r) => r.id));
    if (rows.length) this.logger.log(`Re-queued ${rows.length} pending e-mail(s).`);
    return rows.length;
  }
}
