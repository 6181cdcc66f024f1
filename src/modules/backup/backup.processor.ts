import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../../common/db/sql';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { errorText } from '../jobs/job-executor';
import { HandlesJob } from '../jobs/handles-job';
import { JOBS, type JobContext, type JobPayloads } from '../jobs/jobs';
import { NotificationsService } from '../notifications/notifications.service';
import { BackupService } from './backup.service';

/** The nightly jobs that keep the records recoverable: the audit anchor, and the backup when BACKUP_DIR is set. */
@Injectable()
export class BackupJobs {
  private readonly logger = new Logger('Backup');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly backups: BackupService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  @HandlesJob('maintenance.audit-anchor')
  async handleAuditAnchor(_payload: JobPayloads['maintenance.audit-anchor']): Promise<void> {
    const anchor = await this.audit.anchorHead();
    this.logger.log(
      anchor ? `Audit log anchored at entry ${anchor.sequence}.` : 'The audit log is empty: nothing to anchor.',
    );
  }

  /** A failure on the last try tells every active admin, in the app and by e-mail; earlier ones just retry. */
  @HandlesJob('maintenance.backup')
  async handleBackup(payload: JobPayloads['maintenance.backup'], context: JobContext): Promise<void> {
    const dir = this.config.backup.dir;
    if (!dir) return;
    try {
      const { dir: written } = await this.backups.backup(dir);
      const removed = await this.backups.prune(dir, this.config.backup.keep);
      this.logger.log(`Nightly backup in ${written}; ${removed.length} older one(s) removed.`);
    } catch (error) {
      if (context.attempt >= JOBS['maintenance.backup'].attempts) await this.tellAdmins(error, payload.date);
      throw error;
    }
  }

  private async tellAdmins(error: unknown, date: string | undefined): Promise<void> {
    const attempts = JOBS['maintenance.backup'].attempts;
    const outbox = await this.dataSource.transaction(async (tx) => {
      const admins = await sqlRows<{ id: string }>(
        tx,
        `SELECT p.id FROM people p JOIN person_roles r ON r.person_id = p.id WHERE r.role = 'admin' AND p.status = 'active'`,
      );
      const ids = admins.map((a) => a.id);
      const recipients = await this.notifications.recipients(tx, ids);
      const key = `backup-failed:${date ?? new Date().toISOString().slice(0, 10)}`;
      return this.notifications.write(
        tx,
        ids.map((personId) => ({
          personId,
          kind: 'backup-failed',
          title: 'The nightly backup failed',
          body: `The backup did not complete after ${attempts} tries: ${errorText(error)}`,
          link: '/admin/jobs?state=failed',
          dedupeKey: `${key}:${personId}`,
          email: {
            category: 'alert',
            subject: 'The nightly backup failed',
            template: 'backup-failed',
            context: { attempts, error: errorText(error), link: '/admin/jobs?state=failed' },
          },
        })),
        recipients,
      );
    });
    await this.notifications.enqueue(outbox);
  }
}
