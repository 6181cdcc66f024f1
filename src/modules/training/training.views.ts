import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CertificateReads } from '../certificates/certificate-reads.service';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import type { FormErrors } from '../../common/http/form-post';
import { CatalogService } from '../catalog/catalog.service';
import { CE_CATEGORIES } from '../ce/ce-entry.entity';
import { AttendanceService } from './attendance.service';
import { COHORT_SETTINGS, type Cohort } from './cohort.entity';
import { CohortsService } from './cohorts.service';
import { CompletionService } from './completion.service';
import { CoursesService } from './courses.service';
import type { CohortPageQuery } from './dto/cohort-list.query';
import { WEEKDAYS, type AttendanceRecordDto } from './dto/training.dto';
import type { Enrollment } from './enrollment.entity';
import { EnrollmentsService, searchesByWholeEmail } from './enrollments.service';
import { rosterImportedMessage } from './roster-import.service';

/**
 * A roster entry as the API gives it. A roster is training scope: of the person, only what a
 * trainer needs to run the course (id, name, e-mail), never the rest of their record.
 */
export function enrollmentView(e: Enrollment) {
  const { person, ...enrollment } = e;
  return { ...enrollment, person: person ? { id: person.id, name: person.name, email: person.email } : undefined };
}

export const NOTICES: Record<string, string> = {
  created: 'Cohort created. Add its sessions, then its people.',
  saved: 'Saved.',
  'session-added': 'Session added. The form is still open for the next one.',
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

/** What the completion page says after completing. */
export function completedNotice(awarded: number): string {
  return `Cohort completed. ${awarded} credential(s) awarded.`;
}

/** What the cohort page's address says: the notice after a form, the person search, what an import or a schedule did. */
export function cohortPageNotices(query: CohortPageQuery) {
  const sessions = query.count ?? 0;
  const scheduled = `${sessions} ${sessions === 1 ? 'session' : 'sessions'} added. Tick each day's modules with "Move".`;
  return {
    notice: query.notice === 'scheduled' ? scheduled : NOTICES[query.notice ?? ''],
    q: query.q ?? '',
    imported: query.imported === undefined ? null : rosterImportedMessage(query.imported, query.skipped ?? 0),
    // One session after another: the form stays open for the next.
    addSessionOpen: query.notice === 'session-added',
  };
}

/** An attendance refusal as the grid shows it: the message, and the cell it is about. */
export interface AttendanceProblem {
  field: string;
  message: string;
  personId?: string;
  sessionId?: string;
}

/**
 * The attendance form's messages as the grid shows them: a half make-up (a person and no session, or
 * the reverse) is pointed out beside the make-up fields; a record's message is placed on its cell.
 */
export function attendanceProblems(
  errors: FormErrors,
  records: AttendanceRecordDto[],
  makeUp: MakeUpDraft,
): { errors: AttendanceProblem[]; makeUp?: MakeUpDraft & { errors: FormErrors } } {
  if (errors.makeUpSessionId && makeUp.personId) {
    return {
      errors: [{ field: 'makeUpSessionId', message: 'Choose the session the make-up attendee came to.' }],
      makeUp: {
        personId: makeUp.personId,
        sessionId: '',
        errors: { makeUpSessionId: 'Choose the session they came to.' },
      },
    };
  }
  if (errors.makeUpPersonId && makeUp.sessionId) {
    return {
      errors: [{ field: 'makeUpPersonId', message: 'Choose who came to the session as a make-up.' }],
      makeUp: { personId: '', sessionId: makeUp.sessionId, errors: { makeUpPersonId: 'Choose who came.' } },
    };
  }
  const described: AttendanceProblem[] = Object.entries(errors).map(([field, message]) => {
    const index = /^records\.(\d+)\./.exec(field)?.[1];
    const r = index === undefined ? undefined : records[Number(index)];
    return { field, message, personId: r?.personId, sessionId: r?.sessionId };
  });
  return { errors: described };
}

const SCHEDULE_WEEKDAYS = WEEKDAYS.map((value, i) => ({
  value,
  label: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][i],
  name: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][i],
}));

export interface MakeUpDraft {
  personId: string;
  sessionId: string;
}

/** The view models of the training screens: each page's data in the shape its template reads. */
@Injectable()
export class TrainingViews {
  constructor(
    private readonly courses: CoursesService,
    private readonly cohorts: CohortsService,
    private readonly enrollments: EnrollmentsService,
    private readonly attendance: AttendanceService,
    private readonly completion: CompletionService,
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
    private readonly certificates: CertificateReads,
  ) {}

  async courseFormModel(id: string | null, extra: { values: object; errors: Record<string, string> | null }) {
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

  async cohortFormModel(
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

  async sessionFormModel(
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

  async cohortModel(id: string, user: AuthUser, extra: object) {
    const cohort = await this.cohorts.get(id, user);
    const [course, sessions, roster] = await Promise.all([
      this.courses.get(cohort.courseId),
      this.cohorts.sessions(id),
      this.enrollments.roster(id),
    ]);
    const q = (extra as { q?: string }).q ?? '';
    const byEmail = searchesByWholeEmail(user);
    const searchable = q.trim().length >= (byEmail ? 1 : 2);
    const candidates = searchable ? await this.enrollments.candidates(id, q, user) : null;
    const enrolled = roster.filter((e) => e.status === 'enrolled');
    const waiting = roster.filter((e) => e.status === 'waitlisted').map((e, i) => ({ ...e, position: i + 1 }));
    const live = sessions.filter((s) => !s.cancelledAt);
    const scheduled = live.reduce((sum, s) => sum + Math.round(s.hours * 100), 0) / 100;
    const covered = new Set(live.flatMap((s) => s.modules.map((m) => m.id)));
    // A completed cohort's certificates are drawn one job each: the page shows how far the batch is.
    const drawing = cohort.status === 'completed' ? await this.certificates.drawingProgress(id) : null;
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
      // A trainer's search takes a whole e-mail address and shows no addresses (EnrollmentsService.candidates).
      byEmail,
      scheduled,
      uncovered: course.modules.filter((m) => !covered.has(m.id)),
      editable: cohort.status === 'planned' || cohort.status === 'running',
      placesLeft: Math.max(0, cohort.capacity - enrolled.length),
      // A roster is training scope, not record scope: only admins get a link to each person's record.
      linkPeople: hasRole(user, 'admin'),
      sessionValues: { moduleIds: [] },
      sessionErrors: {},
      drawing:
        drawing && drawing.progress.total
          ? { ...drawing, running: drawing.state !== 'completed', url: `/api/v1/cohorts/${id}/certificate-progress` }
          : null,
      scheduleValues: { weekdays: [], moduleIds: [] },
      scheduleErrors: {},
      weekdays: SCHEDULE_WEEKDAYS,
      ...extra,
    };
  }

  async attendanceModel(
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

  async completionModel(id: string, user: AuthUser, extra: object) {
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
