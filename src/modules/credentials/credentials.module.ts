import { Module } from '@nestjs/common';
import { CredentialHooks } from './credential-hooks';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';

@Module({
  controllers: [CredentialsController],
  providers: [CredentialsService, CredentialHooks],
  exports: [CredentialsService, CredentialHooks],
})
export class CredentialsModule {}
