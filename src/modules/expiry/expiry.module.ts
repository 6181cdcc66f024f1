import { Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CeModule } from '../ce/ce.module';
import { ClearanceModule } from '../clearance/clearance.module';
import { JobHandlers } from '../jobs/job-handlers';
import { NotificationsModule } from '../notifications/notifications.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { CeSeasonNotices } from './ce-season-notices';
import { ClearanceRecheckService } from './clearance-recheck.service';
import { ExpiryScanService } from './expiry-scan.service';
import { ExpiryRepository } from './expiry.repository';
import { NoticesRepository } from './notices.repository';
import { SupervisorDigestService } from './supervisor-digest.service';

/** The scheduled maintenance work: the daily expiry scan and the weekly supervisor digest. */
@Module({
  imports: [NotificationsModule, ClearanceModule, CeModule, SupervisionModule],
  providers: [
    ExpiryRepository,
    NoticesRepository,
    ClearanceRecheckService,
    ExpiryScanService,
    SupervisorDigestService,
    CeSeasonNotices,
  ],
  exports: [ExpiryScanService, SupervisorDigestService],
})
export class ExpiryModule implements OnModuleInit {
  constructor(
    private readonly handlers: JobHandlers,
    private readonly scan: ExpiryScanService,
    private readonly digest: SupervisorDigestService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.handlers.register('maintenance.expiry-scan', async ({ date }, context) => {
      await this.scan.run(date ?? this.config.today(), context);
    });
    this.handlers.register('maintenance.supervisor-digest', async ({ date }) => {
      await this.digest.run(date ?? this.config.today());
    });
  }
}
