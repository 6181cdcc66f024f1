import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type {} from 'multer';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { submitForm } from '../../common/http/form-post';
import { FormResultsService } from '../auth/form-results.service';
import { COHORT_STATUSES } from './cohort.entity';
import { CohortsService } from './cohorts.service';
import { CohortListQuery, CohortPageQuery } from './dto/cohort-list.query';
import { CohortDto, CohortStatusDto, EnrollDto, SessionScheduleDto, TrainingSessionDto } from './dto/training.dto';
import { EnrollmentsService } from './enrollments.service';
import { RosterImportService, type RosterImportResult } from './roster-import.service';
import { SessionScheduleService } from './session-schedule.service';
import { ROSTER_UPLOAD } from './training.controller';
import { cohortPageNotices, TrainingViews } from './training.views';

const NO_FILE: RosterImportResult = {
  ok: false,
  fileError: 'Choose a CSV file to import.',
  errors: [],
  errorCount: 0,
  rejectedLinesUrl: null,
  enrolled: 0,
  skipped: 0,
};

interface KeptRoster {
  result: RosterImportResult;
  fileName: string;
}

/** The trainer's cohorts: the list, a cohort with its sessions and roster, and the forms that change them. */
@ApiExcludeController()
@Controller('training')
@Roles('trainer', 'admin')
export class TrainingCohortsPagesController {
  constructor(
    private readonly cohorts: CohortsService,
    private readonly enrollments: EnrollmentsService,
    private readonly rosterImport: RosterImportService,
    private readonly schedule: SessionScheduleService,
    private readonly results: FormResultsService,
    private readonly views: TrainingViews,
  ) {}

  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() query: CohortListQuery, @Res() res: Response) {
    const cohorts = await this.cohorts.list(user, { status: query.status });
    return res.render('training/cohorts', {
      title: 'Training',
      cohorts,
      status: query.status,
      statuses: COHORT_STATUSES,
      isAdmin: hasRole(user, 'admin'),
    });
  }

  @Get('cohorts/new')
  async newCohort(
    @CurrentUser() user: AuthUser,
    @Query('courseId') courseId: string | undefined,
    @Res() res: Response,
  ) {
    const values = { courseId, trainerIds: [user.id], setting: 'clinic' };
    return res.render('training/cohort-form', await this.views.cohortFormModel(null, user, { values, errors: {} }));
  }

  @Post('cohorts')
  async create(
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: CohortDto,
      body,
      run: (value) => this.cohorts.create(value, user, actor),
      done: (cohort) => `/training/cohorts/${cohort.id}?notice=created`,
      view: 'training/cohort-form',
      model: (errors) => this.views.cohortFormModel(null, user, { values: body, errors }),
    });
  }

  @Get('cohorts/:id')
  async show(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CohortPageQuery,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('training/cohort', await this.views.cohortModel(id, user, cohortPageNotices(query)));
  }

  /** A refused roster import, read back for whoever posted it (a 303 from the upload lands here). */
  @Get('cohorts/:id/roster-imports/:resultId')
  async rosterResult(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('resultId', new ParseUUIDPipe()) resultId: string,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const { result, fileName } = await this.results.read<KeptRoster>(resultId, user.id, `roster-import:${id}`);
    const model = await this.views.cohortModel(id, user, { roster: result, rosterFile: fileName });
    return res.render('training/cohort', model);
  }

  @Get('cohorts/:id/edit')
  async edit(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const cohort = await this.cohorts.get(id, user);
    const values = { ...cohort, trainerIds: cohort.trainers.map((t) => t.id) };
    return res.render('training/cohort-form', await this.views.cohortFormModel(cohort, user, { values, errors: {} }));
  }

  @Post('cohorts/:id')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const cohort = await this.cohorts.get(id, user);
    const input = { ...body, courseId: cohort.courseId };
    return submitForm(res, {
      dto: CohortDto,
      body: input,
      run: (value) => this.cohorts.update(id, value, user, actor),
      done: () => `/training/cohorts/${id}?notice=saved`,
      view: 'training/cohort-form',
      model: (errors) => this.views.cohortFormModel(cohort, user, { values: input, errors }),
    });
  }

  @Post('cohorts/:id/status')
  async setStatus(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: CohortStatusDto,
      body,
      run: async (value) => (await this.cohorts.setStatus(id, value, user, actor), value.status),
      done: (status) => `/training/cohorts/${id}?notice=${status}`,
      view: 'training/cohort',
      model: (errors) => this.views.cohortModel(id, user, { statusError: errors.status ?? errors.form }),
    });
  }

  @Post('cohorts/:id/sessions')
  async addSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: TrainingSessionDto,
      body,
      run: (value) => this.cohorts.addSession(id, value, user, actor),
      done: () => `/training/cohorts/${id}?notice=session-added#sessions`,
      view: 'training/cohort',
      model: (sessionErrors) => this.views.cohortModel(id, user, { sessionErrors, sessionValues: body }),
    });
  }

  /** A repeating schedule: every session in one step; the days' modules are ticked afterwards. */
  @Post('cohorts/:id/sessions/schedule')
  async addSchedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: SessionScheduleDto,
      body,
      run: (value) => this.schedule.addSchedule(id, value, user, actor),
      done: (sessions) => `/training/cohorts/${id}?notice=scheduled&count=${sessions.length}#sessions`,
      view: 'training/cohort',
      model: (scheduleErrors) => this.views.cohortModel(id, user, { scheduleErrors, scheduleValues: body }),
    });
  }

  @Get('sessions/:id/edit')
  async editSession(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { session, cohort } = await this.cohorts.managedSession(id, user);
    const values = { ...session, moduleIds: session.modules.map((m) => m.id) };
    return res.render(
      'training/session-form',
      await this.views.sessionFormModel(cohort, session.id, { values, errors: {} }),
    );
  }

  @Post('sessions/:id')
  async changeSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { cohort } = await this.cohorts.managedSession(id, user);
    return submitForm(res, {
      dto: TrainingSessionDto,
      body,
      run: (value) => this.cohorts.changeSession(id, value, user, actor),
      done: () => `/training/cohorts/${cohort.id}?notice=session-changed#sessions`,
      view: 'training/session-form',
      model: (errors) => this.views.sessionFormModel(cohort, id, { values: body, errors }),
    });
  }

  @Post('sessions/:id/cancel')
  async cancelSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const session = await this.cohorts.cancelSession(id, user, actor);
    return res.redirect(303, `/training/cohorts/${session.cohortId}?notice=session-cancelled#sessions`);
  }

  @Post('cohorts/:id/enrollments')
  async enroll(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: EnrollDto,
      body,
      run: (value) => this.enrollments.enroll(id, value.personId, user, actor),
      done: (enrollment) => `/training/cohorts/${id}?notice=${enrollment.status}#roster`,
      view: 'training/cohort',
      model: (errors) => this.views.cohortModel(id, user, { enrollError: errors.personId ?? errors.form }),
    });
  }

  @Post('enrollments/:id/withdraw')
  async withdraw(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const enrollment = await this.enrollments.withdraw(id, user, actor);
    return res.redirect(303, `/training/cohorts/${enrollment.cohortId}?notice=withdrawn#roster`);
  }

  /**
   * An empty post is refused on the form (400). A file's answer is a 303 to a GET page: the cohort
   * with the counts when it was imported, or the refused lines, kept for the uploader only.
   */
  @Post('cohorts/:id/roster')
  @UseInterceptors(ROSTER_UPLOAD)
  async importRoster(
    @Param('id', new ParseUUIDPipe()) id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    if (!file || file.size === 0) {
      const model = await this.views.cohortModel(id, user, { roster: NO_FILE });
      return res.status(400).render('training/cohort', model);
    }
    const result = await this.rosterImport.importRoster(id, file.buffer.toString('utf8'), user, actor);
    if (result.ok)
      return res.redirect(303, `/training/cohorts/${id}?imported=${result.enrolled}&skipped=${result.skipped}#roster`);
    const kept: KeptRoster = { result, fileName: file.originalname };
    const resultId = await this.results.keep(user.id, `roster-import:${id}`, kept);
    return res.redirect(303, `/training/cohorts/${id}/roster-imports/${resultId}#roster`);
  }
}
