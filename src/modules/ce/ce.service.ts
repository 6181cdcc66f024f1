import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { fieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { findVisiblePerson } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { CeEntry, type CeCategory } from './ce-entry.entity';
import type { ReviewCeDto, SubmitCeDto } from './dto/ce.dto';
import { completedCeCourses } from './course-ce.query';
import { ceEntryProblem, ceReviewProblem } from './ce-rules';
import { renewalReadiness, type Readiness } from './renewal-readiness';

/** CE hours a completed course gives (the Perinatal Training Hub topics). */
export interface CourseCe {
  title: string;
  cohort: string;
  completedOn: IsoDate;
  hours: number;
  category: CeCategory;
}

/**
 * Continuing education: entries a peer submits and an admin confirms, and readiness to renew. CE is
 * part of a person's record (themselves, their supervisors, admins): a trainer has no part in it,
 * since a trainer could otherwise reach anyone's CE by enrolling them in a cohort of their own.
 */
@Injectable()
export class CeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** A person's own entry, or one an admin records for them. */
  async submit(personId: string, dto: SubmitCeDto, user: AuthUser, actor: Actor): Promise<CeEntry> {
    if (personId !== user.id && !hasRole(user, 'admin')) throw new NotFoundException('No person with that id.');
    await this.visiblePerson(personId, user);
    const refused = ceEntryProblem(dto, this.config.today());
    if (refused) throw fieldError(refused.field, refused.message);
    return this.dataSource.transaction(async (tx) => {
      const entry = await insertEntry(tx, personId, dto, { status: 'submitted' });
      await this.audit.record(tx, actor, {
        action: 'ce.submitted',
        entityType: 'person',
        entityId: personId,
        after: { entryId: entry.id, ...dto },
      });
      return entry;
    });
  }

  /**
   * An entry confirmed as it is recorded, inside the caller's transaction: an approved submission,
   * whose evidence the reviewer has just looked at. The same rules as `submit` and `review`.
   */
  async recordConfirmed(
    tx: EntityManager,
    personId: string,
    dto: SubmitCeDto,
    reviewerId: string | null,
    actor: Actor,
  ): Promise<CeEntry> {
    const refused = ceEntryProblem(dto, this.config.today()) ?? ceReviewProblem({ personId }, reviewerId);
    if (refused) throw fieldError(refused.field, refused.message);
    const entry = await insertEntry(tx, personId, dto, {
      status: 'confirmed',
      reviewedById: reviewerId,
      reviewedAt: new Date(),
    });
    await this.audit.recordMany(tx, actor, [
      { action: 'ce.submitted', entityType: 'person', entityId: personId, after: { entryId: entry.id, ...dto } },
      { action: 'ce.confirmed', entityType: 'person', entityId: personId, after: { entryId: entry.id } },
    ]);
    return entry;
  }

  /** An admin confirms (it then counts) or rejects an entry. */
  async review(entryId: string, dto: ReviewCeDto, user: AuthUser, actor: Actor): Promise<CeEntry> {
    return this.dataSource.transaction(async (tx) => {
      const entry = await tx.getRepository(CeEntry).findOneBy({ id: entryId });
      if (!entry) throw new NotFoundException('No CE entry with that id.');
      const own = ceReviewProblem(entry, user.id);
      if (own) throw fieldError(own.field, own.message);
      if (entry.status !== 'submitted')
        throw new ConflictException({
          statusCode: 409,
          message: `This entry was already ${entry.status}.`,
          errors: [],
        });
      Object.assign(entry, { status: dto.decision, reviewedById: user.id, reviewedAt: new Date() });
      await tx.getRepository(CeEntry).save(entry);
      await this.audit.record(tx, actor, {
        action: `ce.${dto.decision}`,
        entityType: 'person',
        entityId: entry.personId,
        before: { status: 'submitted' },
        after: { entryId, status: dto.decision },
      });
      return entry;
    });
  }

  /** A person's entries and their readiness to renew each credential that asks for CE hours. */
  async overview(
    personId: string,
    viewer: AuthUser,
    date: IsoDate = this.config.today(),
  ): Promise<{
    person: { id: string; name: string };
    entries: CeEntry[];
    fromCourses: CourseCe[];
    readiness: Readiness[];
  }> {
    const person = await this.visiblePerson(personId, viewer);
    const entries = await this.dataSource
      .getRepository(CeEntry)
      .find({ where: { personId }, order: { completedOn: 'DESC', createdAt: 'DESC' } });
    const held: Array<{ code: string; hours: number; issued_on: string; expires_on: string }> =
      await this.dataSource.query(
        `SELECT t.code AS code, t.renewal_ce_hours AS hours, CAST(c.issued_on AS TEXT) AS issued_on, CAST(c.expires_on AS TEXT) AS expires_on
         FROM credentials c JOIN credential_types t ON t.id = c.credential_type_id
        WHERE c.person_id = ${this.dataSource.options.type === 'postgres' ? '$1' : '?'} AND c.revoked_on IS NULL AND c.expires_on IS NOT NULL AND t.renewal_ce_hours IS NOT NULL
        ORDER BY c.issued_on`,
        [personId],
      );
    const fromCourses = await this.courseHours(personId);
    const confirmed = [...entries.filter((e) => e.status === 'confirmed'), ...fromCourses];
    const byType = new Map<string, typeof held>();
    for (const row of held) byType.set(row.code, [...(byType.get(row.code) ?? []), row]);
    const readiness = [...byType.entries()]
      .map(([code, rows]) => {
        const periods = rows
          .filter((r) => r.issued_on <= date)
          .map((r) => ({ issuedOn: r.issued_on, expiresOn: r.expires_on }));
        return periods.length ? renewalReadiness(code, Number(rows[0].hours), periods, confirmed, date) : null;
      })
      .filter((r): r is Readiness => r !== null);
    return { person: { id: person.id, name: person.displayName }, entries, fromCourses, readiness };
  }

  /** Hours from completed courses that count as CE (the Perinatal Training Hub topics): counted as they are, no review needed. */
  private async courseHours(personId: string): Promise<CourseCe[]> {
    const rows = await completedCeCourses(this.dataSource)
      .andWhere('e.person_id = :personId', { personId })
      .orderBy('e.completed_on', 'DESC')
      .getRawMany<{
        title: string;
        cohort: string;
        completed_on: string;
        hours: string | number;
        category: CeCategory;
      }>();
    return rows.map((r) => ({
      title: r.title,
      cohort: r.cohort,
      completedOn: r.completed_on.slice(0, 10),
      hours: Number(r.hours),
      category: r.category,
    }));
  }

  private async visiblePerson(personId: string, viewer: AuthUser): Promise<Person> {
    return findVisiblePerson(this.dataSource, personId, viewer, this.config.today());
  }
}

/** A CE entry as the DTO gives it, with its review state. */
async function insertEntry(
  tx: EntityManager,
  personId: string,
  dto: SubmitCeDto,
  review: Pick<CeEntry, 'status'> & Partial<Pick<CeEntry, 'reviewedById' | 'reviewedAt'>>,
): Promise<CeEntry> {
  const repo = tx.getRepository(CeEntry);
  const entry = repo.create({
    personId,
    title: dto.title,
    provider: dto.provider,
    completedOn: dto.completedOn,
    hours: dto.hours,
    category: dto.category,
    evidenceNote: dto.evidenceNote ?? null,
    ...review,
  });
  await repo.insert(entry);
  return entry;
}
