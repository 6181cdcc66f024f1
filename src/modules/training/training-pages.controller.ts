import {
  Body,
  Controller,
  Get,
  HttpCode,
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
import { formErrorsFrom } from '../../common/http/form-errors';
import { fieldError, validateForm } from '../../common/http/validation';
import { isUUID } from 'class-validator';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { CatalogService } from '../catalog/catalog.service';
import { CE_CATEGORIES } from '../ce/ce-entry.entity';
import type { AttendanceStatus } from './attendance.entity';
import { AttendanceService } from './attendance.service';
import { COHORT_SETTINGS, COHORT_STATUSES, type Cohort } from './cohort.entity';
import { CohortsService } from './cohorts.service';
import { CompletionService } from './completion.service';
import { CoursesService } from './courses.service';
import {
  CohortDto,
  CohortStatusDto,
  CompleteCohortDto,
  CourseDto,
  ExamAttemptDto,
  TrainingSessionDto,
  type AttendanceRecordDto,
} from './dto/training.dto';
import { EnrollmentsService } from './enrollments.service';
import { rosterImportedMessage, RosterImportService, type RosterImportResult } from './roster-import.service';
import { ROSTER_UPLOAD } from './training.controller';

const NOTICES: Record<string, string> = {
  created: 'Cohort created. Add its sessions, then its people.',
  saved: 'Saved.',
  'session-added': 'Session added.',
  'session-changed': 'Session moved.',
  'session-cancelled': 'Session cancelled; it counts for nothing and calendars drop it.',
  enrolled: 'Enrolled.',
  waitlisted: 'The cohort is full, so they are on the wait list.',
  withdrawn: 'Withdrawn. If a place freed up, the first person waiting has it.',
  running: 'The cohort is running.',
  planned: 'The cohort is back to planned.',
  cancelled: 'The cohort is cancelled.',
  attendance: 'Attendance saved.',
  exam: 'Exam score recorded.',
  'course-created': 'Course added.',
  'course-saved': 'Course saved.',
};

/** Attendance cells are one select each: "present", "absent" or "partial:2.5" (hours). */
function cellsFrom(body: Record<string, unknown>): AttendanceRecordDto[] {
  const cells = (body.cell ?? {}) as Record<string, Record<string, string>>;
  const out: AttendanceRecordDto[] = [];
  for (const [personId, sessions] of Object.entries(cells)) {
    if (!sessions || typeof sessions !== 'object') continue;
    for (const [sessionId, value] of Object.entries(sessions)) {
      if (typeof value !== 'string' || value === '') continue;
      const [status, hours] = value.split(':');
      out.push({
        personId,
        sessionId,
        status: status as AttendanceStatus,
        hours: hours === undefined ? null : Number(hours),
      });
    }
  }
  return out;
}

/** Course form rows: blank rows (the form offers a few spare) are dropped; qs turns long lists into objects. */
function courseBody(body: Record<string, unknown>): Record<string, unknown> {
  const raw = body.modules ?? [];
  const rows = (Array.isArray(raw) ? raw : Object.values(raw as object)) as Array<Record<string, unknown>>;
  return {
    ...body,
    modules: rows
      .filter((m) => m && (String(m.title ?? '').trim() || String(m.hours ?? '').trim()))
      // A ticked box arrives after its hidden "false": the last value is the answer.
      .map((m) => ({
        ...m,
        id: m.id || undefined,
        required: Array.isArray(m.required) ? m.required[m.required.length - 1] : m.required,
      })),
  };
}

/** The trainer's pages: cohorts, sessions, roster, attendance, completion; and the course catalogue. */
@ApiExcludeController()
@Controller('training')
export class TrainingPagesController {
  constructor(
    private readonly courses: CoursesService,
    private readonly cohorts: CohortsService,
    private readonly enrollments: EnrollmentsService,
    private readonly rosterImport: RosterImportService,
    private readonly attendance: AttendanceService,
    private readonly completion: CompletionService,
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Roles('trainer', 'admin')
  async list(@CurrentUser() user: AuthUser, @Query('status') status: string | undefined, @Res() res: Response) {
    const valid = (COHORT_STATUSES as readonly string[]).includes(status ?? '')
      ? (status as Cohort['status'])
      : undefined;
    const cohorts = await this.cohorts.list(user, { status: valid });
    return res.render('training/cohorts', {
      title: 'Training',
      cohorts,
      status: valid,
      statuses: COHORT_STATUSES,
      isAdmin: hasRole(user, 'admin'),
    });
  }

  // ---- courses -------------------------------------------------------------------------------

  @Get('courses')
  async courseList(@CurrentUser() user: AuthUser, @Res() res: Response) {
    const courses = await this.courses.list();
    return res.render('training/courses', {
      title: 'Courses',
      programCourses: courses.filter((c) => !c.ceCategory),
      ceCourses: courses.filter((c) => c.ceCategory),
      isAdmin: hasRole(user, 'admin'),
    });
  }

  @Get('courses/new')
  @Roles('admin')
  async newCourse(@Res() res: Response) {
    return res.render(
      'training/course-form',
      await this.courseFormModel(null, { values: { modules: [] }, errors: {} }),
    );
  }

  @Post('courses')
  @Roles('admin')
  async createCourse(@Body() body: Record<string, unknown>, @RequestActor() actor: Actor, @Res() res: Response) {
    const input = courseBody(body);
    const { value, errors } = await validateForm(CourseDto, input);
    let problems = errors;
    if (value) {
      try {
        const course = await this.courses.create(value, actor);
        return res.redirect(303, `/training/courses/${course.id}?notice=course-created`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('training/course-form', await this.courseFormModel(null, { values: input, errors: problems }));
  }

  @Get('courses/:id')
  async course(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const course = await this.courses.get(id);
    return res.render('training/course', {
      title: course.title,
      course,
      isAdmin: hasRole(user, 'admin'),
      notice: NOTICES[notice ?? ''],
    });
  }

  @Get('courses/:id/edit')
  @Roles('admin')
  async editCourse(@Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response) {
    const course = await this.courses.get(id);
    const values = {
      ...course,
      awardsCredentialTypeCode: course.awardsCredentialType?.code ?? '',
      modules: course.modules,
    };
    return res.render('training/course-form', await this.courseFormModel(course.id, { values, errors: {} }));
  }

  @Post('courses/:id')
  @Roles('admin')
  async updateCourse(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const input = courseBody(body);
    const { value, errors } = await validateForm(CourseDto, input);
    let problems = errors;
    if (value) {
      try {
        await this.courses.update(id, value, actor);
        return res.redirect(303, `/training/courses/${id}?notice=course-saved`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('training/course-form', await this.courseFormModel(id, { values: input, errors: problems }));
  }

  // ---- cohorts -------------------------------------------------------------------------------

  @Get('cohorts/new')
  @Roles('trainer', 'admin')
  async newCohort(
    @CurrentUser() user: AuthUser,
    @Query('courseId') courseId: string | undefined,
    @Res() res: Response,
  ) {
    return res.render(
      'training/cohort-form',
      await this.cohortFormModel(null, user, {
        values: { courseId, trainerIds: [user.id], setting: 'clinic' },
        errors: {},
      }),
    );
  }

  @Post('cohorts')
  @Roles('trainer', 'admin')
  async createCohort(
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(CohortDto, body);
    let problems = errors;
    if (value) {
      try {
        const cohort = await this.cohorts.create(value, user, actor);
        return res.redirect(303, `/training/cohorts/${cohort.id}?notice=created`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('training/cohort-form', await this.cohortFormModel(null, user, { values: body, errors: problems }));
  }

  @Get('cohorts/:id')
  @Roles('trainer', 'admin')
  async cohort(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @Query('q') q: string | undefined,
    @Query('imported') imported: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const enrolled = /^\d{1,5}$/.test(imported ?? '') ? Number(imported) : null;
    return res.render(
      'training/cohort',
      await this.cohortModel(id, user, {
        notice: NOTICES[notice ?? ''],
        q: q ?? '',
        imported: enrolled === null ? null : rosterImportedMessage(enrolled),
      }),
    );
  }

  @Get('cohorts/:id/edit')
  @Roles('trainer', 'admin')
  async editCohort(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const cohort = await this.cohorts.get(id, user);
    const values = { ...cohort, trainerIds: cohort.trainers.map((t) => t.id) };
    return res.render('training/cohort-form', await this.cohortFormModel(cohort, user, { values, errors: {} }));
  }

  @Post('cohorts/:id')
  @Roles('trainer', 'admin')
  async updateCohort(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const cohort = await this.cohorts.get(id, user);
    const input = { ...body, courseId: cohort.courseId };
    const { value, errors } = await validateForm(CohortDto, input);
    let problems = errors;
    if (value) {
      try {
        await this.cohorts.update(id, value, user, actor);
        return res.redirect(303, `/training/cohorts/${id}?notice=saved`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('training/cohort-form', await this.cohortFormModel(cohort, user, { values: input, errors: problems }));
  }

  @Post('cohorts/:id/status')
  @Roles('trainer', 'admin')
  async setStatus(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(CohortStatusDto, body);
    if (!value)
      return res
        .status(400)
        .render('training/cohort', await this.cohortModel(id, user, { statusError: errors.status }));
    await this.cohorts.setStatus(id, value, user, actor);
    return res.redirect(303, `/training/cohorts/${id}?notice=${value.status}`);
  }

  @Post('cohorts/:id/sessions')
  @Roles('trainer', 'admin')
  async addSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(TrainingSessionDto, body);
    let problems = errors;
    if (value) {
      try {
        await this.cohorts.addSession(id, value, user, actor);
        return res.redirect(303, `/training/cohorts/${id}?notice=session-added#sessions`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('training/cohort', await this.cohortModel(id, user, { sessionErrors: problems, sessionValues: body }));
  }

  @Get('sessions/:id/edit')
  @Roles('trainer', 'admin')
  async editSession(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { session, cohort } = await this.cohorts.managedSession(id, user);
    const values = { ...session, moduleIds: session.modules.map((m) => m.id) };
    return res.render('training/session-form', await this.sessionFormModel(cohort, session.id, { values, errors: {} }));
  }

  @Post('sessions/:id')
  @Roles('trainer', 'admin')
  async changeSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { cohort } = await this.cohorts.managedSession(id, user);
    const { value, errors } = await validateForm(TrainingSessionDto, body);
    let problems = errors;
    if (value) {
      try {
        await this.cohorts.changeSession(id, value, user, actor);
        return res.redirect(303, `/training/cohorts/${cohort.id}?notice=session-changed#sessions`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render('training/session-form', await this.sessionFormModel(cohort, id, { values: body, errors: problems }));
  }

  @Post('sessions/:id/cancel')
  @Roles('trainer', 'admin')
  async cancelSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const session = await this.cohorts.cancelSession(id, user, actor);
    return res.redirect(303, `/training/cohorts/${session.cohortId}?notice=session-cancelled#sessions`);
  }

  // ---- roster --------------------------------------------------------------------------------

  @Post('cohorts/:id/enrollments')
  @Roles('trainer', 'admin')
  async enroll(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body('personId') personId: string | undefined,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    try {
      if (!isUUID(personId ?? '')) throw fieldError('personId', 'Choose a person to enroll.');
      const enrollment = await this.enrollments.enroll(id, personId!, user, actor);
      return res.redirect(303, `/training/cohorts/${id}?notice=${enrollment.status}#roster`);
    } catch (e) {
      const errors = formErrorsFrom(e);
      return res
        .status(400)
        .render('training/cohort', await this.cohortModel(id, user, { enrollError: errors.personId ?? errors.form }));
    }
  }

  @Post('enrollments/:id/withdraw')
  @Roles('trainer', 'admin')
  async withdraw(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const enrollment = await this.enrollments.withdraw(id, user, actor);
    return res.redirect(303, `/training/cohorts/${enrollment.cohortId}?notice=withdrawn#roster`);
  }

  @Post('cohorts/:id/roster')
  @HttpCode(200)
  @Roles('trainer', 'admin')
  @UseInterceptors(ROSTER_UPLOAD)
  async importRoster(
    @Param('id', new ParseUUIDPipe()) id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    let result: RosterImportResult;
    if (!file || file.size === 0)
      result = {
        ok: false,
        fileError: 'Choose a CSV file to import.',
        errors: [],
        errorCount: 0,
        rejectedLinesUrl: null,
        enrolled: 0,
      };
    else result = await this.rosterImport.importRoster(id, file.buffer.toString('utf8'), user, actor);
    if (result.ok) return res.redirect(303, `/training/cohorts/${id}?imported=${result.enrolled}#roster`);
    return res
      .status(400)
      .render('training/cohort', await this.cohortModel(id, user, { roster: result, rosterFile: file?.originalname }));
  }

  // ---- attendance ----------------------------------------------------------------------------

  @Get('cohorts/:id/attendance')
  @Roles('trainer', 'admin')
  async attendanceGrid(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('training/attendance', await this.attendanceModel(id, user, { notice: NOTICES[notice ?? ''] }));
  }

  @Post('cohorts/:id/attendance')
  @Roles('trainer', 'admin')
  async saveAttendance(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const records = cellsFrom(body);
    const makeUpPersonId = typeof body.makeUpPersonId === 'string' ? body.makeUpPersonId : '';
    const makeUpSessionId = typeof body.makeUpSessionId === 'string' ? body.makeUpSessionId : '';
    // Half a make-up (a person and no session, or the reverse) is a mistake to point out, not to drop.
    if (makeUpPersonId && !makeUpSessionId) {
      return res.status(400).render(
        'training/attendance',
        await this.attendanceModel(id, user, {
          errors: [{ field: 'makeUpSessionId', message: 'Choose the session the make-up attendee came to.' }],
          submitted: records,
          makeUp: {
            personId: makeUpPersonId,
            sessionId: '',
            errors: { makeUpSessionId: 'Choose the session they came to.' },
          },
        }),
      );
    }
    if (makeUpSessionId && !makeUpPersonId) {
      return res.status(400).render(
        'training/attendance',
        await this.attendanceModel(id, user, {
          errors: [{ field: 'makeUpPersonId', message: 'Choose who came to the session as a make-up.' }],
          submitted: records,
          makeUp: { personId: '', sessionId: makeUpSessionId, errors: { makeUpPersonId: 'Choose who came.' } },
        }),
      );
    }
    if (makeUpPersonId)
      records.push({ personId: makeUpPersonId, sessionId: makeUpSessionId, status: 'present', hours: null });
    try {
      await this.attendance.record(id, records, user, actor);
      return res.redirect(303, `/training/cohorts/${id}/attendance?notice=attendance`);
    } catch (e) {
      const errors = formErrorsFrom(e);
      const described = Object.entries(errors).map(([field, message]) => {
        const index = /^records\.(\d+)\./.exec(field)?.[1];
        const r = index === undefined ? undefined : records[Number(index)];
        return { field, message, personId: r?.personId, sessionId: r?.sessionId };
      });
      return res
        .status(400)
        .render('training/attendance', await this.attendanceModel(id, user, { errors: described, submitted: records }));
    }
  }

  @Post('sessions/:id/everyone-present')
  @Roles('trainer', 'admin')
  async everyonePresent(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { cohortId } = await this.attendance.everyonePresent(id, user, actor);
    return res.redirect(303, `/training/cohorts/${cohortId}/attendance?notice=attendance`);
  }

  // ---- completion ----------------------------------------------------------------------------

  @Get('cohorts/:id/completion')
  @Roles('trainer', 'admin')
  async completionPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('training/completion', await this.completionModel(id, user, { notice: NOTICES[notice ?? ''] }));
  }

  @Post('cohorts/:id/exam-attempts')
  @Roles('trainer', 'admin')
  async examAttempt(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(ExamAttemptDto, body);
    let problems = errors;
    if (value) {
      try {
        await this.completion.recordExamAttempt(id, value, user, actor);
        return res.redirect(303, `/training/cohorts/${id}/completion?notice=exam`);
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render(
        'training/completion',
        await this.completionModel(id, user, { examErrors: problems, examPersonId: body.personId, examValues: body }),
      );
  }

  @Post('cohorts/:id/complete')
  @HttpCode(200)
  @Roles('trainer', 'admin')
  async complete(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { value, errors } = await validateForm(CompleteCohortDto, body);
    let problems = errors;
    if (value) {
      try {
        const { awarded } = await this.completion.complete(id, value, user, actor);
        return res.render(
          'training/completion',
          await this.completionModel(id, user, {
            notice: `Cohort completed. ${awarded.length} credential(s) awarded.`,
          }),
        );
      } catch (e) {
        problems = formErrorsFrom(e);
      }
    }
    return res
      .status(400)
      .render(
        'training/completion',
        await this.completionModel(id, user, { completeErrors: problems, completeValues: body }),
      );
  }

  // ---- view models ---------------------------------------------------------------------------

  private async courseFormModel(id: string | null, extra: { values: object; errors: Record<string, string> | null }) {
    const types = (await this.catalog.listCredentialTypes({ includeInactive: false })).filter(
      (t) => t.kind === 'internal',
    );
    const values = extra.values as { modules?: object[] };
    const errors = extra.errors ?? {};
    // Each row's messages come back under `modules.<row>.<field>`; the row shows its own.
    const modules: object[] = (values.modules ?? []).map((m, i) => {
      const at = (field: string) => errors[`modules.${i}.${field}`];
      const rowErrors = {
        title: at('title'),
        hours: at('hours'),
        required: at('required'),
        row: errors[`modules.${i}`] ?? at('id'),
      };
      return { ...m, errors: Object.values(rowErrors).some(Boolean) ? rowErrors : null };
    });
    // A few empty rows to add modules without any script.
    for (let i = 0; i < 3; i++) modules.push({});
    return {
      title: id ? 'Edit course' : 'New course',
      id,
      types,
      categories: CE_CATEGORIES,
      ...extra,
      values: { ...extra.values, modules },
      errors,
      hasErrors: Object.keys(errors).length > 0,
    };
  }

  private async cohortFormModel(
    cohort: Cohort | null,
    user: AuthUser,
    extra: { values: object; errors: Record<string, string> | null },
  ) {
    const [courses, trainers] = await Promise.all([this.courses.list({ activeOnly: true }), this.cohorts.trainers()]);
    return {
      title: cohort ? `Edit ${cohort.name}` : 'New cohort',
      cohort,
      courses,
      trainers,
      cohortSettings: COHORT_SETTINGS,
      isAdmin: hasRole(user, 'admin'),
      ...extra,
      errors: extra.errors ?? {},
    };
  }

  private async sessionFormModel(
    cohort: Cohort,
    sessionId: string,
    extra: { values: object; errors: Record<string, string> | null },
  ) {
    const course = await this.courses.get(cohort.courseId);
    return {
      title: 'Move or change a session',
      cohort,
      sessionId,
      modules: course.modules,
      ...extra,
      errors: extra.errors ?? {},
    };
  }

  private async cohortModel(id: string, user: AuthUser, extra: object) {
    const cohort = await this.cohorts.get(id, user);
    const [course, sessions, roster] = await Promise.all([
      this.courses.get(cohort.courseId),
      this.cohorts.sessions(id),
      this.enrollments.roster(id),
    ]);
    const q = (extra as { q?: string }).q ?? '';
    const searchable = q.trim().length >= 2;
    const candidates = searchable ? await this.enrollments.candidates(id, q, user) : null;
    const enrolled = roster.filter((e) => e.status === 'enrolled');
    const waiting = roster.filter((e) => e.status === 'waitlisted').map((e, i) => ({ ...e, position: i + 1 }));
    const live = sessions.filter((s) => !s.cancelledAt);
    const scheduled = live.reduce((sum, s) => sum + Math.round(s.hours * 100), 0) / 100;
    const covered = new Set(live.flatMap((s) => s.modules.map((m) => m.id)));
    return {
      title: cohort.name,
      cohort,
      course,
      sessions,
      enrolled,
      waiting,
      withdrawn: roster.filter((e) => e.status === 'withdrawn'),
      candidates,
      qTooShort: q.trim() !== '' && !searchable,
      q,
      scheduled,
      uncovered: course.modules.filter((m) => !covered.has(m.id)),
      editable: cohort.status === 'planned' || cohort.status === 'running',
      placesLeft: Math.max(0, cohort.capacity - enrolled.length),
      // A roster is training scope, not record scope: only admins get a link to each person's record.
      linkPeople: hasRole(user, 'admin'),
      sessionValues: { moduleIds: [] },
      sessionErrors: {},
      ...extra,
    };
  }

  private async attendanceModel(
    id: string,
    user: AuthUser,
    extra: {
      notice?: string;
      errors?: Array<{ field: string; message: string; personId?: string; sessionId?: string }>;
      submitted?: AttendanceRecordDto[];
      makeUp?: { personId: string; sessionId: string; errors: Record<string, string> };
    },
  ) {
    const grid = await this.attendance.grid(id, user);
    const makeUps = await this.attendance.makeUpCandidates(id, user);
    const submitted = new Map((extra.submitted ?? []).map((r) => [`${r.personId}:${r.sessionId}`, r]));
    const bad = new Set((extra.errors ?? []).map((e) => `${e.personId}:${e.sessionId}`));
    const names = new Map(grid.rows.map((r) => [r.person.id, r.person.name]));
    const sessionLabel = new Map(grid.sessions.map((s) => [s.id, s.heldOn]));
    const live = grid.sessions.filter((s) => !s.cancelledAt);
    const rows = grid.rows.map((row) => ({
      ...row,
      cells: live.map((s) => {
        const key = `${row.person.id}:${s.id}`;
        const sent = submitted.get(key);
        const current = sent ? { status: sent.status, hours: sent.hours ?? 0 } : row.cells[s.id];
        const value = !current ? '' : current.status === 'partial' ? `partial:${current.hours}` : current.status;
        // Partial hours offered in half hours below the session's length, plus whatever was recorded.
        const partials: number[] = [];
        for (let h = 0.5; h < s.hours; h += 0.5) partials.push(h);
        if (current?.status === 'partial' && !partials.includes(current.hours)) partials.push(current.hours);
        return {
          sessionId: s.id,
          heldOn: s.heldOn,
          value,
          invalid: bad.has(key),
          options: [
            { value: '', label: '—' },
            { value: 'present', label: 'Present' },
            { value: 'absent', label: 'Absent' },
            ...partials.sort((a, b) => a - b).map((h) => ({ value: `partial:${h}`, label: `${h} h` })),
          ].map((o) => ({ ...o, selected: o.value === value })),
        };
      }),
    }));
    const today = this.config.today();
    const counts = live.map((s) => ({
      sessionId: s.id,
      // Attendance can only be taken once a session has been held; the service refuses it before.
      future: s.heldOn > today,
      present: grid.rows.filter((r) => r.cells[s.id]?.status === 'present').length,
      unrecorded: grid.rows.filter((r) => r.kind === 'enrolled' && !r.cells[s.id]).length,
    }));
    const errors = (extra.errors ?? []).map((e) => ({
      ...e,
      where: e.personId
        ? `${names.get(e.personId) ?? 'Someone'}, ${sessionLabel.get(e.sessionId ?? '') ?? 'a session'}`
        : null,
    }));
    return {
      title: `Attendance: ${grid.cohort.name}`,
      wide: true,
      cohort: grid.cohort,
      sessions: live.map((s, i) => ({ ...s, ...counts[i] })),
      cancelled: grid.sessions.filter((s) => s.cancelledAt),
      rows,
      makeUps: makeUps.map((m) => ({ ...m, selected: m.id === extra.makeUp?.personId })),
      makeUp: extra.makeUp ?? null,
      editable: grid.cohort.status === 'planned' || grid.cohort.status === 'running',
      notice: extra.notice,
      errors,
    };
  }

  private async completionModel(id: string, user: AuthUser, extra: object) {
    const review = await this.completion.review(id, user);
    const { cohort } = review;
    return {
      title: `Completion: ${cohort.name}`,
      ...review,
      course: await this.courses.get(cohort.courseId),
      today: this.config.today(),
      editable: cohort.status === 'planned' || cohort.status === 'running',
      awardable: review.rows.filter((r) => r.result.met && !r.completedOn).length,
      examErrors: {},
      completeErrors: {},
      ...extra,
    };
  }
}
