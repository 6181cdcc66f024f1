import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CeModule } from '../ce/ce.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { EvidenceStorage, LocalEvidenceStorage } from './evidence/evidence-storage';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsService } from './submissions.service';

@Module({
  imports: [CredentialsModule, CeModule, NotificationsModule],
  controllers: [SubmissionsController],
  providers: [
    SubmissionsService,
    // The local folder under DATA_DIR; an object-storage implementation of the same class would slot in here.
    {
      provide: EvidenceStorage,
      useFactory: (config: AppConfig) => new LocalEvidenceStorage(config.dataDir),
      inject: [AppConfig],
    },
  ],
  exports: [SubmissionsService],
})
export class SubmissionsModule {}
