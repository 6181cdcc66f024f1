import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sqlRows } from '../../../common/db/sql';
import type { AuditEvent } from '../../audit/audit.service';
import { expiryFor } from '../../catalog/credential-validity';
import { Credential } from '../../credentials/credential.entity';
import { credentialRecordProblem } from '../../credentials/credential-rules';
import { RecordCredentialDto } from '../../credentials/dto/credential.dto';
import { Course } from '../../training/course.entity';
import { readHours, squash } from '../import-values';
import { day, TypeIndex } from './credentials.kind';
import {
  isProblem,
  problem,
  readDates,
  rejected,
  rowPerson,
  validateRow,
  type CheckerFactory,
  type ImportRowInput,
  type RowOutcome,
  type RowProblem,
} from './import-kind';

interface CompletionWrite {
  id: string;
  personId: string;
  course: Course;
  typeCode: string;
  typeId: string;
  completedOn: string;
  expiresOn: string | null;
  hours: number | null;
}

/**
 * Past course completions. Each awards the course's credential as of its date, as completing a cohort
 * does, but no certificate e-mail goes out for history: certificates are drawn only when the admin
 * asks, through the same jobs, and drawing one sends nothing.
 */
export const completionsKind: CheckerFactory = async (env, services) => {
  const types = await TypeIndex.load(env.db);
  const courses = await env.db.getRepository(Course).find();
  const courseByKey = new Map<string, Course>();
  for (const c of courses) {
    courseByKey.set(squash(c.code), c);
    courseByKey.set(squash(c.title), c);
  }
  const held = new Map<string, number | null>();
  const keyOf = (personId: string, typeId: string, on: string) => `${personId}|${typeId}|${on}`;
  for (const r of await sqlRows<{ person_id: string; credential_type_id: string; issued_on: unknown }>(
    env.db,
    'SELECT person_id, credential_type_id, issued_on FROM credentials',
  ))
    held.set(keyOf(r.person_id, r.credential_type_id, day(r.issued_on)!), null);
  const awarded: string[] = [];

  const check = async (row: ImportRowInput): Promise<RowOutcome<CompletionWrite>> => {
    const problems: RowProblem[] = [];
    const person = rowPerson(row, env);
    if (isProblem(person)) problems.push(person);
    const courseText = row.text('course');
    const course = courseText ? courseByKey.get(squash(courseText)) : undefined;
    if (courseText && !course)
      problems.push(problem(row, 'course', `${courseText} is not a course (by code or title)`));
    const type = course?.awardsCredentialTypeId ? types.byId(course.awardsCredentialTypeId) : undefined;
    if (course && !type)
      problems.push(problem(row, 'course', `${course.code} awards no credential, so there is nothing to record`));
    const { completed_on: completedOn } = readDates(row, env, ['completed_on'], problems);
    const hours = readHours(row.value('hours'));
    if (hours === undefined) problems.push(problem(row, 'hours', 'must be a number of hours, such as 40 or 7.5'));
    else if (hours !== null && course && hours < course.requiredHours)
      problems.push(problem(row, 'hours', `are ${hours}, but ${course.code} needs ${course.requiredHours} hours`));
    const valid = await validateRow(
      row,
      RecordCredentialDto,
      {
        credentialTypeCode: type?.code ?? 'unknown',
        issuedOn: completedOn ?? (row.text('completed_on') ? 'x' : undefined),
      },
      { issuedOn: 'completed_on', credentialTypeCode: 'course' },
    );
    if (valid.problems) problems.push(...valid.problems.filter((p) => !problems.some((q) => q.column === p.column)));
    if (problems.length || isProblem(person) || !type || !course || !valid.value) return rejected(problems);
    const rule = credentialRecordProblem(type, valid.value, env.today);
    if (rule) return rejected([problem(row, 'completed_on', rule.message)]);
    const key = keyOf(person.id, type.id, valid.value.issuedOn);
    if (held.has(key)) {
      const line = held.get(key);
      return line
        ? rejected([problem(row, 'completed_on', `is the same completion as line ${line}`)])
        : { result: 'unchanged' };
    }
    held.set(key, row.line);
    return {
      result: 'new',
      write: {
        id: randomUUID(),
        personId: person.id,
        course,
        typeCode: type.code,
        typeId: type.id,
        completedOn: valid.value.issuedOn,
        expiresOn: expiryFor(type, valid.value.issuedOn),
        hours: hours ?? null,
      },
    };
  };

  const write = async (tx: EntityManager, writes: CompletionWrite[]): Promise<AuditEvent[]> => {
    const repo = tx.getRepository(Credential);
    for (let i = 0; i < writes.length; i += 200) {
      await repo.insert(
        writes.slice(i, i + 200).map((w) => ({
          id: w.id,
          personId: w.personId,
          credentialTypeId: w.typeId,
          source: 'course' as const,
          cohortId: null,
          issuedOn: w.completedOn,
          expiresOn: w.expiresOn,
          evidenceNote:
            `${w.course.code} completed${w.hours !== null ? `, ${w.hours} h` : ''}; from ${env.fileName}`.slice(0, 200),
        })),
      );
    }
    if (env.options.drawCertificates) awarded.push(...writes.map((w) => w.id));
    return writes.map((w) => ({
      action: 'credential.awarded',
      entityType: 'credential',
      entityId: w.id,
      after: {
        personId: w.personId,
        code: w.typeCode,
        course: w.course.code,
        issuedOn: w.completedOn,
        expiresOn: w.expiresOn,
        hours: w.hours,
        importId: env.importId,
      },
    }));
  };

  return { check, write, afterCommit: () => services.certificates.requestFor(awarded) };
};
