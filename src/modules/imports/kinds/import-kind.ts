import type { ClassConstructor } from 'class-transformer';
import type { EntityManager } from 'typeorm';
import type { IsoDate } from '../../../common/dates';
import type { Actor } from '../../../common/auth/actor';
import { validateForm } from '../../../common/http/validation';
import type { AuditEvent } from '../../audit/audit.service';
import type { AccountLinksService } from '../../auth/account-links.service';
import type { NotificationsService } from '../../notifications/notifications.service';
import type { CertificateRequests } from '../../training/certificate-requests';
import type { ImportKind, ImportOptions } from '../import.entity';
import type { ImportCell } from '../import-table';
import { sameName, type PeopleIndex, type PersonRef } from '../import-lookups';
import { readDate, type DateFormatWatch } from '../import-values';

/** One record of the file, by field name (the columns already matched). */
export interface ImportRowInput {
  line: number;
  value(field: string): ImportCell | undefined;
  text(field: string): string | null;
  /** Whether the file has a column for the field at all (a blank cell still "has" it). */
  has(field: string): boolean;
  /** The file's header for a field, so a problem names the column the admin sees. */
  column(field: string): string | null;
}

export interface RowProblem {
  column: string | null;
  message: string;
  conflict?: boolean;
}

export type RowOutcome<W> =
  { result: 'new' | 'updated'; write: W } | { result: 'unchanged' } | { result: 'rejected'; problems: RowProblem[] };

/** What every checker works with during one pass over the file. */
export interface ImportEnv {
  kind: ImportKind;
  /** Reads during the dry run; the commit's transaction during the commit. */
  db: EntityManager;
  actor: Actor;
  today: IsoDate;
  people: PeopleIndex;
  dates: DateFormatWatch;
  options: ImportOptions;
  importId: string;
  fileName: string;
}

/**
 * One kind of record. `check` decides what a row would do, against the database and the rows before
 * it (it remembers what it accepted, so the same record twice in a file is caught); `write` stores a
 * batch of accepted rows with their audit entries. A dry run calls only `check`; a commit calls both,
 * in one transaction, so the commit writes exactly what its own checks allow.
 */
export interface ImportChecker<W = unknown> {
  check(row: ImportRowInput): Promise<RowOutcome<W>> | RowOutcome<W>;
  write(tx: EntityManager, writes: W[]): Promise<AuditEvent[]>;
  /** Inside the transaction, after the last batch. */
  finish?(tx: EntityManager): Promise<void>;
  /** After the commit (jobs, e-mail): never before the data is there. */
  afterCommit?(): Promise<void>;
}

/** What some kinds need beyond the database: invitations, e-mail through the outbox, certificates. */
export interface ImportServices {
  accountLinks: AccountLinksService;
  notifications: NotificationsService;
  certificates: CertificateRequests;
}

export type CheckerFactory = (env: ImportEnv, services: ImportServices) => Promise<ImportChecker>;

export function rejected<W>(problems: RowProblem[]): RowOutcome<W> {
  return { result: 'rejected', problems };
}

export function problem(row: ImportRowInput, field: string | null, message: string): RowProblem {
  return { column: field ? row.column(field) : null, message };
}

/** "Would overwrite …": a stored value the file disagrees with. Never written without a person deciding. */
export function conflict(row: ImportRowInput, field: string, stored: unknown, given: unknown): RowProblem {
  return {
    column: row.column(field),
    message: `would overwrite ${JSON.stringify(stored)} with ${JSON.stringify(given)}; change it by hand if the file is right`,
    conflict: true,
  };
}

/**
 * Checks a row's values with the DTO of the single-record form and API, so an import refuses exactly
 * what the form refuses, with the same words. `columns` says which import field each DTO field came
 * from, for naming the column.
 */
export async function validateRow<T extends object>(
  row: ImportRowInput,
  dto: ClassConstructor<T>,
  body: Record<string, unknown>,
  columns: Record<string, string>,
): Promise<{ value: T; problems: null } | { value: null; problems: RowProblem[] }> {
  const checked = await validateForm(dto, body);
  if (checked.errors === null) return { value: checked.value, problems: null };
  return {
    value: null,
    problems: Object.entries(checked.errors).map(([field, message]) => {
      const source = columns[field.split('.')[0]];
      return { column: source ? row.column(source) : null, message: source ? message : `${field} ${message}` };
    }),
  };
}

/** Reads date fields; a bad one is a problem of its own column. */
export function readDates(
  row: ImportRowInput,
  env: ImportEnv,
  fields: string[],
  problems: RowProblem[],
): Record<string, IsoDate | null> {
  const out: Record<string, IsoDate | null> = {};
  for (const field of fields) {
    const read = readDate(row.value(field), row.line, env.dates);
    if (read && 'error' in read) {
      problems.push(problem(row, field, read.error));
      out[field] = null;
    } else out[field] = read?.date ?? null;
  }
  return out;
}

/**
 * The person a row is about: by external id, then e-mail; both given must agree, and a name given
 * beside them must be theirs (a check against a row pasted next to the wrong address).
 */
export function rowPerson(
  row: ImportRowInput,
  env: ImportEnv,
  keys: { email: string; externalId: string; name?: string } = {
    email: 'email',
    externalId: 'external_id',
    name: 'person_name',
  },
): PersonRef | RowProblem {
  const externalId = row.text(keys.externalId);
  const email = row.text(keys.email);
  const byId = externalId ? env.people.byExternalId(externalId) : undefined;
  const byEmail = email ? env.people.byEmailAddress(email) : undefined;
  if (!externalId && !email) return problem(row, keys.email, 'is empty: say who this row is about');
  if (byId && byEmail && byId !== byEmail)
    return problem(row, keys.email, `belongs to ${byEmail.name}, but ${externalId} is ${byId.name}`);
  const person = byId ?? byEmail;
  if (!person) {
    return externalId && !email
      ? problem(row, keys.externalId, `${externalId} is not anyone in the program; import the people first`)
      : problem(row, keys.email, `${email ?? externalId} is not anyone in the program; import the people first`);
  }
  const name = keys.name ? row.text(keys.name) : null;
  if (name && keys.name && !sameName(name, person))
    return problem(row, keys.name, `says ${name}, but ${email ?? externalId} is ${person.name}`);
  return person;
}

export function isProblem(value: unknown): value is RowProblem {
  return typeof value === 'object' && value !== null && 'message' in value && 'column' in value;
}
