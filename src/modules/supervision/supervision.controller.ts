import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { formErrorsFrom } from '../../common/http/form-errors';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { PeopleService } from '../people/people.service';
import { AssignSupervisorDto, EndDto, QualifySupervisorDto } from './dto/supervision.dto';
import { SupervisionService } from './supervision.service';

type FormBody = Record<string, unknown>;
const NOTICES: Record<string, string> = {
  qualified: 'Qualification recorded.',
  assigned: 'Supervisor assigned.',
  ended: 'Supervision ended.',
  reported: 'Marked as reported to the Board.',
};

/** Admins manage qualified supervisors and who supervises whom (pages and API). */
@ApiTags('supervision')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class SupervisionController {
  constructor(
    private readonly supervision: SupervisionService,
    private readonly people: PeopleService,
    private readonly config: AppConfig,
  ) {}

  @Get('api/v1/supervision')
  @ApiOperation({ summary: 'Qualified supervisors, current assignments and Board reports due' })
  overview() {
    return this.supervision.overview();
  }

  @Post('api/v1/people/:id/supervisor-qualifications')
  @ApiOperation({ summary: 'Record that a supervisor is qualified (with their licence) for a period' })
  qualify(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: QualifySupervisorDto,
    @RequestActor() actor: Actor,
  ) {
    return this.supervision.qualify(id, dto, actor);
  }

  @Post('api/v1/supervision/assignments')
  @ApiOperation({
    summary:
      'Assign a peer to a supervisor from a date (ends the current one the day before; a change is due to the Board within 20 business days)',
  })
  assign(@Body() dto: AssignSupervisorDto, @RequestActor() actor: Actor) {
    return this.supervision.assign(dto, actor);
  }

  @Post('api/v1/supervision/assignments/:id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a supervision assignment on a date' })
  end(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: EndDto, @RequestActor() actor: Actor) {
    return this.supervision.end(id, dto.endsOn, actor);
  }

  @Post('api/v1/supervision/assignments/:id/board-reported')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record that a change of supervisor was reported to the Board today' })
  reported(@Param('id', new ParseUUIDPipe()) id: string, @RequestActor() actor: Actor) {
    return this.supervision.markReported(id, this.config.today(), actor);
  }

  @ApiExcludeEndpoint()
  @Get('supervision')
  async page(@Query('notice') notice: string | undefined, @Res() res: Response) {
    return res.render('supervision/index', await this.model({ notice: NOTICES[notice ?? ''] }));
  }

  @ApiExcludeEndpoint()
  @Post('supervision/qualifications')
  async qualifyPage(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    const { value, errors } = await validateForm(QualifySupervisorDto, body);
    let problems = errors;
    if (value) {
      try {
        await this.supervision.qualify(String(body.personId ?? ''), value, actor);
        return res.redirect(303, '/supervision?notice=qualified');
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('supervision/index', await this.model({ qualifyErrors: problems, qualifyValues: body }));
  }

  @ApiExcludeEndpoint()
  @Post('supervision/assignments')
  async assignPage(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    const { value, errors } = await validateForm(AssignSupervisorDto, body);
    let problems = errors;
    if (value) {
      try {
        await this.supervision.assign(value, actor);
        return res.redirect(303, '/supervision?notice=assigned');
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('supervision/index', await this.model({ assignErrors: problems, assignValues: body }));
  }

  @ApiExcludeEndpoint()
  @Post('supervision/assignments/:id/board-reported')
  async reportedPage(@Param('id', new ParseUUIDPipe()) id: string, @RequestActor() actor: Actor, @Res() res: Response) {
    await this.supervision.markReported(id, this.config.today(), actor);
    return res.redirect(303, '/supervision?notice=reported');
  }

  private async model(extra: object) {
    const [overview, supervisors, peers] = await Promise.all([
      this.supervision.overview(),
      this.people.findByRole('supervisor'),
      this.people.findByRole('peer'),
    ]);
    return { title: 'Supervision', ...overview, supervisors, peers, ...extra };
  }
}
