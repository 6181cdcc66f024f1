import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { emailKey } from '../people/email-key';
import { Person } from '../people/person.entity';
import { CohortsService } from './cohorts.service';
import { notEnrollable, notEnrollableBy, whereEnrollableBy } from './enrollable';
import { Enrollment } from './enrollment.entity';
import { enrollmentEvent, promoteFromWaitList } from './wait-list';

/** Someone the "add a person" search found; the e-mail only for an admin (`candidates`). */
export type Candidate = Pick<Person, 'id' | 'name'> & { email?: string };

/** A trainer's "add a person" search takes a whole e-mail address; an admin's takes part of a name or e-mail. */
export function searchesByWholeEmail(user: AuthUser): boolean {
  return !hasRole(user, 'admin');
}

/**
 * Who is in a cohort: enrolment one by one (a roster file: roster-import.service.ts), the wait list
 * (promoted in the order people asked when a place frees up), and withdrawals. Rows are never
 * deleted: withdrawing keeps the row, and enrolling again adds a new one.
 */
@Injectable()
export class EnrollmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cohorts: CohortsService,
  ) {}

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

  /**
   * Active people not already on the cohort whom the user may enrol (for a trainer: peers with no staff
   * role), for the "add a person" search. An admin finds them by part of a name or e-mail (two characters
   * at least) and sees their addresses. A trainer finds someone only by their whole e-mail address (compared
   * by `emailKey`) and gets their id and name: a partial search would list every peer's name and address to
   * anyone who runs a cohort, which is the scope a roster must not give (issue 14).
   */
  async candidates(cohortId: string, q: string, user: AuthUser): Promise<Candidate[]> {
    await this.cohorts.get(cohortId, user);
    const term = q.trim();
    const people = whereEnrollableBy(
      this.dataSource.getRepository(Person).createQueryBuilder('p').where("p.status = 'active'"),
      'p.id',
      user,
    ).andWhere(
      "p.id NOT IN (SELECT e.person_id FROM enrollments e WHERE e.cohort_id = :cohortId AND e.status <> 'withdrawn')",
      { cohortId },
    );
    if (searchesByWholeEmail(user)) {
      if (!term) return [];
      const found = await people.andWhere('p.email_key = :key', { key: emailKey(term) }).getMany();
      return found.map(({ id, name }) => ({ id, name }));
    }
    if (term.length < 2) return [];
    const like = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const found = await people
      .andWhere("(lower(p.name) LIKE :like ESCAPE '\\' OR lower(p.email) LIKE :like ESCAPE '\\')", { like })
      .orderBy('p.name', 'ASC')
      .take(20)
      .getMany();
    return found.map(({ id, name, email }) => ({ id, name, email }));
  }

  /** Enrolls one person: a place when there is one, the wait list otherwise. A trainer enrols peers only. */
  async enroll(cohortId: string, personId: string, user: AuthUser, actor: Actor): Promise<Enrollment> {
    return this.dataSource.transaction(async (tx) => {
      const cohort = await this.cohorts.changeable(tx, cohortId, user);
      const person = await tx.getRepository(Person).findOneBy({ id: personId });
      if (!person) throw new NotFoundException('No person with that id.');
      if ((await notEnrollableBy(tx, [person.id], user)).size) throw notEnrollable('personId');
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
}
