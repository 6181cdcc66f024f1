import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AttendanceService } from './attendance.service';
import { CertificatesModule } from '../certificates/certificates.module';
import { JobCertificateRequests } from '../certificates/job-certificate-requests';
import { CertificateRequests } from './certificate-requests';
import { CohortsService } from './cohorts.service';
import { CompletionService } from './completion.service';
import { CoursesService } from './courses.service';
import { EnrollmentsService } from './enrollments.service';
import { MyTrainingController } from './my-training.controller';
import { RosterImportService } from './roster-import.service';
import { MyTrainingService } from './my-training.service';
import { TrainingAttendancePagesController } from './training-attendance-pages.controller';
import { TrainingCohortsPagesController } from './training-cohorts-pages.controller';
import { TrainingCompletionPagesController } from './training-completion-pages.controller';
import { TrainingCoursesPagesController } from './training-courses-pages.controller';
import { TrainerWorkService } from './trainer-work.service';
import { SessionScheduleService } from './session-schedule.service';
import { TrainingViews } from './training.views';
import { TrainingController } from './training.controller';

@Module({
  imports: [CatalogModule, CertificatesModule],
  controllers: [
    TrainingController,
    TrainingCoursesPagesController,
    TrainingCohortsPagesController,
    TrainingAttendancePagesController,
    TrainingCompletionPagesController,
    MyTrainingController,
  ],
  providers: [
    TrainingViews,
    CoursesService,
    CohortsService,
    SessionScheduleService,
    EnrollmentsService,
    RosterImportService,
    AttendanceService,
    CompletionService,
    MyTrainingService,
    TrainerWorkService,
    // Awards become certificates through jobs (one per credential), never in the completing request.
    { provide: CertificateRequests, useExisting: JobCertificateRequests },
  ],
  exports: [CoursesService, MyTrainingService, TrainerWorkService],
})
export class TrainingModule {}
