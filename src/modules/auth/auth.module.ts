import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MailModule } from '../mail/mail.module';
import { PeopleModule } from '../people/people.module';
import { AccessGuard } from './access.guard';
import { AccountLinksService } from './account-links.service';
import { ApiTokensService } from './api-tokens.service';
import { AuthPagesController } from './auth-pages.controller';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { MeController } from './me.controller';
import { PersonAccessController } from './person-access.controller';
import { SessionsService } from './sessions.service';

@Global()
@Module({
  imports: [MailModule, PeopleModule],
  controllers: [AuthPagesController, PersonAccessController, MeController],
  providers: [
    AuthService,
    SessionsService,
    ApiTokensService,
    AccountLinksService,
    LoginThrottleService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, SessionsService, AccountLinksService],
})
export class AuthModule {}
