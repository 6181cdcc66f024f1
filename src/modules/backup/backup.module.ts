import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { BackupJobs } from './backup.processor';
import { BackupService } from './backup.service';

/** Backups (CLI and nightly job), the audit anchor job, and restore's file work (restore.ts). */
@Module({
  imports: [NotificationsModule],
  providers: [BackupService, BackupJobs],
  exports: [BackupService],
})
export class BackupModule {}
