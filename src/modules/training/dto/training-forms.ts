import type { AttendanceStatus } from '../attendance.entity';
import type { Course } from '../course.entity';
import { IsNotEmpty, IsString, ValidateIf } from 'class-validator';
import { AttendanceDto, type AttendanceRecordDto } from './training.dto';

/** Attendance cells are one select each: "present", "absent" or "partial:2.5" (hours). */
export function cellsFrom(cell: unknown): AttendanceRecordDto[] {
  const cells = (cell ?? {}) as Record<string, Record<string, string>>;
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
export function courseBody(body: Record<string, unknown>): Record<string, unknown> {
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
/**
 * The attendance grid as posted: its cells as records, and at most one make-up attendee from another
 * cohort. Half a make-up (a person and no session, or the reverse) is a mistake to point out, not to drop.
 */
export class AttendanceFormDto extends AttendanceDto {
  @ValidateIf((o: AttendanceFormDto) => Boolean(o.makeUpPersonId || o.makeUpSessionId))
  @IsString()
  @IsNotEmpty({ message: 'Choose who came to the session as a make-up.' })
  makeUpPersonId?: string;

  @ValidateIf((o: AttendanceFormDto) => Boolean(o.makeUpPersonId || o.makeUpSessionId))
  @IsString()
  @IsNotEmpty({ message: 'Choose the session the make-up attendee came to.' })
  makeUpSessionId?: string;

  /** The records to write: the cells, and the make-up attendee as present. */
  withMakeUp(): AttendanceRecordDto[] {
    if (!this.makeUpPersonId) return this.records;
    return [
      ...this.records,
      { personId: this.makeUpPersonId, sessionId: this.makeUpSessionId!, status: 'present', hours: null },
    ];
  }
}

/** The grid's cells (`cell[person][session]`) become records; every other field is validated as posted. */
export function attendanceBody(body: Record<string, unknown>): Record<string, unknown> {
  const { cell, ...rest } = body;
  return { ...rest, records: cellsFrom(cell) };
}

/** What the attendance form posted, as the grid shows it again: the records (with the make-up) and the make-up fields. */
export function attendanceDraft(body: Record<string, unknown>) {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const makeUp = { personId: text(body.makeUpPersonId), sessionId: text(body.makeUpSessionId) };
  const records = cellsFrom(body.cell);
  if (makeUp.personId && makeUp.sessionId)
    records.push({ personId: makeUp.personId, sessionId: makeUp.sessionId, status: 'present', hours: null });
  return { records, makeUp };
}

/** The course's optional fields as its form posts them: what a post that leaves them out keeps. */
export function storedCourseFields(course: Course): Record<string, unknown> {
  const { description, examPassMark, examMaxAttempts, awardsCredentialType, ceCategory } = course;
  return {
    description,
    examPassMark,
    examMaxAttempts,
    ceCategory,
    awardsCredentialTypeCode: awardsCredentialType?.code,
  };
}
