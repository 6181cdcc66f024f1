import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type {} from 'multer';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { FileUploadInterceptor } from '../auth/file-upload.interceptor';
import { CohortListQuery } from './dto/cohort-list.query';
import { AttendanceService } from './attendance.service';
import { CohortsService } from './cohorts.service';
import { CompletionService } from './completion.service';
import { CoursesService } from './courses.service';
import {
  AttendanceDto,
  CohortDto,
  CohortStatusDto,
  CompleteCohortDto,
  CourseDto,
  EnrollDto,
  ExamAttemptDto,
  SessionScheduleDto,
  TrainingSessionDto,
} from './dto/training.dto';
import { EnrollmentsService } from './enrollments.service';
import { rosterImportedMessage, RosterImportService, type RosterImportResult } from './roster-import.service';
import { enrollmentView } from './training.views';
import { MyTrainingService } from './my-training.service';
import { SessionScheduleService } from './session-schedule.service';

/** A roster of up to 2 MB: far more than any cohort. */
export const ROSTER_UPLOAD = FileUploadInterceptor('file', { limits: { fileSize: 2 * 1024 * 1024, files: 1 } });

/**
 * The API answer for a rejected roster: the one error shape, one error per bad line (the first 100),
 * and in `details` how many lines were bad in all and where the CSV of every one can be downloaded.
 */
export function rosterRejection(result: RosterImportResult): BadRequestException {
  const shown = result.errors.length < result.errorCount ? ` The first ${result.errors.length} are listed.` : '';
  const message = result.fileError ?? `${result.errorCount} row(s) have problems; nothing was imported.${shown}`;
  return new BadRequestException({
    statusCode: 400,
    message,
    errors: result.fileError
      ? [{ field: 'file', message: result.fileError }]
      : result.errors.map((e) => ({ field: `line ${e.line}`, message: e.message })),
    details: result.fileError
      ? undefined
      : { errorCount: result.errorCount, rejectedLinesUrl: result.rejectedLinesUrl },
  });
}

@ApiTags('training')
@ApiBearerAuth()
@Controller('api/v1')
export class TrainingController {
  constructor(
    private readonly courses: CoursesService,
    private readonly cohorts: CohortsService,
    private readonly enrollments: EnrollmentsService,
    private readonly rosterImport: RosterImportService,
    private readonly attendance: AttendanceService,
    private readonly completion: CompletionService,
    private readonly myTraining: MyTrainingService,
    private readonly schedule: SessionScheduleService,
  ) {}

  @Get('courses')
  @ApiOperation({ summary: 'The course catalogue, with modules' })
  listCourses() {
    return this.courses.list();
  }

  @Get('courses/:id')
  getCourse(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.courses.get(id);
  }

  @Post('courses')
  @Roles('admin')
  @ApiOperation({ summary: 'Add a course' })
  createCourse(@Body() dto: CourseDto, @RequestActor() actor: Actor) {
    return this.courses.create(dto, actor);
  }

  @Put('courses/:id')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Change a course; modules listed with their id change in place, modules left out are removed when no session covers them',
  })
  updateCourse(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: CourseDto, @RequestActor() actor: Actor) {
    return this.courses.update(id, dto, actor);
  }

  @Get('cohorts')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Cohorts you run (all of them for an admin), with counts' })
  async listCohorts(@CurrentUser() user: AuthUser, @Query() query: CohortListQuery) {
    return (await this.cohorts.list(user, { status: query.status })).map(({ cohort, ...counts }) => ({
      ...cohort,
      ...counts,
    }));
  }

  @Post('cohorts')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Plan a cohort of a course' })
  createCohort(@Body() dto: CohortDto, @CurrentUser() user: AuthUser, @RequestActor() actor: Actor) {
    return this.cohorts.create(dto, user, actor);
  }

  @Get('cohorts/:id')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'A cohort with its sessions and roster (wait list and withdrawals included)' })
  async getCohort(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    const cohort = await this.cohorts.get(id, user);
    const [sessions, roster] = await Promise.all([this.cohorts.sessions(id), this.enrollments.roster(id)]);
    return { ...cohort, sessions, roster: roster.map(enrollmentView) };
  }

  @Put('cohorts/:id')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Change a cohort; more capacity promotes from the wait list' })
  updateCohort(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: CohortDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.cohorts.update(id, dto, user, actor);
  }

  @Post('cohorts/:id/status')
  @HttpCode(200)
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Mark a cohort planned, running or cancelled (completion has its own endpoint)' })
  setStatus(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: CohortStatusDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.cohorts.setStatus(id, dto, user, actor);
  }

  @Post('cohorts/:id/sessions')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Add a session (local date and times in the program time zone, modules covered, hours)' })
  addSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: TrainingSessionDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.cohorts.addSession(id, dto, user, actor);
  }

  @Post('cohorts/:id/sessions/schedule')
  @Roles('trainer', 'admin')
  @ApiOperation({
    summary:
      'Add a repeating schedule: the same times on the chosen weekdays between two dates, at most 60 sessions, all or none (each checked like a single session)',
  })
  addSchedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SessionScheduleDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.schedule.addSchedule(id, dto, user, actor);
  }

  @Put('training-sessions/:id')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Move a session or change what it covers' })
  changeSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: TrainingSessionDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.cohorts.changeSession(id, dto, user, actor);
  }

  @Post('training-sessions/:id/cancel')
  @HttpCode(200)
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Cancel a session (it stays listed, counts for nothing, and calendars drop it)' })
  cancelSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.cohorts.cancelSession(id, user, actor);
  }

  @Get('cohorts/:id/candidates')
  @Roles('trainer', 'admin')
  @ApiOperation({
    summary:
      'People who may be enrolled and are not on the cohort yet. Admins: by part of a name or e-mail (2 characters at least; 20 at most), with e-mails. Trainers: by the whole e-mail address only, id and name.',
  })
  candidates(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('q') q: string | undefined,
    @CurrentUser() user: AuthUser,
  ) {
    return this.enrollments.candidates(id, q ?? '', user);
  }

  @Post('cohorts/:id/enrollments')
  @Roles('trainer', 'admin')
  @ApiOperation({
    summary: 'Enroll a person: a place when there is one, the wait list otherwise (a trainer enrolls peers only)',
  })
  async enroll(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: EnrollDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return enrollmentView(await this.enrollments.enroll(id, dto.personId, user, actor));
  }

  @Post('enrollments/:id/withdraw')
  @HttpCode(200)
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Withdraw an enrollment (kept as history); a freed place goes to the wait list in order' })
  withdraw(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @RequestActor() actor: Actor) {
    return this.enrollments.withdraw(id, user, actor);
  }

  @Post('cohorts/:id/roster')
  @Roles('trainer', 'admin')
  @UseInterceptors(ROSTER_UPLOAD)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary', description: 'CSV with columns name, email and optionally phone' },
      },
    },
  })
  @ApiOperation({
    summary:
      'Import a roster CSV: people already on the cohort are skipped and counted (`skipped`); of the rest, all rows or none; bad rows are reported by line (the first 100, and a CSV of all). New people are created as peers and invited; the answer never says who was new.',
  })
  async importRoster(
    @Param('id', new ParseUUIDPipe()) id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    if (!file || file.size === 0)
      throw new BadRequestException({
        statusCode: 400,
        message: 'Choose a CSV file to import.',
        errors: [{ field: 'file', message: 'is required' }],
      });
    const result = await this.rosterImport.importRoster(id, file.buffer.toString('utf8'), user, actor);
    if (!result.ok) throw rosterRejection(result);
    const { enrolled, skipped } = result;
    return { ok: true, enrolled, skipped, message: rosterImportedMessage(enrolled, skipped) };
  }

  @Get('cohorts/:id/roster-rejections/:rejectionId')
  @Roles('trainer', 'admin')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'Every rejected line of a refused roster import, with its reason, as CSV (kept for a day)',
  })
  async rejectedLines(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('rejectionId', new ParseUUIDPipe()) rejectionId: string,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const csv = await this.rosterImport.rejectedLines(id, rejectionId, user);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="rejected-roster-lines.csv"`);
    res.send(csv);
  }

  @Get('cohorts/:id/attendance')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'The attendance grid: people by sessions' })
  async grid(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    const { cohort, sessions, rows } = await this.attendance.grid(id, user);
    return { cohortId: cohort.id, sessions, rows };
  }

  @Put('cohorts/:id/attendance')
  @Roles('trainer', 'admin')
  @ApiOperation({
    summary: 'Record attendance (present, absent, or partial with hours); all checked first, only changes written',
  })
  record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: AttendanceDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.attendance.record(id, dto.records, user, actor);
  }

  @Post('training-sessions/:id/everyone-present')
  @HttpCode(200)
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Mark everyone enrolled and not yet marked for this session as present' })
  everyonePresent(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.attendance.everyonePresent(id, user, actor);
  }

  @Post('cohorts/:id/exam-attempts')
  @Roles('trainer', 'admin')
  @ApiOperation({
    summary: "Record an exam attempt's score; pass or fail against the course's pass mark, within its attempts limit",
  })
  examAttempt(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ExamAttemptDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.completion.recordExamAttempt(id, dto, user, actor);
  }

  @Get('cohorts/:id/completion')
  @Roles('trainer', 'admin')
  @ApiOperation({ summary: 'Per person: completion met, or exactly what is missing' })
  review(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return this.completion.review(id, user);
  }

  @Post('cohorts/:id/complete')
  @HttpCode(200)
  @Roles('trainer', 'admin')
  @ApiOperation({
    summary: "Complete the cohort: award the course's credential to everyone who met the rules (never twice)",
  })
  complete(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: CompleteCohortDto,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
  ) {
    return this.completion.complete(id, dto, user, actor);
  }

  @Get('me/training')
  @ApiOperation({ summary: 'Your cohorts and progress, upcoming sessions and your calendar feed address' })
  mine(@CurrentUser() user: AuthUser) {
    return this.myTraining.overview(user.id);
  }
}
