import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { PracticeAssignmentsModule } from '../practice-assignments/practice-assignments.module';
import { ClearancePagesController } from './clearance-pages.controller';
import { ClearanceController } from './clearance.controller';
import { ClearanceService } from './clearance.service';
import { ClearanceViews } from './clearance.views';
import { DateOfServiceController } from './date-of-service.controller';
import { DateOfServiceService } from './date-of-service.service';

@Module({
  imports: [CatalogModule, SupervisionModule, PracticeAssignmentsModule],
  controllers: [ClearanceController, ClearancePagesController, DateOfServiceController],
  providers: [ClearanceService, ClearanceViews, DateOfServiceService],
  exports: [ClearanceService],
})
export class ClearanceModule {}
