import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Practice-role rules keep every version with the days it was in force, so clearance for a past
 * date uses the rule as it stood then (a billing audit of last March must not change because the
 * rule was edited today). Each existing rule becomes version 1, in force from the beginning.
 */
export class PracticeRoleRuleVersions1796160000000 implements MigrationInterface {
  name = 'PracticeRoleRuleVersions1796160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    const p = (n: number) => (t.postgres ? `$${n}` : '?');
    await runAll(queryRunner, [
      `CREATE TABLE "practice_role_rule_versions" (
        "id" ${t.uuidPk},
        "practice_role_id" ${t.uuid} NOT NULL REFERENCES "practice_roles" ("id") ON DELETE CASCADE,
        "version" integer NOT NULL CHECK ("version" >= 1),
        "effective_from" date,
        "effective_until" date,
        "note" varchar(500),
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "created_by_id" ${t.uuid} REFERENCES "people" ("id"),
        UNIQUE ("practice_role_id", "version")
      )`,
      `ALTER TABLE "practice_role_requirements" ADD COLUMN "rule_version_id" ${t.uuid} REFERENCES "practice_role_rule_versions" ("id") ON DELETE CASCADE`,
      `CREATE INDEX "IDX_requirements_rule_version" ON "practice_role_requirements" ("rule_version_id")`,
    ]);
    const roles = (await queryRunner.query(`SELECT "id" FROM "practice_roles"`)) as Array<{ id: string }>;
    for (const role of roles) {
      const id = randomUUID();
      await queryRunner.query(
        `INSERT INTO "practice_role_rule_versions" ("id", "practice_role_id", "version", "note") VALUES (${p(1)}, ${p(2)}, 1, ${p(3)})`,
        [id, role.id, 'The rule as it stood when rule history began.'],
      );
      await queryRunner.query(
        `UPDATE "practice_role_requirements" SET "rule_version_id" = ${p(1)} WHERE "practice_role_id" = ${p(2)}`,
        [id, role.id],
      );
    }
    await runAll(
      queryRunner,
      t.postgres
        ? [
            `ALTER TABLE "practice_role_requirements" ALTER COLUMN "rule_version_id" SET NOT NULL`,
            `CREATE TRIGGER "practice_role_rule_versions_bump_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "practice_role_rule_versions" FOR EACH STATEMENT EXECUTE FUNCTION catalog_revision_bump()`,
          ]
        : ['INSERT', 'UPDATE', 'DELETE'].map(
            (event) =>
              `CREATE TRIGGER "practice_role_rule_versions_bump_revision_${event.toLowerCase()}" AFTER ${event} ON "practice_role_rule_versions" BEGIN UPDATE "catalog_revision" SET "revision" = "revision" + 1 WHERE "id" = 1; END`,
          ),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    // Going back keeps only each role's latest version: the history has nowhere to live.
    await runAll(queryRunner, [
      `DELETE FROM "practice_role_requirements" WHERE "rule_version_id" IN (
         SELECT v."id" FROM "practice_role_rule_versions" v
          WHERE v."version" < (SELECT max(l."version") FROM "practice_role_rule_versions" l WHERE l."practice_role_id" = v."practice_role_id"))`,
      ...(t.postgres
        ? [`DROP TRIGGER "practice_role_rule_versions_bump_revision" ON "practice_role_rule_versions"`]
        : ['insert', 'update', 'delete'].map(
            (event) => `DROP TRIGGER "practice_role_rule_versions_bump_revision_${event}"`,
          )),
      `DROP INDEX "IDX_requirements_rule_version"`,
      `ALTER TABLE "practice_role_requirements" DROP COLUMN "rule_version_id"`,
      `DROP TABLE "practice_role_rule_versions"`,
    ]);
  }
}
