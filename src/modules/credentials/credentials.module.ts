import { Module } from '@nestjs/common';
import { CredentialHooks } from './credential-hooks';
import { CredentialsController } from './credentials.controller';
import { CredentialsPagesController } from './credentials-pages.controller';
import { CredentialsService } from './credentials.service';

@Module({
  controllers: [CredentialsController, CredentialsPagesController],
  providers: [CredentialsService, CredentialHooks],
  exports: [CredentialsService, CredentialHooks],
})
export class CredentialsModule {}
