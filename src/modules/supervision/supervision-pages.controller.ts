import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { AssignSupervisorDto, QualifySupervisorDto } from './dto/supervision.dto';
import { SupervisionService } from './supervision.service';
import { NOTICES, SupervisionViews } from './supervision.views';

type FormBody = Record<string, unknown>;

/** Admins' supervision page: qualified supervisors, who supervises whom, and Board reports due. */
@ApiExcludeController()
@Roles('admin')
@Controller()
export class SupervisionPagesController {
  constructor(
    private readonly supervision: SupervisionService,
    private readonly views: SupervisionViews,
    private readonly config: AppConfig,
  ) {}

  @Get('supervision')
  async page(@Query('notice') notice: string | undefined, @Res() res: Response) {
    return res.render('supervision/index', await this.views.page({ notice: NOTICES[notice ?? ''] }));
  }

  @Post('supervision/qualifications')
  async qualifyPage(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    // The person is chosen on the form; the API has them in the address, so the DTO does not list them.
    const { personId, ...qualification } = body;
    return submitForm(res, {
      dto: QualifySupervisorDto,
      body: qualification,
      run: (value) => this.supervision.qualify(String(personId ?? ''), value, actor),
      done: () => '/supervision?notice=qualified',
      view: 'supervision/index',
      model: (qualifyErrors) => this.views.page({ qualifyErrors, qualifyValues: body }),
    });
  }

  @Post('supervision/assignments')
  async assignPage(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    return submitForm(res, {
      dto: AssignSupervisorDto,
      body,
      run: (value) => this.supervision.assign(value, actor),
      done: () => '/supervision?notice=assigned',
      view: 'supervision/index',
      model: (assignErrors) => this.views.page({ assignErrors, assignValues: body }),
    });
  }

  @Post('supervision/assignments/:id/board-reported')
  async reportedPage(@Param('id', new ParseUUIDPipe()) id: string, @RequestActor() actor: Actor, @Res() res: Response) {
    await this.supervision.markReported(id, this.config.today(), actor);
    return res.redirect(303, '/supervision?notice=reported');
  }
}
