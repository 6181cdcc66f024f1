import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { PeopleModule } from '../people/people.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { HomeController } from './home.controller';
import { HomeViews } from './home.views';

@Module({
  imports: [PeopleModule, CredentialsModule, SupervisionModule],
  controllers: [HomeController],
  providers: [HomeViews],
})
export class WebModule {}
