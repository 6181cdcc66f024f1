import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { formErrorsFrom } from '../../common/http/form-errors';
import { submitForm } from '../../common/http/form-post';
import type { Actor } from '../../common/auth/actor';
import { PeopleService } from '../people/people.service';
import { AccountLinksService } from './account-links.service';
import { ApiTokensService } from './api-tokens.service';
import type { ApiToken } from './api-token.entity';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { IssueApiTokenDto } from './dto/auth.dto';
import { ExternalIdentitiesRepository } from './external-identities.repository';
import { SsoSignInService } from './sso-sign-in.service';

function tokenView(t: ApiToken) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** Admins manage how a person signs in: invitations and API tokens (pages and API). */
@ApiTags('access')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class PersonAccessController {
  constructor(
    private readonly people: PeopleService,
    private readonly links: AccountLinksService,
    private readonly tokens: ApiTokensService,
    private readonly sso: SsoSignInService,
    private readonly identities: ExternalIdentitiesRepository,
  ) {}

  @ApiExcludeEndpoint()
  @Get('people/:id/access')
  async page(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    return res.render('people/access', await this.model(id, {}));
  }

  @ApiExcludeEndpoint()
  @Post('people/:id/invitation')
  @HttpCode(200)
  async invitePage(@Param('id', new ParseUUIDPipe()) id: string, @RequestActor() actor: Actor, @Res() res: Response) {
    try {
      const { link, expiresAt } = await this.links.invite(id, actor);
      return res.render(
        'people/access',
        await this.model(id, { invitation: { link, expiresAt: expiresAt.toISOString() } }),
      );
    } catch (e) {
      return res.status(400).render('people/access', await this.model(id, { errors: formErrorsFrom(e) }));
    }
  }

  @ApiExcludeEndpoint()
  @Post('people/:id/tokens')
  @HttpCode(200)
  async issuePage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: IssueApiTokenDto,
      body,
      run: (value) => this.tokens.issue(id, value.name, actor),
      // The token is shown once, on this page: it is never stored in a form that could show it again.
      done: async ({ token }) => ({ view: 'people/access', model: await this.model(id, { newToken: token }) }),
      view: 'people/access',
      model: (errors) => this.model(id, { errors, values: body }),
    });
  }

  @ApiExcludeEndpoint()
  @Post('people/:id/tokens/:tokenId/revoke')
  async revokePage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('tokenId', new ParseUUIDPipe()) tokenId: string,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.tokens.revoke(id, tokenId, actor);
    return res.redirect(303, `/people/${id}/access`);
  }

  /** The person signs in with SSO no more until their next SSO sign-in links them again by verified e-mail. */
  @ApiExcludeEndpoint()
  @Post('people/:id/sso/unlink')
  async unlinkPage(@Param('id', new ParseUUIDPipe()) id: string, @RequestActor() actor: Actor, @Res() res: Response) {
    await this.people.get(id);
    await this.sso.unlink(id, actor);
    return res.redirect(303, `/people/${id}/access`);
  }

  @Post('api/v1/people/:id/invitation')
  @ApiOperation({ summary: 'Invite a person to set their password; returns the single-use link (also e-mailed)' })
  async invite(@Param('id', new ParseUUIDPipe()) id: string, @RequestActor() actor: Actor) {
    const { link, expiresAt } = await this.links.invite(id, actor);
    return { link, expiresAt: expiresAt.toISOString() };
  }

  @Get('api/v1/people/:id/tokens')
  @ApiOperation({ summary: "A person's API tokens (never the secrets)" })
  async list(@Param('id', new ParseUUIDPipe()) id: string) {
    await this.people.get(id);
    return (await this.tokens.listFor(id)).map(tokenView);
  }

  @Post('api/v1/people/:id/tokens')
  @ApiOperation({ summary: 'Issue an API token acting as this person; the token is in this response only' })
  async issue(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: IssueApiTokenDto,
    @RequestActor() actor: Actor,
  ) {
    const { token, apiToken } = await this.tokens.issue(id, dto.name, actor);
    return { ...tokenView(apiToken), token };
  }

  @Delete('api/v1/people/:id/tokens/:tokenId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token' })
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('tokenId', new ParseUUIDPipe()) tokenId: string,
    @RequestActor() actor: Actor,
  ) {
    await this.tokens.revoke(id, tokenId, actor);
  }

  private async model(id: string, extra: object) {
    const person = await this.people.get(id);
    const hasPassword = await this.people.hasPassword(id);
    const tokens = (await this.tokens.listFor(id)).map(tokenView);
    const ssoLinks = (await this.identities.listForPerson(id)).map((l) => ({
      email: l.email,
      issuer: l.issuer,
      linkedAt: l.createdAt.toISOString(),
      lastSignInAt: l.lastSignInAt?.toISOString() ?? null,
    }));
    return {
      ssoLinks,
      title: `Access: ${person.displayName}`,
      person: { id: person.id, name: person.displayName, email: person.email, status: person.status },
      hasPassword,
      tokens,
      ...extra,
    };
  }
}
