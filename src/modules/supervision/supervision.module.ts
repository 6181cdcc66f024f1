import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { SupervisionSessionsController } from './supervision-sessions.controller';
import { SupervisionController } from './supervision.controller';
import { SupervisionRepository } from './supervision.repository';
import { SupervisionService } from './supervision.service';

@Module({
  imports: [PeopleModule],
  controllers: [SupervisionController, SupervisionSessionsController],
  providers: [SupervisionRepository, SupervisionService],
  exports: [SupervisionService],
})
export class SupervisionModule {}
