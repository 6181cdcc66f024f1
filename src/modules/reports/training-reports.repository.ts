import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { attendanceWithCourse, enrollmentsWithCourse } from '../../common/db/course-joins';
import { scoped, type PeopleFilter } from './report-scope';

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

/** The named queries of the training reports and the dashboard's pipeline; each is scoped to what the viewer may see. */
@Injectable()
export class TrainingReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const rows = await scoped(qb, 'e.person_id', filter).getRawMany<Record<string, string | null>>();
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
    const rows = await scoped(whereCohort(qb, cohort), 'a.person_id', filter).getRawMany<Record<string, string>>();
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
    const rows = await scoped(whereCohort(qb, cohort), 'e.person_id', filter).getRawMany<Record<string, string>>();
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
}
