import { Module } from '@nestjs/common';
import { CeModule } from '../ce/ce.module';
import { CertificatesModule } from '../certificates/certificates.module';
import { PeoplePagesController } from './people-pages.controller';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';

@Module({
  imports: [CeModule, CertificatesModule],
  controllers: [PeopleController, PeoplePagesController],
  providers: [PeopleService],
  exports: [PeopleService],
})
export class PeopleModule {}
