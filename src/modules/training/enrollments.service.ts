import { ConflictException, Injectable, Logger, NotFoundException, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Actor } from '../audit/actor';
import { AuditService, type AuditEvent } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { AccountLinksService } from '../auth/account-links.service';
import { PersonRole } from '../people/person-role.entity';
import { Person } from '../people/person.entity';
import { CohortsService } from './cohorts.service';
import { Enrollment } from './enrollment.entity';
import { enrollmentEvent, promoteFromWaitList } from './wait-list';

export interface RosterRowError {
  line: number;
  email: string;
  message: string;
}

export interface RosterImportResult {
  ok: boolean;
  /** Set when the file as a whole cannot be read (no header, not CSV, empty). */
  fileError: string | null;
  errors: RosterRowError[];
  enrolled: number;
  created: number;
  invited: number;
}

const COLUMNS = {
  name: ['name', 'full_name'],
  email: ['email', 'e-mail', 'email_address'],
  phone: ['phone', 'phone_number', 'mobile'],
};
const PHONE = /^[+()\d][\d\s().+-]{5,39}$/;

/**
 * Who is in a cohort: enrolment one by one or from a roster file, the wait list (promoted in the
 * order people asked when a place frees up), and withdrawals. Rows are never deleted: withdrawing
 * keeps the row, and enrolling again adds a new one.
 */
@Injectable()
export class EnrollmentsService implements OnApplicationShutdown {
  private readonly logger = new Logger('Enrollments');
  /** Invitation e-mails still being sent after an import; shutdown waits for them. */
  private readonly sending = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cohorts: CohortsService,
    private readonly accountLinks: AccountLinksService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  /** Everyone who has been on the roster: current places, the wait list in order, then withdrawals. */
  async roster(cohortId: string, manager: EntityManager = this.dataSource.manager): Promise<Enrollment[]> {
    const rows = await manager
      .getRepository(Enrollment)
      .createQueryBuilder('e')
      .innerJoinAndSelect('e.person', 'p')
      .where('e.cohort_id = :cohortId', { cohortId })
      .getMany();
    const order = { enrolled: 0, waitlisted: 1, withdrawn: 2 };
    return rows.sort(
      (a, b) =>
        order[a.status] - order[b.status] ||
        (a.status === 'enrolled' ? a.person.name.localeCompare(b.person.name) : 0) ||
        (a.status === 'waitlisted' ? a.requestedAt.getTime() - b.requestedAt.getTime() : 0) ||
        (b.withdrawnAt?.getTime() ?? 0) - (a.withdrawnAt?.getTime() ?? 0),
    );
  }

  /** Active people matching a name or e-mail who are not already on the cohort: for the "add a person" search. */
  async candidates(cohortId: string, q: string, user: AuthUser): Promise<Array<Pick<Person, 'id' | 'name' | 'email'>>> {
    await this.cohorts.get(cohortId, user);
    const term = q.trim().toLowerCase();
    if (term.length < 2) return [];
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const people = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .where("p.status = 'active'")
      .andWhere("(lower(p.name) LIKE :like ESCAPE '\\' OR lower(p.email) LIKE :like ESCAPE '\\')", { like })
      .andWhere(
        "p.id NOT IN (SELECT e.person_id FROM enrollments e WHERE e.cohort_id = :cohortId AND e.status <> 'withdrawn')",
        { cohortId },
      )
      .orderBy('p.name', 'ASC')
      .take(20)
      .getMany();
    return people.map(({ id, name, email }) => ({ id, name, email }));
  }

  /** Enrolls one person: a place when there is one, the wait list otherwise. */
  async enroll(cohortId: string, personId: string, user: AuthUser, actor: Actor): Promise<Enrollment> {
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.cohorts.changeable(tx, cohortId, user);
      const person = await tx.getRepository(Person).findOneBy({ id: personId });
      if (!person) throw new NotFoundException('No person with that id.');
      if (person.status !== 'active')
        throw new ConflictException({
          statusCode: 409,
          message: `${person.name} is inactive; reactivate them first.`,
          errors: [{ field: 'personId', message: 'is inactive' }],
        });
      const current = await tx
        .getRepository(Enrollment)
        .findOneBy({ cohortId, personId, status: In(['enrolled', 'waitlisted']) });
      if (current)
        throw new ConflictException({
          statusCode: 409,
          message: `${person.name} is already ${current.status === 'enrolled' ? 'enrolled' : 'on the wait list'}.`,
          errors: [{ field: 'personId', message: 'is already on this cohort' }],
        });
      const taken = await tx.getRepository(Enrollment).countBy({ cohortId, status: 'enrolled' });
      const now = new Date();
      const enrollment = tx.getRepository(Enrollment).create({
        cohortId,
        personId,
        status: taken < cohort.capacity ? 'enrolled' : 'waitlisted',
        requestedAt: now,
        enrolledAt: taken < cohort.capacity ? now : null,
        createdById: actor.personId,
      });
      await tx.getRepository(Enrollment).insert(enrollment);
      await this.audit.record(tx, actor, enrollmentEvent(enrollment, 'enrollment.created'));
      enrollment.person = person;
      return enrollment;
    });
  }

  /** Withdraws someone (enrolled or waiting); a freed place goes to the first person on the wait list. */
  async withdraw(enrollmentId: string, user: AuthUser, actor: Actor): Promise<Enrollment> {
    return this.dataSource.transaction(async (tx) => {
      const enrollment = await tx.getRepository(Enrollment).findOneBy({ id: enrollmentId });
      if (!enrollment) throw new NotFoundException('No enrollment with that id.');
      const cohort = await this.cohorts.changeable(tx, enrollment.cohortId, user);
      if (enrollment.status === 'withdrawn')
        throw new ConflictException({ statusCode: 409, message: 'This enrollment was already withdrawn.', errors: [] });
      const before = enrollment.status;
      enrollment.status = 'withdrawn';
      enrollment.withdrawnAt = new Date();
      await tx
        .getRepository(Enrollment)
        .update(enrollment.id, { status: 'withdrawn', withdrawnAt: enrollment.withdrawnAt });
      await this.audit.record(tx, actor, {
        ...enrollmentEvent(enrollment, 'enrollment.withdrawn'),
        before: { status: before },
      });
      if (before === 'enrolled') await promoteFromWaitList(tx, this.audit, cohort, actor);
      return enrollment;
    });
  }

  /**
   * Imports a roster CSV (columns name, email and optionally phone). The whole file is checked first;
   * if any row is wrong nothing is imported and every bad row is reported with its line. Otherwise,
   * in one transaction, people not yet known are created as peers and invited, and everyone is
   * enrolled. Over-capacity rows are errors: the wait list is for people added one at a time.
   */
  async importRoster(cohortId: string, csv: string, user: AuthUser, actor: Actor): Promise<RosterImportResult> {
    const result: RosterImportResult = { ok: false, fileError: null, errors: [], enrolled: 0, created: 0, invited: 0 };
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
      return { ...result, fileError: `The file is not readable CSV: ${(e as Error).message}` };
    }
    if (records.length === 0) return { ...result, fileError: 'The file is empty.' };
    const header = records[0].record.map((h) => h.toLowerCase().replace(/\s+/g, '_'));
    const col = (names: string[]) => header.findIndex((h) => names.includes(h));
    const index = { name: col(COLUMNS.name), email: col(COLUMNS.email), phone: col(COLUMNS.phone) };
    if (index.name < 0 || index.email < 0)
      return { ...result, fileError: 'The first line must name the columns: name, email and (optionally) phone.' };
    const rows = records.slice(1).map(({ record, info }) => ({
      line: info.lines,
      name: record[index.name] ?? '',
      email: record[index.email] ?? '',
      phone: index.phone >= 0 ? (record[index.phone] ?? '') : '',
    }));
    if (rows.length === 0) return { ...result, fileError: 'The file has a header but no people.' };

    const { outcome, invitations } = await this.dataSource.transaction(async (tx) => {
      const cohort = await this.cohorts.changeable(tx, cohortId, user);
      const known = await findByEmails(
        tx,
        rows.map((r) => r.email),
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
      for (const row of rows) {
        const problems: string[] = [];
        const key = row.email.toLowerCase();
        if (!row.name) problems.push('name is missing');
        else if (row.name.length > 200) problems.push('name is longer than 200 characters');
        if (!row.email) problems.push('e-mail is missing');
        else if (!isEmail(row.email) || row.email.length > 254)
          problems.push(`"${row.email}" is not an e-mail address`);
        if (row.phone && !PHONE.test(row.phone)) problems.push(`"${row.phone}" is not a phone number`);
        if (row.email && seen.has(key)) problems.push(`duplicate: the same e-mail is on line ${seen.get(key)}`);
        const person = known.get(key);
        if (person?.status === 'inactive') problems.push(`${person.name} is inactive`);
        if (person && current.has(person.id)) problems.push(`${person.name} is already on this cohort`);
        if (!problems.length) {
          if (places <= 0) problems.push(`over capacity: the cohort has room for ${cohort.capacity}`);
          places--;
        }
        if (row.email && !seen.has(key)) seen.set(key, row.line);
        if (problems.length) result.errors.push({ line: row.line, email: row.email, message: problems.join('; ') });
      }
      if (result.errors.length) return { outcome: result, invitations: [] };

      const now = new Date();
      const newPeople: Person[] = [];
      const events: AuditEvent[] = [];
      const enrollments: Enrollment[] = rows.map((row) => {
        let person = known.get(row.email.toLowerCase());
        if (!person) {
          person = tx.getRepository(Person).create({
            id: randomUUID(),
            name: row.name,
            preferredName: null,
            email: row.email,
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
      return {
        outcome: {
          ...result,
          ok: true,
          enrolled: enrollments.length,
          created: newPeople.length,
          invited: invitations.length,
        },
        invitations,
      };
    });
    // Only after commit: an e-mail must never announce an account that a rolled-back import did not create.
    this.sendInBackground(invitations, actor);
    return outcome;
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
  const wanted = [...new Set(emails.filter(Boolean).map((e) => e.toLowerCase()))];
  const found = new Map<string, Person>();
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    const people = await tx
      .getRepository(Person)
      .createQueryBuilder('p')
      .where('lower(p.email) IN (:...chunk)', { chunk })
      .getMany();
    for (const p of people) found.set(p.email.toLowerCase(), p);
  }
  return found;
}
