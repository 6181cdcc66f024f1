import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import type { CeCategory } from '../ce/ce-entry.entity';
import { completedCeCourses } from '../ce/course-ce.query';
import { CHUNK, scoped, type PeopleFilter } from './report-scope';

export interface RosterRow {
  id: string;
  personId: string;
  personName: string;
  code: string;
  typeName: string;
  source: string;
  issuedOn: IsoDate;
  expiresOn: IsoDate | null;
  revokedOn: IsoDate | null;
  suspendedFrom: IsoDate | null;
  suspendedUntil: IsoDate | null;
  licenceNumber: string | null;
  verifiedOn: IsoDate | null;
  graceDays: number;
  terminatesAfterDays: number | null;
  renewalCeHours: number | null;
  /** A later credential of the same type was issued to the same person. */
  renewed: boolean;
}

export interface CeRow {
  personId: string;
  completedOn: IsoDate;
  hours: number;
  category: CeCategory;
}

/** The named queries of the credential roster and renewal readiness; the roster is scoped to what the viewer may see. */
@Injectable()
export class CredentialReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every credential of the people in scope (optionally of some types, or expiring in a range), by person then type. */
  async roster(
    filter: PeopleFilter,
    options: { typeCodes?: string[]; expiresFrom?: IsoDate; expiresTo?: IsoDate; withCeHoursOnly?: boolean },
  ): Promise<RosterRow[]> {
    let qb = this.dataSource
      .createQueryBuilder()
      .select([
        'c.id AS id',
        'c.person_id AS person_id',
        'p.name AS name',
        'p.preferred_name AS preferred_name',
        't.code AS code',
        't.name AS type_name',
        'c.source AS source',
        'CAST(c.issued_on AS TEXT) AS issued_on',
        'CAST(c.expires_on AS TEXT) AS expires_on',
        'CAST(c.revoked_on AS TEXT) AS revoked_on',
        'CAST(c.suspended_from AS TEXT) AS suspended_from',
        'CAST(c.suspended_until AS TEXT) AS suspended_until',
        'c.licence_number AS licence_number',
        'CAST(c.verified_on AS TEXT) AS verified_on',
        't.grace_days AS grace_days',
        't.terminates_after_days AS terminates_after_days',
        't.renewal_ce_hours AS renewal_ce_hours',
        `CASE WHEN EXISTS (SELECT 1 FROM credentials n WHERE n.person_id = c.person_id AND n.credential_type_id = c.credential_type_id AND n.issued_on > c.issued_on) THEN 1 ELSE 0 END AS renewed`,
      ])
      .from('credentials', 'c')
      .innerJoin('people', 'p', 'p.id = c.person_id')
      .innerJoin('credential_types', 't', 't.id = c.credential_type_id')
      .orderBy('lower(p.name)', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .addOrderBy('t.code', 'ASC')
      .addOrderBy('c.issued_on', 'ASC');
    if (options.typeCodes)
      qb = qb.andWhere('upper(t.code) IN (:...codes)', {
        codes: options.typeCodes.length ? options.typeCodes.map((c) => c.toUpperCase()) : [''],
      });
    if (options.expiresFrom) qb = qb.andWhere('c.expires_on >= :expiresFrom', { expiresFrom: options.expiresFrom });
    if (options.expiresTo) qb = qb.andWhere('c.expires_on <= :expiresTo', { expiresTo: options.expiresTo });
    if (options.withCeHoursOnly)
      qb = qb.andWhere('t.renewal_ce_hours IS NOT NULL AND c.expires_on IS NOT NULL AND c.revoked_on IS NULL');
    const rows = await scoped(qb, 'c.person_id', filter).getRawMany<Record<string, string | number | null>>();
    const date = (v: string | number | null) => (v === null ? null : String(v).slice(0, 10));
    return rows.map((r) => ({
      id: String(r.id),
      personId: String(r.person_id),
      personName: String(r.preferred_name || r.name),
      code: String(r.code),
      typeName: String(r.type_name),
      source: String(r.source),
      issuedOn: date(r.issued_on)!,
      expiresOn: date(r.expires_on),
      revokedOn: date(r.revoked_on),
      suspendedFrom: date(r.suspended_from),
      suspendedUntil: date(r.suspended_until),
      licenceNumber: (r.licence_number as string | null) ?? null,
      verifiedOn: date(r.verified_on),
      graceDays: Number(r.grace_days),
      terminatesAfterDays: r.terminates_after_days === null ? null : Number(r.terminates_after_days),
      renewalCeHours: r.renewal_ce_hours === null ? null : Number(r.renewal_ce_hours),
      renewed: Number(r.renewed) === 1,
    }));
  }

  /**
   * CE hours that count toward renewal for these people: confirmed entries, and completed courses
   * that carry a CE category (`completedCeCourses`, the rule CeService uses for one person).
   */
  async ceHours(personIds: string[]): Promise<CeRow[]> {
    const out: CeRow[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const ids = personIds.slice(i, i + CHUNK);
      const entries = await this.dataSource
        .createQueryBuilder()
        .select([
          'e.person_id AS person_id',
          'CAST(e.completed_on AS TEXT) AS completed_on',
          'e.hours AS hours',
          'e.category AS category',
        ])
        .from('ce_entries', 'e')
        .where("e.status = 'confirmed' AND e.person_id IN (:...ids)", { ids })
        .getRawMany<Record<string, string>>();
      const courses = await completedCeCourses(this.dataSource)
        .andWhere('e.person_id IN (:...ids)', { ids })
        .getRawMany<Record<string, string>>();
      for (const r of [...entries, ...courses])
        out.push({
          personId: r.person_id,
          completedOn: r.completed_on.slice(0, 10),
          hours: Number(r.hours),
          category: r.category as CeCategory,
        });
    }
    return out;
  }

  async credentialTypeCodes(): Promise<string[]> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('t.code AS code')
      .from('credential_types', 't')
      .orderBy('t.code', 'ASC')
      .getRawMany<{ code: string }>();
    return rows.map((r) => r.code);
  }
}
