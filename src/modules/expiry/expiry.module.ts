import { Module } from '@nestjs/common';
import { CeModule } from '../ce/ce.module';
import { ClearanceModule } from '../clearance/clearance.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { CeSeasonNotices } from './ce-season-notices';
import { ClearanceRecheckService } from './clearance-recheck.service';
import { ExpiryScanService } from './expiry-scan.service';
import { ExpiryProcessor } from './expiry.processor';
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
    ExpiryProcessor,
  ],
  exports: [ExpiryScanService, SupervisorDigestService],
})
export class ExpiryModule {}
