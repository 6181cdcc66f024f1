import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { SupervisionPagesController } from './supervision-pages.controller';
import { SupervisionSessionsController } from './supervision-sessions.controller';
import { SupervisionController } from './supervision.controller';
import { SupervisionRepository } from './supervision.repository';
import { SupervisionService } from './supervision.service';
import { SupervisionViews } from './supervision.views';
import { SupervisorPagesController } from './supervisor-pages.controller';

@Module({
  imports: [PeopleModule],
  controllers: [
    SupervisionController,
    SupervisionPagesController,
    SupervisionSessionsController,
    SupervisorPagesController,
  ],
  providers: [SupervisionRepository, SupervisionService, SupervisionViews],
  exports: [SupervisionService],
})
export class SupervisionModule {}
