import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
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
    // The person is chosen on the form; the API has them in the address, so the DTO does not list them.
    const { personId, ...qualification } = body;
    return submitForm(res, {
      dto: QualifySupervisorDto,
      body: qualification,
      run: (value) => this.supervision.qualify(String(personId ?? ''), value, actor),
      done: () => '/supervision?notice=qualified',
      view: 'supervision/index',
      model: (qualifyErrors) => this.model({ qualifyErrors, qualifyValues: body }),
    });
  }

  @ApiExcludeEndpoint()
  @Post('supervision/assignments')
  async assignPage(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    return submitForm(res, {
      dto: AssignSupervisorDto,
      body,
      run: (value) => this.supervision.assign(value, actor),
      done: () => '/supervision?notice=assigned',
      view: 'supervision/index',
      model: (assignErrors) => this.model({ assignErrors, assignValues: body }),
    });
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
