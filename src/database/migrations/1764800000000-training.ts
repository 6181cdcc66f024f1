import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Training: courses with modules and an optional exam, cohorts (runs of a course) with their
 * trainers and sessions, enrollments with a wait list, attendance, exam attempts, and the link from
 * an awarded credential back to the cohort that awarded it (one award per person per cohort).
 */
export class Training1764800000000 implements MigrationInterface {
  name = 'Training1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "courses" (
        "id" ${t.uuidPk},
        "code" varchar(32) NOT NULL,
        "title" varchar(200) NOT NULL,
        "description" varchar(2000),
        "required_hours" ${t.decimal} NOT NULL CHECK ("required_hours" > 0),
        "exam_pass_mark" integer CHECK ("exam_pass_mark" IS NULL OR "exam_pass_mark" BETWEEN 1 AND 100),
        "exam_max_attempts" integer CHECK ("exam_max_attempts" IS NULL OR "exam_max_attempts" BETWEEN 1 AND 10),
        "awards_credential_type_id" ${t.uuid} REFERENCES "credential_types" ("id"),
        "ce_category" varchar(30),
        "active" boolean NOT NULL DEFAULT true,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "updated_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        CHECK (("exam_pass_mark" IS NULL) = ("exam_max_attempts" IS NULL))
      )`,
      `CREATE UNIQUE INDEX "UQ_courses_code" ON "courses" (upper("code"))`,

      `CREATE TABLE "course_modules" (
        "id" ${t.uuidPk},
        "course_id" ${t.uuid} NOT NULL REFERENCES "courses" ("id"),
        "position" integer NOT NULL,
        "title" varchar(200) NOT NULL,
        "hours" ${t.decimal} NOT NULL CHECK ("hours" > 0),
        "required" boolean NOT NULL DEFAULT false,
        UNIQUE ("course_id", "position")
      )`,

      `CREATE TABLE "cohorts" (
        "id" ${t.uuidPk},
        "course_id" ${t.uuid} NOT NULL REFERENCES "courses" ("id"),
        "name" varchar(200) NOT NULL,
        "location" varchar(200) NOT NULL,
        "setting" varchar(12) NOT NULL CHECK ("setting" IN ('clinic', 'community', 'jail')),
        "starts_on" date NOT NULL,
        "ends_on" date NOT NULL,
        "capacity" integer NOT NULL CHECK ("capacity" BETWEEN 1 AND 5000),
        "status" varchar(12) NOT NULL DEFAULT 'planned' CHECK ("status" IN ('planned', 'running', 'completed', 'cancelled')),
        "completed_on" date,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        CHECK ("ends_on" >= "starts_on")
      )`,
      `CREATE INDEX "IDX_cohorts_course" ON "cohorts" ("course_id", "starts_on")`,

      `CREATE TABLE "cohort_trainers" (
        "cohort_id" ${t.uuid} NOT NULL REFERENCES "cohorts" ("id"),
        "trainer_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        PRIMARY KEY ("cohort_id", "trainer_id")
      )`,
      `CREATE INDEX "IDX_cohort_trainers_trainer" ON "cohort_trainers" ("trainer_id")`,

      `CREATE TABLE "training_sessions" (
        "id" ${t.uuidPk},
        "cohort_id" ${t.uuid} NOT NULL REFERENCES "cohorts" ("id"),
        "held_on" date NOT NULL,
        "starts_at" varchar(5) NOT NULL,
        "ends_at" varchar(5) NOT NULL,
        "hours" ${t.decimal} NOT NULL CHECK ("hours" > 0 AND "hours" <= 24),
        "cancelled_at" ${t.timestamp},
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        CHECK ("ends_at" > "starts_at")
      )`,
      `CREATE INDEX "IDX_training_sessions_cohort" ON "training_sessions" ("cohort_id", "held_on")`,

      `CREATE TABLE "training_session_modules" (
        "session_id" ${t.uuid} NOT NULL REFERENCES "training_sessions" ("id"),
        "module_id" ${t.uuid} NOT NULL REFERENCES "course_modules" ("id"),
        PRIMARY KEY ("session_id", "module_id")
      )`,

      `CREATE TABLE "enrollments" (
        "id" ${t.uuidPk},
        "cohort_id" ${t.uuid} NOT NULL REFERENCES "cohorts" ("id"),
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "status" varchar(12) NOT NULL CHECK ("status" IN ('enrolled', 'waitlisted', 'withdrawn')),
        "requested_at" ${t.timestamp} NOT NULL,
        "enrolled_at" ${t.timestamp},
        "withdrawn_at" ${t.timestamp},
        "completed_on" date,
        "created_by_id" ${t.uuid} REFERENCES "people" ("id")
      )`,
      // One current enrollment per person and cohort; withdrawn ones stay as history.
      `CREATE UNIQUE INDEX "UQ_enrollments_current" ON "enrollments" ("cohort_id", "person_id") WHERE "status" <> 'withdrawn'`,
      `CREATE INDEX "IDX_enrollments_person" ON "enrollments" ("person_id")`,

      `CREATE TABLE "attendance" (
        "session_id" ${t.uuid} NOT NULL REFERENCES "training_sessions" ("id"),
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "status" varchar(8) NOT NULL CHECK ("status" IN ('present', 'absent', 'partial')),
        "hours" ${t.decimal} NOT NULL CHECK ("hours" >= 0),
        "recorded_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "recorded_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        PRIMARY KEY ("session_id", "person_id")
      )`,
      `CREATE INDEX "IDX_attendance_person" ON "attendance" ("person_id")`,

      `CREATE TABLE "exam_attempts" (
        "id" ${t.uuidPk},
        "cohort_id" ${t.uuid} NOT NULL REFERENCES "cohorts" ("id"),
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "attempt" integer NOT NULL CHECK ("attempt" >= 1),
        "score" integer NOT NULL CHECK ("score" BETWEEN 0 AND 100),
        "passed" boolean NOT NULL,
        "taken_on" date NOT NULL,
        "recorded_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        UNIQUE ("cohort_id", "person_id", "attempt")
      )`,

      // No REFERENCES here: SQLite cannot drop a column that is part of a foreign key, and this migration must
      // revert on both engines. Cohorts are never deleted, so the link cannot dangle.
      `ALTER TABLE "credentials" ADD COLUMN "cohort_id" ${t.uuid}`,
      // Awarding a cohort twice can never give anyone a second credential for it.
      `CREATE UNIQUE INDEX "UQ_credentials_cohort_award" ON "credentials" ("cohort_id", "person_id") WHERE "cohort_id" IS NOT NULL`,
      // Bumped to retire a person's calendar feed address (the address is a keyed hash of id and version).
      `ALTER TABLE "people" ADD COLUMN "calendar_feed_version" integer NOT NULL DEFAULT 1`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `ALTER TABLE "people" DROP COLUMN "calendar_feed_version"`,
      `DROP INDEX "UQ_credentials_cohort_award"`,
      `ALTER TABLE "credentials" DROP COLUMN "cohort_id"`,
      `DROP TABLE "exam_attempts"`,
      `DROP TABLE "attendance"`,
      `DROP TABLE "enrollments"`,
      `DROP TABLE "training_session_modules"`,
      `DROP TABLE "training_sessions"`,
      `DROP TABLE "cohort_trainers"`,
      `DROP TABLE "cohorts"`,
      `DROP TABLE "course_modules"`,
      `DROP TABLE "courses"`,
    ]);
  }
}
