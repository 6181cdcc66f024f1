import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { LogFormQuery, LogSessionDto } from './dto/supervision.dto';
import { SupervisionService } from './supervision.service';
import { SupervisionViews } from './supervision.views';

/**
 * A supervisor's own supervision pages: "My supervisees" and logging a session with one of them chosen from a
 * picker. Admins keep the program-wide /supervision page; these answer supervisors only, since an admin who
 * supervises nobody would have an empty list.
 */
@ApiExcludeController()
@Roles('supervisor')
@Controller()
export class SupervisorPagesController {
  constructor(
    private readonly supervision: SupervisionService,
    private readonly views: SupervisionViews,
  ) {}

  @Get('supervision/mine')
  async mine(@CurrentUser() user: AuthUser, @Query('notice') notice: string | undefined, @Res() res: Response) {
    const model = await this.views.mine(user, { notice: notice === 'logged' ? 'Session logged.' : undefined });
    return res.render('supervision/mine', model);
  }

  @Get('supervision/mine/log')
  async logForm(@CurrentUser() user: AuthUser, @Query() query: LogFormQuery, @Res() res: Response) {
    return res.render('supervision/log', await this.views.logForm(user, { personId: query.personId }));
  }

  @Post('supervision/mine/sessions')
  async log(
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    // The person comes from the picker; the API has them in the address, so the DTO does not list them.
    const { personId, ...session } = body;
    return submitForm(res, {
      dto: LogSessionDto,
      body: session,
      run: (value) => this.supervision.logForSupervisee(String(personId ?? ''), value, user, actor),
      done: () => '/supervision/mine?notice=logged',
      view: 'supervision/log',
      model: (errors) => this.views.logForm(user, body, { errors }),
    });
  }
}
