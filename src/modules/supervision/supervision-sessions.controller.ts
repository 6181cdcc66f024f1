import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { LogSessionDto } from './dto/supervision.dto';
import { SupervisionService } from './supervision.service';

/** Supervision sessions: logged and attested by the supervisor, seen by the peer, their supervisor and admins. */
@ApiTags('supervision')
@ApiBearerAuth()
@Controller()
export class SupervisionSessionsController {
  constructor(private readonly supervision: SupervisionService) {}

  @Get('api/v1/people/:id/supervision-sessions')
  @ApiOperation({ summary: "A peer's logged supervision sessions, newest first" })
  async list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return (await this.supervision.sessionsFor(id, user)).sessions;
  }

  @Post('api/v1/people/:id/supervision-sessions')
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Log and attest a supervision session with one of your supervisees (no client information)',
  })
  log(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: LogSessionDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.supervision.logSession(id, dto, user, actor);
  }

  @ApiExcludeEndpoint()
  @Get('people/:id/supervision')
  async page(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @Query('notice') notice: string | undefined,
    @Res() res: Response,
  ) {
    return res.render(
      'supervision/sessions',
      await this.model(id, user, { notice: notice === 'logged' ? 'Session logged.' : undefined }),
    );
  }

  @ApiExcludeEndpoint()
  @Post('people/:id/supervision-sessions')
  @Roles('supervisor')
  async logPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.supervision.sessionsFor(id, user); // 404 for a peer out of the supervisor's scope
    return submitForm(res, {
      dto: LogSessionDto,
      body,
      run: (value) => this.supervision.logSession(id, value, user, actor),
      done: () => `/people/${id}/supervision?notice=logged`,
      view: 'supervision/sessions',
      model: (errors) => this.model(id, user, { errors, values: body }),
    });
  }

  private async model(id: string, user: AuthUser, extra: object) {
    const data = await this.supervision.sessionsFor(id, user);
    const minutes = data.sessions.reduce((n, s) => n + s.minutes, 0);
    return {
      title: `Supervision: ${data.peer.name}`,
      ...data,
      totalHours: (minutes / 60).toFixed(2).replace(/\.?0+$/, ''),
      values: {},
      ...extra,
    };
  }
}
