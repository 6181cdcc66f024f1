import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { PeopleModule } from '../people/people.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { ClearanceModule } from '../clearance/clearance.module';
import { SupervisorHomeViews } from './supervisor-home.views';
import { HomeController } from './home.controller';
import { HomeViews } from './home.views';

@Module({
  imports: [PeopleModule, CredentialsModule, SupervisionModule, ClearanceModule],
  controllers: [HomeController],
  providers: [HomeViews, SupervisorHomeViews],
})
export class WebModule {}
