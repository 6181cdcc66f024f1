import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { submitForm } from '../../common/http/form-post';
import { AttendanceService } from './attendance.service';
import { AttendanceFormDto, attendanceBody, attendanceDraft } from './dto/training-forms';
import { attendanceProblems, NOTICES, TrainingViews } from './training.views';

/** The attendance grid of a cohort: people by sessions, a make-up attendee, everyone present at once. */
@ApiExcludeController()
@Controller('training')
@Roles('trainer', 'admin')
export class TrainingAttendancePagesController {
  constructor(
    private readonly attendance: AttendanceService,
    private readonly views: TrainingViews,
  ) {}

  @Get('cohorts/:id/attendance')
  async grid(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render(
      'training/attendance',
      await this.views.attendanceModel(id, user, { notice: NOTICES[notice ?? ''] }),
    );
  }

  @Post('cohorts/:id/attendance')
  async save(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { records, makeUp } = attendanceDraft(body);
    return submitForm(res, {
      dto: AttendanceFormDto,
      body: attendanceBody(body),
      run: (value) => this.attendance.record(id, value.withMakeUp(), user, actor),
      done: () => `/training/cohorts/${id}/attendance?notice=attendance`,
      view: 'training/attendance',
      model: (errors) =>
        this.views.attendanceModel(id, user, { ...attendanceProblems(errors, records, makeUp), submitted: records }),
    });
  }

  @Post('sessions/:id/everyone-present')
  async everyonePresent(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { cohortId } = await this.attendance.everyonePresent(id, user, actor);
    return res.redirect(303, `/training/cohorts/${cohortId}/attendance?notice=attendance`);
  }
}
