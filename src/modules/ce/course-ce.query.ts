import type { DataSource } from 'typeorm';
import { enrollmentsWithCourse } from '../../common/db/course-joins';

/**
 * The one rule for which completed courses count as continuing education: a completed enrollment
 * in a course that carries a CE category (the Perinatal Training Hub topics) counts its course's
 * hours as they are, without review. Callers narrow it to their people with `andWhere` on `e`.
 * Selects person_id, completed_on (text), hours, category, title and cohort.
 */
export function completedCeCourses(dataSource: DataSource) {
  return enrollmentsWithCourse(dataSource)
    .select([
      'e.person_id AS person_id',
      'CAST(e.completed_on AS TEXT) AS completed_on',
      'course.required_hours AS hours',
      'course.ce_category AS category',
      'course.title AS title',
      'c.name AS cohort',
    ])
    .where('e.completed_on IS NOT NULL AND course.ce_category IS NOT NULL');
}
