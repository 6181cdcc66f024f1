import { Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeController, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { RequestActor, Roles } from '../../common/auth/decorators';
import { JobsAdminService } from './jobs-admin.service';
import { JobsAdminViews } from './jobs-admin.views';
import { QUEUE_NAMES } from './jobs';

/** Job ids are "<queue>.<id>" (BullMQ) or UUIDs (in-process): letters, digits and . _ - : % only. */
const JOB_ID = /^[\w.:%-]{1,300}$/;

function checkedId(id: string): string {
  return JOB_ID.test(id) ? id : '-';
}

@ApiTags('jobs')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/jobs')
export class JobsAdminApiController {
  constructor(private readonly jobs: JobsAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Counts per queue and state, recent jobs (filtered) and recent failures with their errors' })
  @ApiQuery({ name: 'queue', required: false, enum: QUEUE_NAMES })
  @ApiQuery({ name: 'state', required: false, enum: ['waiting', 'delayed', 'active', 'completed', 'failed'] })
  overview(@Query('queue') queue?: string, @Query('state') state?: string) {
    return this.jobs.overview({ queue, state });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job: state, progress, tries, error' })
  get(@Param('id') id: string) {
    return this.jobs.get(checkedId(id));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a failed job again from its first try' })
  retry(@Param('id') id: string, @RequestActor() actor: Actor) {
    return this.jobs.act(checkedId(id), 'retry', actor);
  }

  @Post(':id/promote')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a delayed job (waiting for its next try) now' })
  promote(@Param('id') id: string, @RequestActor() actor: Actor) {
    return this.jobs.act(checkedId(id), 'promote', actor);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove a job that is not running' })
  remove(@Param('id') id: string, @RequestActor() actor: Actor) {
    return this.jobs.act(checkedId(id), 'remove', actor);
  }
}

@ApiExcludeController()
@Roles('admin')
@Controller('admin/jobs')
export class JobsAdminPagesController {
  constructor(
    private readonly jobs: JobsAdminService,
    private readonly views: JobsAdminViews,
  ) {}

  @Get()
  async page(
    @Query('queue') queue: string | undefined,
    @Query('state') state: string | undefined,
    @Query('notice') notice: string | undefined,
    @Res() res: Response,
  ) {
    return res.render('jobs/admin', await this.views.page({ queue, state }, notice));
  }

  @Post(':id/:action')
  async act(
    @Param('id') id: string,
    @Param('action') action: string,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    if (action !== 'retry' && action !== 'remove' && action !== 'promote')
      throw new NotFoundException({ statusCode: 404, message: 'There is no such action.', errors: [] });
    await this.jobs.act(checkedId(id), action, actor);
    return res.redirect(303, `/admin/jobs?notice=${action}`);
  }
}
