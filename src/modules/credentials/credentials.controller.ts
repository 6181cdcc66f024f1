import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { CredentialsService } from './credentials.service';
import { credentialView } from './credentials.views';
import {
  ChangeExpiryDto,
  RecordCredentialDto,
  RevokeCredentialDto,
  SuspendCredentialDto,
  VerifyCredentialDto,
} from './dto/credential.dto';

/** Admins record, revoke and verify credentials. */
@ApiTags('credentials')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post('api/v1/people/:id/credentials')
  @ApiOperation({ summary: 'Record a credential a person holds (expiry from the type unless set with a reason)' })
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RecordCredentialDto,
    @RequestActor() actor: Actor,
  ) {
    return credentialView(await this.credentials.record(id, dto, actor));
  }

  @Post('api/v1/credentials/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke from an effective date (may be in the past), with a reason category' })
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RevokeCredentialDto,
    @RequestActor() actor: Actor,
  ) {
    return credentialView(await this.credentials.revoke(id, dto, actor));
  }

  @Post('api/v1/credentials/:id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend from a date (until a date, or open-ended; send again with an end date to end it)' })
  async suspend(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SuspendCredentialDto,
    @RequestActor() actor: Actor,
  ) {
    return credentialView(await this.credentials.suspend(id, dto, actor));
  }

  @Post('api/v1/credentials/:id/expiry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the expiry date of a credential record, with the reason' })
  async changeExpiry(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ChangeExpiryDto,
    @RequestActor() actor: Actor,
  ) {
    return credentialView(await this.credentials.changeExpiry(id, dto, actor));
  }

  @Post('api/v1/credentials/:id/verification')
  @HttpCode(200)
  @ApiOperation({ summary: "Record a primary-source verification against the issuer's licence lookup" })
  async verify(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: VerifyCredentialDto,
    @RequestActor() actor: Actor,
  ) {
    return credentialView(await this.credentials.verify(id, dto, actor));
  }
}
