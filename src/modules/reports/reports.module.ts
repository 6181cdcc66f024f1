import { Module } from '@nestjs/common';
import { ClearanceModule } from '../clearance/clearance.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { DashboardService } from './dashboard.service';
import { ReportsPagesController } from './reports-pages.controller';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

@Module({
  imports: [ClearanceModule, SupervisionModule],
  controllers: [ReportsController, ReportsPagesController],
  providers: [ReportsRepository, DashboardService, ReportsService],
  exports: [DashboardService, ReportsService],
})
export class ReportsModule {}
