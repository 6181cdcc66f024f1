import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/** `submissions`: credentials, renewals and CE that people hand in with evidence, for an admin to review. */
export class Submissions1796700000000 implements MigrationInterface {
  name = 'Submissions1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "submissions" (
        "id" ${d.uuidPk},
        "person_id" ${d.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "kind" varchar(12) NOT NULL,
        "state" varchar(12) NOT NULL,
        "credential_type_id" ${d.uuid} REFERENCES "credential_types" ("id"),
        "renews_credential_id" ${d.uuid} REFERENCES "credentials" ("id") ON DELETE SET NULL,
        "licence_number" varchar(60),
        "issuing_body" varchar(200),
        "issued_on" date,
        "expires_on" date,
        "title" varchar(200),
        "provider" varchar(200),
        "completed_on" date,
        "hours" ${d.decimal},
        "category" varchar(30),
        "files" text NOT NULL,
        "submitted_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL,
        "previous_id" ${d.uuid} REFERENCES "submissions" ("id") ON DELETE SET NULL,
        "reviewed_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL,
        "reviewed_at" ${d.timestamp},
        "return_reason" varchar(500),
        "record_id" ${d.uuid},
        "created_at" ${d.timestamp} NOT NULL DEFAULT ${d.now},
        "updated_at" ${d.timestamp} NOT NULL DEFAULT ${d.now}
      )`,
      `CREATE INDEX "IDX_submissions_state_created" ON "submissions" ("state", "created_at")`,
      `CREATE INDEX "IDX_submissions_person" ON "submissions" ("person_id")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `DROP INDEX "IDX_submissions_person"`,
      `DROP INDEX "IDX_submissions_state_created"`,
      `DROP TABLE "submissions"`,
    ]);
  }
}
