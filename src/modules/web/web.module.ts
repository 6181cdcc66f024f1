import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { PeopleModule } from '../people/people.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { TrainingModule } from '../training/training.module';
import { AdminHomeViews } from './admin-home.views';
import { ClearanceModule } from '../clearance/clearance.module';
import { SupervisorHomeViews } from './supervisor-home.views';
import { HomeController } from './home.controller';
import { HomeViews } from './home.views';
import { TrainerHomeViews } from './trainer-home.views';

@Module({
  imports: [PeopleModule, CredentialsModule, SupervisionModule, ClearanceModule, TrainingModule, CertificatesModule],
  controllers: [HomeController],
  providers: [HomeViews, TrainerHomeViews, AdminHomeViews, SupervisorHomeViews],
})
export class WebModule {}
