import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { formErrorsFrom } from '../../common/http/form-errors';
import { validateForm } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { CredentialType } from '../catalog/credential-type.entity';
import { Person } from '../people/person.entity';
import { Credential, REVOCATION_REASONS, SUSPENSION_REASONS, VERIFICATION_RESULTS } from './credential.entity';
import { CredentialsService } from './credentials.service';
import {
  ChangeExpiryDto,
  RecordCredentialDto,
  RevokeCredentialDto,
  SuspendCredentialDto,
  VerifyCredentialDto,
} from './dto/credential.dto';

type FormBody = Record<string, unknown>;

function credentialView(c: Credential) {
  return {
    id: c.id,
    personId: c.personId,
    credentialTypeId: c.credentialTypeId,
    source: c.source,
    issuedOn: c.issuedOn,
    expiresOn: c.expiresOn,
    expiryNote: c.expiryNote,
    licenceNumber: c.licenceNumber,
    issuingBody: c.issuingBody,
    evidenceNote: c.evidenceNote,
    revokedOn: c.revokedOn,
    suspendedFrom: c.suspendedFrom,
    suspendedUntil: c.suspendedUntil,
    suspensionReason: c.suspensionReason,
    revocationReason: c.revocationReason,
    revocationNote: c.revocationNote,
    verifiedOn: c.verifiedOn,
    verificationResult: c.verificationResult,
  };
}

/** Admins record, revoke and verify credentials (pages and API). */
@ApiTags('credentials')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class CredentialsController {
  constructor(
    private readonly credentials: CredentialsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

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

  @ApiExcludeEndpoint()
  @Get('people/:id/credentials/new')
  async newForm(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    return res.render('credentials/form', await this.formModel(id, {}, null));
  }

  @ApiExcludeEndpoint()
  @Post('people/:id/credentials')
  async recordPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(RecordCredentialDto, body);
    if (value) {
      try {
        await this.credentials.record(id, value, actor);
        return res.redirect(303, `/people/${id}?notice=credential-recorded`);
      } catch (e) {
        return res.status(400).render('credentials/form', await this.formModel(id, body, formErrorsFrom(e)));
      }
    }
    return res.status(400).render('credentials/form', await this.formModel(id, body, errors));
  }

  @ApiExcludeEndpoint()
  @Get('credentials/:id/manage')
  async manage(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    return res.render('credentials/manage', await this.manageModel(id, {}));
  }

  @ApiExcludeEndpoint()
  @Post('credentials/:id/revoke')
  async revokePage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(RevokeCredentialDto, body);
    let problems = errors;
    if (value) {
      try {
        const c = await this.credentials.revoke(id, value, actor);
        return res.redirect(303, `/people/${c.personId}?notice=credential-revoked`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('credentials/manage', await this.manageModel(id, { revokeErrors: problems, revokeValues: body }));
  }

  @ApiExcludeEndpoint()
  @Post('credentials/:id/suspend')
  async suspendPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(SuspendCredentialDto, body);
    let problems = errors;
    if (value) {
      try {
        const c = await this.credentials.suspend(id, value, actor);
        return res.redirect(303, `/people/${c.personId}?notice=credential-suspended`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('credentials/manage', await this.manageModel(id, { suspendErrors: problems, suspendValues: body }));
  }

  @ApiExcludeEndpoint()
  @Post('credentials/:id/expiry')
  async expiryPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(ChangeExpiryDto, body);
    let problems = errors;
    if (value) {
      try {
        const c = await this.credentials.changeExpiry(id, value, actor);
        return res.redirect(303, `/people/${c.personId}?notice=credential-expiry`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('credentials/manage', await this.manageModel(id, { expiryErrors: problems, expiryValues: body }));
  }

  @ApiExcludeEndpoint()
  @Post('credentials/:id/verification')
  async verifyPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(VerifyCredentialDto, body);
    let problems = errors;
    if (value) {
      try {
        const c = await this.credentials.verify(id, value, actor);
        return res.redirect(303, `/people/${c.personId}?notice=credential-verified`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('credentials/manage', await this.manageModel(id, { verifyErrors: problems, verifyValues: body }));
  }

  private async formModel(personId: string, values: object, errors: Record<string, string> | null) {
    const person = await this.dataSource.getRepository(Person).findOneBy({ id: personId });
    if (!person) throw new NotFoundException('No person with that id.');
    const types = await this.dataSource
      .getRepository(CredentialType)
      .find({ where: { active: true }, order: { code: 'ASC' } });
    return {
      title: `Record a credential: ${person.displayName}`,
      person: { id: person.id, name: person.displayName },
      types,
      values,
      errors,
    };
  }

  private async manageModel(id: string, extra: object) {
    const credential = await this.dataSource
      .getRepository(Credential)
      .findOne({ where: { id }, relations: { person: true, credentialType: true } });
    if (!credential) throw new NotFoundException('No credential with that id.');
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
