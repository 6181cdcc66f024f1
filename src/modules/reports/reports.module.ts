import { Module } from '@nestjs/common';
import { ClearanceModule } from '../clearance/clearance.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { DashboardService } from './dashboard.service';
import { ReportsPagesController } from './reports-pages.controller';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { ReportsViews } from './reports.views';
import { CredentialReportsRepository } from './credential-reports.repository';
import { PeopleReportsRepository } from './people-reports.repository';
import { TrainingReportsRepository } from './training-reports.repository';

@Module({
  imports: [ClearanceModule, SupervisionModule],
  controllers: [ReportsController, ReportsPagesController],
  providers: [
    TrainingReportsRepository,
    CredentialReportsRepository,
    PeopleReportsRepository,
    DashboardService,
    ReportsService,
    ReportsViews,
  ],
  exports: [DashboardService, ReportsService],
})
export class ReportsModule {}
