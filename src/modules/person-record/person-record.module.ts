import { Module } from '@nestjs/common';
import { CeModule } from '../ce/ce.module';
import { CertificatesModule } from '../certificates/certificates.module';
import { PeopleModule } from '../people/people.module';
import { PracticeAssignmentsModule } from '../practice-assignments/practice-assignments.module';
import { PracticeRolesPagesController } from './practice-roles-pages.controller';
import { PeoplePagesController } from './people-pages.controller';
import { PersonRecordController } from './person-record.controller';
import { PersonRecordService } from './person-record.service';

/** The person pages and the person record: above people, CE, certificates and credentials, which it shows. */
@Module({
  imports: [PeopleModule, CeModule, CertificatesModule, PracticeAssignmentsModule],
  controllers: [PersonRecordController, PeoplePagesController, PracticeRolesPagesController],
  providers: [PersonRecordService],
})
export class PersonRecordModule {}
