import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Issue 19, "the board shows what matters": the practice roles a person works in (dated, ended by setting
 * `ends_on`, never deleted), and the order practice roles are shown in, set in the catalogue. Existing
 * roles keep their alphabetical order, with Peer Support Specialist first: every other role builds on it.
 */
export class PracticeRoleAssignments1796800000000 implements MigrationInterface {
  name = 'PracticeRoleAssignments1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "practice_role_assignments" (
        "id" ${d.uuidPk},
        "person_id" ${d.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "practice_role_id" ${d.uuid} NOT NULL REFERENCES "practice_roles" ("id") ON DELETE CASCADE,
        "starts_on" date NOT NULL,
        "ends_on" date,
        "assigned_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL,
        "ended_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL,
        "created_at" ${d.timestamp} NOT NULL DEFAULT ${d.now}
      )`,
      `CREATE INDEX "IDX_practice_role_assignments_person" ON "practice_role_assignments" ("person_id", "practice_role_id")`,
      `ALTER TABLE "practice_roles" ADD COLUMN "sort_order" integer NOT NULL DEFAULT 1000`,
      `UPDATE "practice_roles" SET "sort_order" = CASE WHEN "code" = 'PSS' THEN 0 ELSE 1 + (
         SELECT COUNT(*) FROM "practice_roles" o WHERE o."code" <> 'PSS' AND lower(o."name") < lower("practice_roles"."name")) END`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `ALTER TABLE "practice_roles" DROP COLUMN "sort_order"`,
      `DROP INDEX "IDX_practice_role_assignments_person"`,
      `DROP TABLE "practice_role_assignments"`,
    ]);
  }
}
