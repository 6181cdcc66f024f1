import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Issue 19, trainers' daily friction:
 * - `training_sessions.place`: where one session meets when it is not the cohort's usual location
 *   (a repeating schedule names its place once for every day it creates); null means the cohort's.
 * - `form_results`: what a page form answered (a refused roster, a date-of-service check), kept a
 *   short while for the person who posted it, so the form can redirect (303) to a GET page showing it
 *   instead of answering the POST with a page. Rows older than an hour are deleted as new ones come.
 */
export class TrainerFriction1796810000000 implements MigrationInterface {
  name = 'TrainerFriction1796810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `ALTER TABLE "training_sessions" ADD COLUMN "place" varchar(200)`,
      `CREATE TABLE "form_results" (
        "id" ${d.uuidPk},
        "owner_id" ${d.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "kind" varchar(80) NOT NULL,
        "payload" text NOT NULL,
        "created_at" ${d.timestamp} NOT NULL DEFAULT ${d.now}
      )`,
      `CREATE INDEX "IDX_form_results_created" ON "form_results" ("created_at")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `DROP INDEX "IDX_form_results_created"`,
      `DROP TABLE "form_results"`,
      `ALTER TABLE "training_sessions" DROP COLUMN "place"`,
    ]);
  }
}
