import type { Enrollment } from './enrollment.entity';

/**
 * A roster entry as the API gives it. A roster is training scope: of the person, only what a
 * trainer needs to run the course (id, name, e-mail), never the rest of their record.
 */
export function enrollmentView(e: Enrollment) {
  const { person, ...enrollment } = e;
  return { ...enrollment, person: person ? { id: person.id, name: person.name, email: person.email } : undefined };
}
