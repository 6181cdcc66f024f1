import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/** The tables whose rows make up the practice-role rules the clearance engine compiles. */
export const RULE_TABLES = ['credential_types', 'practice_roles', 'practice_role_requirements'];

/**
 * One counter that every change to the catalogue's rules moves, inside the same transaction (by
 * trigger, so no code path can forget it). Each app instance keeps its compiled rules and checks
 * this single row per request: a change made through any instance is seen by all on their next request.
 */
export class CatalogRevision1796150000000 implements MigrationInterface {
  name = 'CatalogRevision1796150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "catalog_revision" (
        "id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1),
        "revision" ${t.bigint} NOT NULL
      )`,
      `INSERT INTO "catalog_revision" ("id", "revision") VALUES (1, 1)`,
      ...(t.postgres
        ? [
            `CREATE FUNCTION catalog_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN UPDATE "catalog_revision" SET "revision" = "revision" + 1 WHERE "id" = 1; RETURN NULL; END $$`,
            ...RULE_TABLES.map(
              (table) =>
                `CREATE TRIGGER "${table}_bump_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION catalog_revision_bump()`,
            ),
          ]
        : RULE_TABLES.flatMap((table) =>
            ['INSERT', 'UPDATE', 'DELETE'].map(
              (event) =>
                `CREATE TRIGGER "${table}_bump_revision_${event.toLowerCase()}" AFTER ${event} ON "${table}" BEGIN UPDATE "catalog_revision" SET "revision" = "revision" + 1 WHERE "id" = 1; END`,
            ),
          )),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      ...(t.postgres
        ? [
            ...RULE_TABLES.map((table) => `DROP TRIGGER "${table}_bump_revision" ON "${table}"`),
            `DROP FUNCTION catalog_revision_bump()`,
          ]
        : RULE_TABLES.flatMap((table) =>
            ['insert', 'update', 'delete'].map((event) => `DROP TRIGGER "${table}_bump_revision_${event}"`),
          )),
      `DROP TABLE "catalog_revision"`,
    ]);
  }
}
