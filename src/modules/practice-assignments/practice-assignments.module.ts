import { Module } from '@nestjs/common';
import { SupervisionModule } from '../supervision/supervision.module';
import { PracticeAssignmentsController } from './practice-assignments.controller';
import { PracticeAssignmentsRepository } from './practice-assignments.repository';
import { PracticeAssignmentsService } from './practice-assignments.service';

@Module({
  imports: [SupervisionModule],
  controllers: [PracticeAssignmentsController],
  providers: [PracticeAssignmentsRepository, PracticeAssignmentsService],
  exports: [PracticeAssignmentsService],
})
export class PracticeAssignmentsModule {}
