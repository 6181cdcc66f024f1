import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { JobCertificateRequests } from '../certificates/job-certificate-requests';
import { CertificateRequests } from '../training/certificate-requests';
import { ImportCheckers } from './import-checkers';
import { ImportsController } from './imports.controller';
import { ImportsPagesController } from './imports-pages.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [CertificatesModule, NotificationsModule],
  controllers: [ImportsController, ImportsPagesController],
  providers: [
    ImportsService,
    ImportCheckers,
    // Certificates drawn for imported completions go through jobs, as a cohort's do.
    { provide: CertificateRequests, useExisting: JobCertificateRequests },
  ],
  exports: [ImportsService],
})
export class ImportsModule {}
