import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { AssignSupervisorDto, EndDto, QualifySupervisorDto } from './dto/supervision.dto';
import { SupervisionService } from './supervision.service';

/** Admins manage qualified supervisors and who supervises whom (the API; the page is supervision-pages.controller.ts). */
@ApiTags('supervision')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class SupervisionController {
  constructor(
    private readonly supervision: SupervisionService,
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
}
