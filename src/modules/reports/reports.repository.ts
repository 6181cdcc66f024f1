import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import type { AuthUser } from '../../common/auth/auth-user';
import { whereVisibleTo } from '../people/people-scope';
import type { CeCategory } from '../ce/ce-entry.entity';
import { completedCeCourses } from '../ce/course-ce.query';
import { attendanceWithCourse, enrollmentsWithCourse } from '../../common/db/course-joins';

/** Ids per IN (...) list, well under both engines' parameter limits. */
const CHUNK = 900;

export interface PipelineRow {
  courseId: string;
  code: string;
  title: string;
  stage: 'enrolled' | 'in_progress' | 'completed';
  people: number;
}

export interface AttendedRow {
  sessionId: string;
  personId: string;
  hours: number;
  heldOn: IsoDate;
  cohortId: string;
  courseId: string;
  code: string;
  title: string;
  setting: string;
}

export interface CompletionRow {
  personId: string;
  cohortId: string;
  courseId: string;
  code: string;
  title: string;
  setting: string;
  completedOn: IsoDate;
}

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

export interface SupervisionMonthRow {
  peerId: string;
  peerName: string;
  month: string;
  sessions: number;
  minutes: number;
}

/** Which people a report covers: the viewer's scope, narrowed by supervisor when asked. */
export interface PeopleFilter {
  viewer: AuthUser;
  today: IsoDate;
  /** Peers whose supervision by this person overlaps [from, to]. */
  supervisorId?: string;
  from?: IsoDate;
  to?: IsoDate;
}

/** The named queries behind the dashboard and the reports; every one is scoped to what the viewer may see. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Active peers the viewer may see, by name: the people the dashboard counts (the clearance board's population). */
  async visiblePeers(filter: PeopleFilter): Promise<Array<{ id: string; name: string }>> {
    const qb = this.dataSource
      .createQueryBuilder()
      .select(['p.id AS id', 'p.name AS name', 'p.preferred_name AS preferred_name'])
      .from('people', 'p')
      .where("p.status = 'active'")
      .andWhere("EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'peer')")
      .orderBy('lower(p.name)', 'ASC');
    const rows = await this.scoped(qb, 'p.id', filter).getRawMany<{
      id: string;
      name: string;
      preferred_name: string | null;
    }>();
    return rows.map((r) => ({ id: r.id, name: r.preferred_name || r.name }));
  }

  /** People in each stage of each course on `asOf`: enrolled (cohort not started), in progress, completed since `completedSince`. */
  async trainingPipeline(filter: PeopleFilter, asOf: IsoDate, completedSince: IsoDate): Promise<PipelineRow[]> {
    const qb = enrollmentsWithCourse(this.dataSource)
      .select([
        'course.id AS course_id',
        'course.code AS code',
        'course.title AS title',
        'e.person_id AS person_id',
        'CAST(c.starts_on AS TEXT) AS starts_on',
        'CAST(e.completed_on AS TEXT) AS completed_on',
      ])
      .where("e.status = 'enrolled'")
      // A completed enrollment counts when recent; an open one only while its cohort is still live.
      .andWhere(
        "((e.completed_on IS NOT NULL AND e.completed_on >= :since) OR (e.completed_on IS NULL AND c.status IN ('planned', 'running')))",
        {
          since: completedSince,
        },
      );
    const rows = await this.scoped(qb, 'e.person_id', filter).getRawMany<Record<string, string | null>>();
    const groups = new Map<string, PipelineRow & { ids: Set<string> }>();
    for (const r of rows) {
      const stage: PipelineRow['stage'] = r.completed_on
        ? 'completed'
        : String(r.starts_on).slice(0, 10) > asOf
          ? 'enrolled'
          : 'in_progress';
      const key = `${r.course_id}|${stage}`;
      let g = groups.get(key);
      if (!g)
        groups.set(
          key,
          (g = {
            courseId: String(r.course_id),
            code: String(r.code),
            title: String(r.title),
            stage,
            people: 0,
            ids: new Set(),
          }),
        );
      g.ids.add(String(r.person_id));
      g.people = g.ids.size;
    }
    return [...groups.values()].map(({ ids: _ids, ...row }) => row);
  }

  /** Attendance with hours in non-cancelled sessions held in [from, to]. */
  async attended(
    filter: PeopleFilter,
    range: { from: IsoDate; to: IsoDate },
    cohort: CohortFilter,
  ): Promise<AttendedRow[]> {
    const qb = attendanceWithCourse(this.dataSource)
      .select([
        's.id AS session_id',
        'a.person_id AS person_id',
        'a.hours AS hours',
        'CAST(s.held_on AS TEXT) AS held_on',
        'c.id AS cohort_id',
        'course.id AS course_id',
        'course.code AS code',
        'course.title AS title',
        'c.setting AS setting',
      ])
      .where('s.cancelled_at IS NULL AND a.hours > 0 AND s.held_on >= :from AND s.held_on <= :to', range);
    const rows = await this.scoped(whereCohort(qb, cohort), 'a.person_id', filter).getRawMany<Record<string, string>>();
    return rows.map((r) => ({
      sessionId: r.session_id,
      personId: r.person_id,
      hours: Number(r.hours),
      heldOn: r.held_on.slice(0, 10),
      cohortId: r.cohort_id,
      courseId: r.course_id,
      code: r.code,
      title: r.title,
      setting: r.setting,
    }));
  }

  /** Courses completed in [from, to]. */
  async completions(
    filter: PeopleFilter,
    range: { from: IsoDate; to: IsoDate },
    cohort: CohortFilter,
  ): Promise<CompletionRow[]> {
    const qb = enrollmentsWithCourse(this.dataSource)
      .select([
        'e.person_id AS person_id',
        'c.id AS cohort_id',
        'course.id AS course_id',
        'course.code AS code',
        'course.title AS title',
        'c.setting AS setting',
        'CAST(e.completed_on AS TEXT) AS completed_on',
      ])
      .where("e.status = 'enrolled' AND e.completed_on >= :from AND e.completed_on <= :to", range);
    const rows = await this.scoped(whereCohort(qb, cohort), 'e.person_id', filter).getRawMany<Record<string, string>>();
    return rows.map((r) => ({
      personId: r.person_id,
      cohortId: r.cohort_id,
      courseId: r.course_id,
      code: r.code,
      title: r.title,
      setting: r.setting,
      completedOn: r.completed_on.slice(0, 10),
    }));
  }

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
    const rows = await this.scoped(qb, 'c.person_id', filter).getRawMany<Record<string, string | number | null>>();
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

  /** Supervision sessions and minutes per peer per month in [from, to] (never the summaries). */
  async supervisionByMonth(
    filter: PeopleFilter,
    range: { from: IsoDate; to: IsoDate },
    supervisorId?: string,
  ): Promise<SupervisionMonthRow[]> {
    const month = 'SUBSTR(CAST(s.held_on AS TEXT), 1, 7)';
    let qb = this.dataSource
      .createQueryBuilder()
      .select([
        's.peer_id AS peer_id',
        'p.name AS name',
        'p.preferred_name AS preferred_name',
        `${month} AS month`,
        'COUNT(*) AS sessions',
        'SUM(s.minutes) AS minutes',
      ])
      .from('supervision_sessions', 's')
      .innerJoin('people', 'p', 'p.id = s.peer_id')
      .where('s.held_on >= :from AND s.held_on <= :to', range)
      .groupBy('s.peer_id')
      .addGroupBy('p.name')
      .addGroupBy('p.preferred_name')
      .addGroupBy(month)
      .orderBy('lower(p.name)', 'ASC')
      .addOrderBy('s.peer_id', 'ASC')
      .addOrderBy(month, 'ASC');
    if (supervisorId) qb = qb.andWhere('s.supervisor_id = :sessionSupervisor', { sessionSupervisor: supervisorId });
    const rows = await this.scoped(qb, 's.peer_id', { ...filter, supervisorId: undefined }).getRawMany<
      Record<string, string>
    >();
    return rows.map((r) => ({
      peerId: r.peer_id,
      peerName: r.preferred_name || r.name,
      month: r.month,
      sessions: Number(r.sessions),
      minutes: Number(r.minutes),
    }));
  }

  /** People who have supervised anyone, for the supervisor filter. */
  async supervisors(): Promise<Array<{ id: string; name: string }>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['p.id AS id', 'p.name AS name', 'p.preferred_name AS preferred_name'])
      .from('people', 'p')
      .where("EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'supervisor')")
      .orderBy('lower(p.name)', 'ASC')
      .getRawMany<{ id: string; name: string; preferred_name: string | null }>();
    return rows.map((r) => ({ id: r.id, name: r.preferred_name || r.name }));
  }

  async courses(): Promise<Array<{ id: string; code: string; title: string; awardsCode: string | null }>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['c.id AS id', 'c.code AS code', 'c.title AS title', 't.code AS awards_code'])
      .from('courses', 'c')
      .leftJoin('credential_types', 't', 't.id = c.awards_credential_type_id')
      .orderBy('c.code', 'ASC')
      .getRawMany<{ id: string; code: string; title: string; awards_code: string | null }>();
    return rows.map((r) => ({ id: r.id, code: r.code, title: r.title, awardsCode: r.awards_code }));
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

  /** The viewer's scope, and a supervisor's team when one is asked for. */
  private scoped<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    personColumn: string,
    filter: PeopleFilter,
  ): SelectQueryBuilder<T> {
    const visible = whereVisibleTo(qb, personColumn, filter.viewer, filter.today);
    if (!filter.supervisorId) return visible;
    return visible.andWhere(
      `${personColumn} IN (SELECT fa.peer_id FROM supervision_assignments fa
        WHERE fa.supervisor_id = :filterSupervisor AND fa.starts_on <= :filterTo AND (fa.ends_on IS NULL OR fa.ends_on >= :filterFrom))`,
      {
        filterSupervisor: filter.supervisorId,
        filterFrom: filter.from ?? filter.today,
        filterTo: filter.to ?? filter.today,
      },
    );
  }
}

/** Which cohorts training figures cover. */
export interface CohortFilter {
  courseIds?: string[];
  setting?: string;
  /** A part of the cohort's location, any capitals. */
  location?: string;
}

function whereCohort<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, f: CohortFilter): SelectQueryBuilder<T> {
  if (f.courseIds)
    qb.andWhere('course.id IN (:...courseIds)', {
      courseIds: f.courseIds.length ? f.courseIds : ['00000000-0000-0000-0000-000000000000'],
    });
  if (f.setting) qb.andWhere('c.setting = :setting', { setting: f.setting });
  if (f.location)
    qb.andWhere("lower(c.location) LIKE :location ESCAPE '\\'", {
      location: `%${f.location.toLowerCase().replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`,
    });
  return qb;
}
