import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CeModule } from '../ce/ce.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PendingReviews } from '../clearance/pending-reviews';
import { EvidenceStorage, LocalEvidenceStorage } from './evidence/evidence-storage';
import { SubmissionLookups } from './submission-lookups';
import { SubmissionsPagesController } from './submissions-pages.controller';
import { SubmissionsController } from './submissions.controller';
import { EvidenceSweepService } from './evidence-sweep.service';
import { SubmissionPendingReviews } from './submission-pending-reviews';
import { SubmissionsService } from './submissions.service';
import { WaitingCountMiddleware } from './waiting-count.middleware';

/**
 * Global so that clearance, a layer below, receives `PendingReviews` by its own token without importing this
 * module (which would point an import up the layers).
 */
@Global()
@Module({
  imports: [CredentialsModule, CeModule, NotificationsModule],
  controllers: [SubmissionsController, SubmissionsPagesController],
  providers: [
    SubmissionsService,
    EvidenceSweepService,
    SubmissionLookups,
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
export class SubmissionsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(WaitingCountMiddleware).forRoutes('{*path}');
  }
}
