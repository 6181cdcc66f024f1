import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { RedisModule } from './redis/redis.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { CatalogModule } from './modules/catalog/catalog.module';
import { CertificatesModule } from './modules/certificates/certificates.module';
import { CeModule } from './modules/ce/ce.module';
import { ClearanceModule } from './modules/clearance/clearance.module';
import { CredentialsModule } from './modules/credentials/credentials.module';
import { HealthModule } from './modules/health/health.module';
import { ExpiryModule } from './modules/expiry/expiry.module';
import { JobsAdminModule } from './modules/jobs/jobs-admin.module';
import { JobsModule } from './modules/jobs/jobs.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PeopleModule } from './modules/people/people.module';
import { PersonRecordModule } from './modules/person-record/person-record.module';
import { ReportsModule } from './modules/reports/reports.module';
import { SupervisionModule } from './modules/supervision/supervision.module';
import { TrainingModule } from './modules/training/training.module';
import { BackupModule } from './modules/backup/backup.module';
import { ImportsModule } from './modules/imports/imports.module';
import { SubmissionsModule } from './modules/submissions/submissions.module';
import { WebModule } from './modules/web/web.module';

@Module({})
export class AppModule {
  /** The whole application for one validated configuration (tests build theirs the same way). */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        DatabaseModule,
        RedisModule,
        JobsModule,
        AuditModule,
        AuthModule,
        HealthModule,
        PeopleModule,
        PersonRecordModule,
        CatalogModule,
        ClearanceModule,
        CredentialsModule,
        SupervisionModule,
        CeModule,
        TrainingModule,
        ImportsModule,
        BackupModule,
        SubmissionsModule,
        ReportsModule,
        CertificatesModule,
        NotificationsModule,
        ExpiryModule,
        JobsAdminModule,
        WebModule,
      ],
    };
  }
}
