import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { submitForm, type FormErrors } from '../../common/http/form-post';
import { REVOCATION_REASONS, SUSPENSION_REASONS, VERIFICATION_RESULTS } from './credential.entity';
import { CredentialsService } from './credentials.service';
import { credentialView, revocationConfirmView } from './credentials.views';
import { RevocationConfirmation } from './revocation-confirmation.service';
import {
  ChangeExpiryDto,
  RecordCredentialDto,
  RevokeCredentialPageDto,
  SuspendCredentialDto,
  VerifyCredentialDto,
} from './dto/credential.dto';

type FormBody = Record<string, unknown>;

/** Admins record a credential for a person, and revoke, suspend, re-date or verify one. */
@ApiExcludeController()
@Roles('admin')
@Controller()
export class CredentialsPagesController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly revocation: RevocationConfirmation,
  ) {}

  @Get('people/:id/credentials/new')
  async newForm(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    return res.render('credentials/form', await this.formModel(id, {}, null));
  }

  @Post('people/:id/credentials')
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: RecordCredentialDto,
      body,
      run: (value) => this.credentials.record(id, value, actor),
      done: () => `/people/${id}?notice=credential-recorded`,
      view: 'credentials/form',
      model: (errors) => this.formModel(id, body, errors),
    });
  }

  @Get('credentials/:id/manage')
  async manage(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    return res.render('credentials/manage', await this.manageModel(id, {}));
  }

  @Post('credentials/:id/revoke')
  // The first step answers with the confirmation page itself (a page, not a created resource).
  @HttpCode(200)
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: RevokeCredentialPageDto,
      body,
      run: (value) => this.revocation.revokeOnceConfirmed(id, value, actor),
      // First the page that says what will happen; the post from there revokes.
      done: ({ preview, revoked }) =>
        preview
          ? revocationConfirmView(preview, `/credentials/${id}/revoke`, `/credentials/${id}/manage`)
          : `/people/${revoked.personId}?notice=credential-revoked`,
      view: 'credentials/manage',
      model: (revokeErrors) => this.manageModel(id, { revokeErrors, revokeValues: body }),
    });
  }

  @Post('credentials/:id/suspend')
  async suspend(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: SuspendCredentialDto,
      body,
      run: (value) => this.credentials.suspend(id, value, actor),
      done: (c) => `/people/${c.personId}?notice=credential-suspended`,
      view: 'credentials/manage',
      model: (suspendErrors) => this.manageModel(id, { suspendErrors, suspendValues: body }),
    });
  }

  @Post('credentials/:id/expiry')
  async changeExpiry(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: ChangeExpiryDto,
      body,
      run: (value) => this.credentials.changeExpiry(id, value, actor),
      done: (c) => `/people/${c.personId}?notice=credential-expiry`,
      view: 'credentials/manage',
      model: (expiryErrors) => this.manageModel(id, { expiryErrors, expiryValues: body }),
    });
  }

  @Post('credentials/:id/verification')
  async verify(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: VerifyCredentialDto,
      body,
      run: (value) => this.credentials.verify(id, value, actor),
      done: (c) => `/people/${c.personId}?notice=credential-verified`,
      view: 'credentials/manage',
      model: (verifyErrors) => this.manageModel(id, { verifyErrors, verifyValues: body }),
    });
  }

  private async formModel(personId: string, values: object, errors: FormErrors | null) {
    const { person, types } = await this.credentials.recordingFor(personId);
    return {
      title: `Record a credential: ${person.displayName}`,
      person: { id: person.id, name: person.displayName },
      types,
      values,
      errors,
    };
  }

  private async manageModel(id: string, extra: object) {
    const credential = await this.credentials.getWithHolder(id);
    return {
      title: `${credential.credentialType.code}: ${credential.person.displayName}`,
      credential: {
        ...credentialView(credential),
        code: credential.credentialType.code,
        typeName: credential.credentialType.name,
        termsPublished: credential.credentialType.termsPublished,
        personName: credential.person.displayName,
      },
      reasons: REVOCATION_REASONS,
      suspensionReasons: SUSPENSION_REASONS,
      results: VERIFICATION_RESULTS,
      ...extra,
    };
  }
}
