import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CeModule } from '../ce/ce.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PendingReviews } from '../clearance/pending-reviews';
import { EvidenceStorage, LocalEvidenceStorage } from './evidence/evidence-storage';
import { SubmissionsController } from './submissions.controller';
import { EvidenceSweepService } from './evidence-sweep.service';
import { SubmissionPendingReviews } from './submission-pending-reviews';
import { SubmissionsService } from './submissions.service';

/**
 * Global so that clearance, a layer below, receives `PendingReviews` by its own token without importing this
 * module (which would point an import up the layers).
 */
@Global()
@Module({
  imports: [CredentialsModule, CeModule, NotificationsModule],
  controllers: [SubmissionsController],
  providers: [
    SubmissionsService,
    EvidenceSweepService,
    // The local folder under DATA_DIR; an object-storage implementation of the same class would slot in here.
    {
      provide: EvidenceStorage,
      useFactory: (config: AppConfig) => new LocalEvidenceStorage(config.dataDir),
      inject: [AppConfig],
    },
    { provide: PendingReviews, useClass: SubmissionPendingReviews },
  ],
  exports: [SubmissionsService, PendingReviews],
})
export class SubmissionsModule {}
