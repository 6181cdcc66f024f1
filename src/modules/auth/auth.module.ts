import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MailModule } from '../mail/mail.module';
import { PeopleModule } from '../people/people.module';
import { PeopleService } from '../people/people.service';
import { AccessGuard } from './access.guard';
import { AccountLinksService } from './account-links.service';
import { ApiTokensService } from './api-tokens.service';
import { AuthPagesController } from './auth-pages.controller';
import { AuthService } from './auth.service';
import { FormResultsService } from './form-results.service';
import { LoginThrottleService } from './login-throttle.service';
import { MeController } from './me.controller';
import { PersonAccessController } from './person-access.controller';
import { RateLimitStore } from './rate-limit-store';
import { SessionsService } from './sessions.service';
import { ExternalIdentitiesRepository } from './external-identities.repository';
import { OidcClient } from './oidc-client';
import { OidcLogin } from './oidc-login.service';
import { SsoPagesController } from './sso-pages.controller';
import { SsoSignInService } from './sso-sign-in.service';

@Global()
@Module({
  imports: [MailModule, PeopleModule],
  controllers: [AuthPagesController, SsoPagesController, PersonAccessController, MeController],
  providers: [
    AuthService,
    SessionsService,
    ApiTokensService,
    AccountLinksService,
    LoginThrottleService,
    RateLimitStore,
    FormResultsService,
    ExternalIdentitiesRepository,
    OidcClient,
    OidcLogin,
    SsoSignInService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [
    AuthService,
    SessionsService,
    AccountLinksService,
    RateLimitStore,
    FormResultsService,
    ExternalIdentitiesRepository,
  ],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly people: PeopleService,
    private readonly sessions: SessionsService,
    private readonly tokens: ApiTokensService,
  ) {}

  onModuleInit(): void {
    // Deactivation ends every way in: sessions and API tokens, for good (reactivation does not revive them).
    this.people.onDeactivation(async (tx, personId, actor) => {
      await this.sessions.revokeAll(tx, personId, 'deactivated');
      await this.tokens.revokeAllFor(tx, personId, actor);
    });
  }
}
