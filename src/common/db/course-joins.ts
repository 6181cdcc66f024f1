import type { DataSource, SelectQueryBuilder } from 'typeorm';

/*
 * The one way from training records to their course: enrollment → cohort → course, and attendance → session →
 * cohort → course, over the tables the training module owns. It lives here rather than in training/ because
 * continuing education (a layer below training) counts completed courses too, and reports reads all of them.
 * Aliases: `e` enrollment, `a` attendance, `s` session, `c` cohort, `course` course. Callers add the select.
 */

function joinCohortAndCourse<T extends SelectQueryBuilder<object>>(qb: T, cohortId: string): T {
  return qb.innerJoin('cohorts', 'c', `c.id = ${cohortId}`).innerJoin('courses', 'course', 'course.id = c.course_id');
}

/** Enrollments (`e`) with their cohort (`c`) and course (`course`). */
export function enrollmentsWithCourse(dataSource: DataSource): SelectQueryBuilder<object> {
  return joinCohortAndCourse(dataSource.createQueryBuilder().from('enrollments', 'e'), 'e.cohort_id');
}

/** Attendance (`a`) with its session (`s`), the session's cohort (`c`) and course (`course`). */
export function attendanceWithCourse(dataSource: DataSource): SelectQueryBuilder<object> {
  const qb = dataSource
    .createQueryBuilder()
    .from('attendance', 'a')
    .innerJoin('training_sessions', 's', 's.id = a.session_id');
  return joinCohortAndCourse(qb, 's.cohort_id');
}
