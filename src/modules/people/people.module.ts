import { Module } from '@nestjs/common';
import { PeoplePagesController } from './people-pages.controller';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';

@Module({ controllers: [PeopleController, PeoplePagesController], providers: [PeopleService], exports: [PeopleService] })
export class PeopleModule {}
