import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { PeopleModule } from '../people/people.module';
import { HomeController } from './home.controller';

@Module({ imports: [PeopleModule, CredentialsModule], controllers: [HomeController] })
export class WebModule {}
