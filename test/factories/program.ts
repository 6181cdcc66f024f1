import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CeEntry, type CeCategory, type CeStatus } from '../../src/modules/ce/ce-entry.entity';
import { Credential } from '../../src/modules/credentials/credential.entity';
import { LivedExperienceAttestation } from '../../src/modules/people/lived-experience-attestation.entity';
import { PersonRole } from '../../src/modules/people/person-role.entity';
import { type Role } from '../../src/common/auth/roles';
import { Person } from '../../src/modules/people/person.entity';
import { SupervisionAssignment } from '../../src/modules/supervision/supervision-assignment.entity';
import { SupervisionSession } from '../../src/modules/supervision/supervision-session.entity';
import { SupervisorQualification } from '../../src/modules/supervision/supervisor-qualification.entity';
import { Attendance, type AttendanceStatus } from '../../src/modules/training/attendance.entity';
import { Cohort, type CohortSetting, type CohortStatus } from '../../src/modules/training/cohort.entity';
import { CourseModule } from '../../src/modules/training/course-module.entity';
import { Course } from '../../src/modules/training/course.entity';
import { Enrollment } from '../../src/modules/training/enrollment.entity';
import { TrainingSession } from '../../src/modules/training/training-session.entity';

/**
 * Records of a small program placed exactly where a test wants them in time, written straight
 * through the entities (the services would stamp today's date on them, and these tests are about
 * dates). The catalogue comes from the app's own seed.
 */
export function programFactory(db: DataSource) {
  const typeIds = new Map<string, string>();
  const typeId = async (code: string) => {
    if (!typeIds.has(code))
      typeIds.set(code, String((await db.query(`SELECT id FROM credential_types WHERE code = '${code}'`))[0].id));
    return typeIds.get(code)!;
  };
  return {
    async person(name: string, roles: Role[], status: 'active' | 'inactive' = 'active'): Promise<Person> {
      const person = await db
        .getRepository(Person)
        .save(
          db.getRepository(Person).create({ name, email: `${randomUUID().slice(0, 8)}@fixture.example.org`, status }),
        );
      await db.getRepository(PersonRole).insert(roles.map((role) => ({ personId: person.id, role })));
      return person;
    },
    async livedExperience(person: Person, verifiedBy: Person, verifiedOn: string) {
      await db.getRepository(LivedExperienceAttestation).insert({
        personId: person.id,
        verifiedById: verifiedBy.id,
        verifiedOn,
        evidenceLocation: 'HR file',
        recordedAt: new Date(),
      });
    },
    async credential(
      person: Person,
      code: string,
      issuedOn: string,
      expiresOn: string | null,
      extra: Partial<Credential> = {},
    ): Promise<Credential> {
      return db.getRepository(Credential).save(
        db.getRepository(Credential).create({
          personId: person.id,
          credentialTypeId: await typeId(code),
          source: 'external',
          issuedOn,
          expiresOn,
          ...extra,
        }),
      );
    },
    async qualified(supervisor: Person, from: string, until: string | null = null) {
      await db.getRepository(SupervisorQualification).insert({
        personId: supervisor.id,
        licence: 'LCPC #1',
        qualifiedFrom: from,
        qualifiedUntil: until,
        recordedAt: new Date(),
      });
    },
    async supervise(peer: Person, supervisor: Person, startsOn: string, endsOn: string | null = null) {
      await db
        .getRepository(SupervisionAssignment)
        .insert({ peerId: peer.id, supervisorId: supervisor.id, startsOn, endsOn });
    },
    async supervisionSession(peer: Person, supervisor: Person, heldOn: string, minutes: number, summary: string) {
      await db
        .getRepository(SupervisionSession)
        .insert({ peerId: peer.id, supervisorId: supervisor.id, heldOn, minutes, summary, attestedAt: new Date() });
    },
    async ce(person: Person, completedOn: string, hours: number, category: CeCategory, status: CeStatus = 'confirmed') {
      await db.getRepository(CeEntry).insert({
        personId: person.id,
        title: 'Fixture CE',
        provider: 'Fixture',
        completedOn,
        hours,
        category,
        status,
      });
    },
    async course(code: string, title: string, requiredHours: number, awards: string | null): Promise<Course> {
      const course = await db.getRepository(Course).save(
        db.getRepository(Course).create({
          code,
          title,
          requiredHours,
          examPassMark: null,
          examMaxAttempts: null,
          awardsCredentialTypeId: awards ? await typeId(awards) : null,
          ceCategory: null,
        }),
      );
      await db
        .getRepository(CourseModule)
        .insert({ courseId: course.id, position: 1, title: 'Everything', hours: requiredHours, required: true });
      return course;
    },
    async cohort(
      course: Course,
      name: string,
      setting: CohortSetting,
      location: string,
      startsOn: string,
      endsOn: string,
      status: CohortStatus,
    ): Promise<Cohort> {
      return db.getRepository(Cohort).save(
        db.getRepository(Cohort).create({
          courseId: course.id,
          name,
          setting,
          location,
          startsOn,
          endsOn,
          status,
          capacity: 20,
          completedOn: null,
        }),
      );
    },
    async session(cohort: Cohort, heldOn: string, hours: number, cancelled = false): Promise<TrainingSession> {
      return db.getRepository(TrainingSession).save(
        db.getRepository(TrainingSession).create({
          cohortId: cohort.id,
          heldOn,
          startsAt: '09:00',
          endsAt: '17:00',
          hours,
          cancelledAt: cancelled ? new Date() : null,
        }),
      );
    },
    async enroll(cohort: Cohort, person: Person, completedOn: string | null = null) {
      await db.getRepository(Enrollment).insert({
        cohortId: cohort.id,
        personId: person.id,
        status: 'enrolled',
        requestedAt: new Date(),
        enrolledAt: new Date(),
        completedOn,
      });
    },
    async attend(session: TrainingSession, person: Person, status: AttendanceStatus, hours: number) {
      await db
        .getRepository(Attendance)
        .insert({ sessionId: session.id, personId: person.id, status, hours, recordedAt: new Date() });
    },
  };
}
