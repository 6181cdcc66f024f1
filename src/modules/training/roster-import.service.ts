import { Injectable, Logger, NotFoundException, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, LessThan } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { hasControlCharacters, withoutControlCharacters } from '../../common/dto/free-text';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { AccountLinksService } from '../auth/account-links.service';
import { PersonRole } from '../people/person-role.entity';
import { Person } from '../people/person.entity';
import { recordFirstStatus } from '../people/status-history';
import { AppConfig } from '../../config/app-config';
import { findManagedCohort } from './cohort-access';
import { CohortsService } from './cohorts.service';
import { mayEnrol, NOT_ENROLLABLE_LINE, notEnrollableBy } from './enrollable';
import { Enrollment } from './enrollment.entity';
import { RosterRejection } from './roster-rejection.entity';
import { enrollmentEvent } from './wait-list';
import { emailKey, normalizeEmail } from '../people/email-key';

export interface RosterRowError {
  line: number;
  email: string;
  message: string;
}

/**
 * What an import answers. It never says which people were new: that would tell a trainer whether
 * an address is already registered here. New people are invited all the same.
 */
export interface RosterImportResult {
  ok: boolean;
  /** Set when the file as a whole cannot be read (no header, not CSV, empty). */
  fileError: string | null;
  /** The first `ROSTER_ERRORS_SHOWN` bad lines; `errorCount` says how many there are in all. */
  errors: RosterRowError[];
  errorCount: number;
  /** Where every rejected line can be downloaded as CSV, with its reason (null when no line was). */
  rejectedLinesUrl: string | null;
  enrolled: number;
  /** People on the file who already hold a place (or wait) on this cohort: left as they are, not an error. */
  skipped: number;
}

/** A reply lists this many bad lines at most; the downloadable CSV has every one. */
export const ROSTER_ERRORS_SHOWN = 100;
/** How long the CSV of a rejected import can be downloaded. */
const REJECTION_KEPT_MS = 24 * 3600_000;

const COLUMNS = {
  name: ['name', 'full_name'],
  email: ['email', 'e-mail', 'email_address'],
  phone: ['phone', 'phone_number', 'mobile'],
};
const PHONE = /^[+()\d][\d\s().+-]{5,39}$/;
const CONTROL_CHARACTERS = 'contains control characters (such as NUL, tabs or line breaks)';
const cell = (value: string | number) => (typeof value === 'string' ? withoutControlCharacters(value) : value);

interface RosterRow {
  line: number;
  name: string;
  email: string;
  phone: string;
}

/** The sentence an import answers with, for the API and the page alike. */
export function rosterImportedMessage(enrolled: number, skipped = 0): string {
  const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;
  const already = skipped ? ` ${skipped} already on this cohort, left as they were.` : '';
  const invited = enrolled ? ' Anyone not yet registered was sent an invitation.' : '';
  return `${people(enrolled)} enrolled.${already}${invited}`;
}

/**
 * Imports a roster CSV (columns name, email and optionally phone). People already on the cohort
 * (enrolled or waiting) are skipped and counted, so an updated file can be uploaded again. The whole
 * file is checked first; if any other row is wrong nothing is imported and every bad row is reported with its line (the first
 * 100 in the answer, all of them in a CSV to download). Otherwise, in one transaction, people not
 * yet known are created as peers and invited, and everyone is enrolled. Over-capacity rows are
 * errors: the wait list is for people added one at a time. A trainer enrols peers only.
 */
@Injectable()
export class RosterImportService implements OnApplicationShutdown {
  private readonly logger = new Logger('Enrollments');
  /** Invitation e-mails still being sent after an import; shutdown waits for them. */
  private readonly sending = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cohorts: CohortsService,
    private readonly accountLinks: AccountLinksService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  async importRoster(cohortId: string, csv: string, user: AuthUser, actor: Actor): Promise<RosterImportResult> {
    const refused = (fileError: string): RosterImportResult => ({
      ok: false,
      fileError,
      errors: [],
      errorCount: 0,
      rejectedLinesUrl: null,
      enrolled: 0,
      skipped: 0,
    });
    let records: Array<{ record: string[]; info: { lines: number } }>;
    try {
      records = parse(csv, {
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
        bom: true,
        info: true,
      }) as unknown as typeof records;
    } catch (e) {
      return refused(`The file is not readable CSV: ${(e as Error).message}`);
    }
    if (records.length === 0) return refused('The file is empty.');
    const header = records[0].record.map((h) => h.toLowerCase().replace(/\s+/g, '_'));
    const col = (names: string[]) => header.findIndex((h) => names.includes(h));
    const index = { name: col(COLUMNS.name), email: col(COLUMNS.email), phone: col(COLUMNS.phone) };
    if (index.name < 0 || index.email < 0)
      return refused('The first line must name the columns: name, email and (optionally) phone.');
    const rows: RosterRow[] = records.slice(1).map(({ record, info }) => ({
      line: info.lines,
      name: record[index.name] ?? '',
      email: record[index.email] ?? '',
      phone: index.phone >= 0 ? (record[index.phone] ?? '') : '',
    }));
    if (rows.length === 0) return refused('The file has a header but no people.');

    const { errors, enrolled, skipped, invitations } = await this.dataSource.transaction(async (tx) => {
      const cohort = await this.cohorts.changeable(tx, cohortId, user);
      const known = await findByEmails(
        tx,
        rows.map((r) => r.email),
      );
      const barred = await notEnrollableBy(
        tx,
        [...known.values()].map((p) => p.id),
        user,
      );
      const current = new Set(
        (
          await tx
            .getRepository(Enrollment)
            .find({ select: { personId: true }, where: { cohortId, status: In(['enrolled', 'waitlisted']) } })
        ).map((e) => e.personId),
      );
      let places = cohort.capacity - (await tx.getRepository(Enrollment).countBy({ cohortId, status: 'enrolled' }));
      const seen = new Map<string, number>();
      const bad: Array<RosterRowError & { row: RosterRow }> = [];
      const toEnrol: RosterRow[] = [];
      let skipped = 0;
      for (const row of rows) {
        const problems: string[] = [];
        const key = emailKey(row.email);
        if (!row.name) problems.push('name is missing');
        else if (hasControlCharacters(row.name)) problems.push(`name ${CONTROL_CHARACTERS}`);
        else if (row.name.length > 200) problems.push('name is longer than 200 characters');
        if (!row.email) problems.push('e-mail is missing');
        else if (hasControlCharacters(row.email)) problems.push(`e-mail ${CONTROL_CHARACTERS}`);
        else if (!isEmail(row.email) || row.email.length > 254)
          problems.push(`"${row.email}" is not an e-mail address`);
        if (hasControlCharacters(row.phone)) problems.push(`phone ${CONTROL_CHARACTERS}`);
        else if (row.phone && !PHONE.test(row.phone)) problems.push(`"${row.phone}" is not a phone number`);
        if (row.email && seen.has(key)) problems.push(`duplicate: the same e-mail is on line ${seen.get(key)}`);
        const person = known.get(key);
        if (person && current.has(person.id) && !problems.length) {
          if (!seen.has(key)) seen.set(key, row.line);
          skipped++;
          continue;
        }
        if (person && current.has(person.id)) problems.push(`${person.name} is already on this cohort`);
        else if (person && mayEnrol(user) === 'peers' && (barred.has(person.id) || person.status === 'inactive'))
          // One sentence whatever the reason, and no name: a trainer learns nothing about the person behind it.
          problems.push(NOT_ENROLLABLE_LINE);
        else if (person?.status === 'inactive') problems.push(`${person.name} is inactive`);
        if (!problems.length) {
          if (places <= 0) problems.push(`over capacity: the cohort has room for ${cohort.capacity}`);
          places--;
        }
        if (row.email && !seen.has(key)) seen.set(key, row.line);
        if (problems.length)
          bad.push({ line: row.line, email: withoutControlCharacters(row.email), message: problems.join('; '), row });
        else toEnrol.push(row);
      }
      if (bad.length) return { errors: bad, enrolled: 0, skipped, invitations: [] };
      const written = await this.enrolAll(tx, cohortId, toEnrol, known, actor);
      return { errors: [], skipped, ...written };
    });
    if (errors.length) {
      const rejection = await this.keepRejection(cohortId, errors, actor);
      return {
        ok: false,
        fileError: null,
        errors: errors.slice(0, ROSTER_ERRORS_SHOWN).map(({ line, email, message }) => ({ line, email, message })),
        errorCount: errors.length,
        rejectedLinesUrl: `/api/v1/cohorts/${cohortId}/roster-rejections/${rejection.id}`,
        enrolled: 0,
        skipped,
      };
    }
    // Only after commit: an e-mail must never announce an account that a rolled-back import did not create.
    this.sendInBackground(invitations, actor);
    return { ok: true, fileError: null, errors: [], errorCount: 0, rejectedLinesUrl: null, enrolled, skipped };
  }

  /** The CSV of every rejected line of one refused import, for whoever manages the cohort (404 otherwise). */
  async rejectedLines(cohortId: string, rejectionId: string, user: AuthUser): Promise<string> {
    await findManagedCohort(this.dataSource.manager, cohortId, user);
    const rejection = await this.dataSource.getRepository(RosterRejection).findOneBy({ id: rejectionId, cohortId });
    if (!rejection || rejection.createdAt.getTime() < Date.now() - REJECTION_KEPT_MS)
      throw new NotFoundException('No rejected roster with that id (they are kept for a day).');
    return rejection.csv;
  }

  private async keepRejection(
    cohortId: string,
    errors: Array<RosterRowError & { row: RosterRow }>,
    actor: Actor,
  ): Promise<RosterRejection> {
    // Formulas are escaped: the lines are typed by people and must not run when the file is opened.
    const csv = stringify(
      // A NUL cannot be stored in a PostgreSQL text column; the lines are kept with U+FFFD in its place.
      errors.map((e) => [e.line, e.row.name, e.row.email, e.row.phone, e.message].map(cell)),
      { header: true, columns: ['line', 'name', 'email', 'phone', 'problem'], escape_formulas: true },
    );
    const repo = this.dataSource.getRepository(RosterRejection);
    await repo.delete({ createdAt: LessThan(new Date(Date.now() - REJECTION_KEPT_MS)) });
    return repo.save(repo.create({ cohortId, createdById: actor.personId, errorCount: errors.length, csv }));
  }

  /** Creates the people not yet known (as peers), enrols everyone and audits it, all in `tx`. */
  private async enrolAll(
    tx: EntityManager,
    cohortId: string,
    rows: RosterRow[],
    known: Map<string, Person>,
    actor: Actor,
  ): Promise<{ enrolled: number; invitations: Awaited<ReturnType<AccountLinksService['createInvitations']>> }> {
    const now = new Date();
    const newPeople: Person[] = [];
    const events: AuditEvent[] = [];
    const enrollments: Enrollment[] = rows.map((row) => {
      let person = known.get(emailKey(row.email));
      if (!person) {
        person = tx.getRepository(Person).create({
          id: randomUUID(),
          name: row.name,
          preferredName: null,
          email: normalizeEmail(row.email),
          emailKey: emailKey(row.email),
          phone: row.phone || null,
          status: 'active',
        });
        newPeople.push(person);
        events.push({
          action: 'person.created',
          entityType: 'person',
          entityId: person.id,
          after: {
            name: person.name,
            preferredName: null,
            email: person.email,
            phone: person.phone,
            status: 'active',
            roles: ['peer'],
            source: 'roster import',
          },
        });
      }
      return tx.getRepository(Enrollment).create({
        id: randomUUID(),
        cohortId,
        personId: person.id,
        status: 'enrolled',
        requestedAt: now,
        enrolledAt: now,
        createdById: actor.personId,
      });
    });
    for (let i = 0; i < newPeople.length; i += 200) {
      const chunk = newPeople.slice(i, i + 200);
      await tx.getRepository(Person).insert(chunk);
      await tx.getRepository(PersonRole).insert(chunk.map((p) => ({ personId: p.id, role: 'peer' as const })));
      await recordFirstStatus(tx, chunk, this.config.today(), actor.personId);
    }
    for (let i = 0; i < enrollments.length; i += 200)
      await tx.getRepository(Enrollment).insert(enrollments.slice(i, i + 200));
    events.push(
      ...enrollments.map((e) => ({
        ...enrollmentEvent(e, 'enrollment.created'),
        after: { enrollmentId: e.id, personId: e.personId, status: e.status, source: 'roster import' },
      })),
    );
    await this.audit.recordMany(tx, actor, events);
    const invitations = await this.accountLinks.createInvitations(tx, newPeople, actor);
    return { enrolled: enrollments.length, invitations };
  }

  /** The answer does not wait for a large import's e-mails; they go out a few at a time behind it. */
  private sendInBackground(
    invitations: Awaited<ReturnType<AccountLinksService['createInvitations']>>,
    actor: Actor,
  ): void {
    if (!invitations.length) return;
    const sending = this.accountLinks
      .sendInvitations(invitations, actor)
      .catch((e: Error) => this.logger.error(`Sending ${invitations.length} roster invitations failed: ${e.message}`));
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }
}

async function findByEmails(tx: EntityManager, emails: string[]): Promise<Map<string, Person>> {
  // Only addresses that can be one: a NUL in a query parameter is an error on PostgreSQL.
  const wanted = [...new Set(emails.filter((e) => e && !hasControlCharacters(e)).map(emailKey))];
  const found = new Map<string, Person>();
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    const people = await tx
      .getRepository(Person)
      .createQueryBuilder('p')
      .where('p.email_key IN (:...chunk)', { chunk })
      .getMany();
    for (const p of people) found.set(p.emailKey, p);
  }
  return found;
}
