import { Module } from '@nestjs/common';
import { CredentialHooks } from './credential-hooks';
import { CredentialsController } from './credentials.controller';
import { CredentialsPagesController } from './credentials-pages.controller';
import { CredentialsService } from './credentials.service';
import { RevocationConfirmation } from './revocation-confirmation.service';

@Module({
  controllers: [CredentialsController, CredentialsPagesController],
  providers: [CredentialsService, CredentialHooks, RevocationConfirmation],
  exports: [CredentialsService, CredentialHooks, RevocationConfirmation],
})
export class CredentialsModule {}
