import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Moving in from spreadsheets: `imports` (each uploaded file, its dry run and commit) and
 * `import_mappings` (saved column mappings). People get an optional, unique `external_id` (an HR
 * number) to be matched by on the next import; credentials keep where their primary-source check
 * was made (`verification_source`, e.g. "state licence lookup").
 */
export class Imports1796600000000 implements MigrationInterface {
  name = 'Imports1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `ALTER TABLE "people" ADD COLUMN "external_id" varchar(64)`,
      `CREATE UNIQUE INDEX "UQ_people_external_id" ON "people" ("external_id")`,
      `ALTER TABLE "credentials" ADD COLUMN "verification_source" varchar(200)`,
      `CREATE TABLE "imports" (
        "id" ${d.uuidPk},
        "kind" varchar(20) NOT NULL,
        "state" varchar(12) NOT NULL,
        "file_name" varchar(255) NOT NULL,
        "sha256" varchar(64) NOT NULL,
        "size_bytes" integer NOT NULL,
        "sheet" varchar(100),
        "mapping" text NOT NULL,
        "options" text NOT NULL,
        "reading" text,
        "rows" integer NOT NULL DEFAULT 0,
        "rows_done" integer NOT NULL DEFAULT 0,
        "counts" text NOT NULL,
        "errors" text NOT NULL,
        "error_count" integer NOT NULL DEFAULT 0,
        "conflict_count" integer NOT NULL DEFAULT 0,
        "failure" varchar(1000),
        "created_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL,
        "started_at" ${d.timestamp},
        "committed_at" ${d.timestamp},
        "created_at" ${d.timestamp} NOT NULL DEFAULT ${d.now},
        "updated_at" ${d.timestamp} NOT NULL DEFAULT ${d.now}
      )`,
      `CREATE INDEX "IDX_imports_created" ON "imports" ("created_at")`,
      `CREATE TABLE "import_mappings" (
        "id" ${d.uuidPk},
        "kind" varchar(20) NOT NULL,
        "name" varchar(100) NOT NULL,
        "mapping" text NOT NULL,
        "created_at" ${d.timestamp} NOT NULL DEFAULT ${d.now}
      )`,
      `CREATE UNIQUE INDEX "UQ_import_mappings_kind_name" ON "import_mappings" ("kind", "name")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `DROP INDEX "UQ_import_mappings_kind_name"`,
      `DROP TABLE "import_mappings"`,
      `DROP INDEX "IDX_imports_created"`,
      `DROP TABLE "imports"`,
      `ALTER TABLE "credentials" DROP COLUMN "verification_source"`,
      `DROP INDEX "UQ_people_external_id"`,
      `ALTER TABLE "people" DROP COLUMN "external_id"`,
    ]);
  }
}
