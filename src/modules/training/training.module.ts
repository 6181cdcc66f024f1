import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AttendanceService } from './attendance.service';
import { CertificateRequests, LoggedCertificateRequests } from './certificate-requests';
import { CohortsService } from './cohorts.service';
import { CompletionService } from './completion.service';
import { CoursesService } from './courses.service';
import { EnrollmentsService } from './enrollments.service';
import { MyTrainingController } from './my-training.controller';
import { MyTrainingService } from './my-training.service';
import { TrainingPagesController } from './training-pages.controller';
import { TrainingController } from './training.controller';

@Module({
  imports: [CatalogModule],
  controllers: [TrainingController, TrainingPagesController, MyTrainingController],
  providers: [
    CoursesService,
    CohortsService,
    EnrollmentsService,
    AttendanceService,
    CompletionService,
    MyTrainingService,
    // The certificates feature replaces this binding with its job-backed implementation.
    { provide: CertificateRequests, useClass: LoggedCertificateRequests },
  ],
  exports: [CoursesService, MyTrainingService],
})
export class TrainingModule {}
