import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * `roster_rejections`: every rejected line of a refused roster import with its reason, for the
 * uploader to download (the reply lists only the first 100). Rows older than a day are deleted
 * when the next rejection is written; the index on `created_at` keeps that a range delete.
 */
export class RosterRejections1796300000000 implements MigrationInterface {
  name = 'RosterRejections1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "roster_rejections" (
        "id" ${d.uuidPk},
        "cohort_id" ${d.uuid} NOT NULL REFERENCES "cohorts" ("id") ON DELETE CASCADE,
        "created_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL,
        "error_count" integer NOT NULL,
        "csv" text NOT NULL,
        "created_at" ${d.timestamp} NOT NULL DEFAULT ${d.now}
      )`,
      `CREATE INDEX "IDX_roster_rejections_created" ON "roster_rejections" ("created_at")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [`DROP INDEX "IDX_roster_rejections_created"`, `DROP TABLE "roster_rejections"`]);
  }
}
