import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { SupervisionController } from './supervision.controller';
import { SupervisionService } from './supervision.service';

@Module({ imports: [PeopleModule], controllers: [SupervisionController], providers: [SupervisionService], exports: [SupervisionService] })
export class SupervisionModule {}
