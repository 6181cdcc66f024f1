import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * The in-process job runner's queue (used when REDIS_URL is unset): one row per job, kept after it
 * finishes so failures stay visible. Times are epoch milliseconds, compared as numbers on both
 * engines. A de-duplication key may exist once (NULLs do not collide).
 */
export class Jobs1764900000000 implements MigrationInterface {
  name = 'Jobs1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "jobs" (
        "id" ${t.uuidPk},
        "queue" varchar(20) NOT NULL,
        "name" varchar(60) NOT NULL,
        "payload" ${t.json} NOT NULL,
        "dedupe_key" varchar(200),
        "state" varchar(10) NOT NULL CHECK ("state" IN ('waiting', 'delayed', 'active', 'completed', 'failed')),
        "attempts_made" integer NOT NULL DEFAULT 0,
        "max_attempts" integer NOT NULL CHECK ("max_attempts" >= 1),
        "backoff_ms" integer NOT NULL,
        "run_at" ${t.bigint} NOT NULL,
        "locked_by" varchar(80),
        "locked_until" ${t.bigint},
        "progress_done" integer,
        "progress_total" integer,
        "error" varchar(2000),
        "created_at" ${t.bigint} NOT NULL,
        "finished_at" ${t.bigint}
      )`,
      `CREATE UNIQUE INDEX "UQ_jobs_dedupe_key" ON "jobs" ("dedupe_key")`,
      // The runner's claim: the next due job of one queue.
      `CREATE INDEX "IDX_jobs_claim" ON "jobs" ("queue", "state", "run_at")`,
      `CREATE INDEX "IDX_jobs_finished" ON "jobs" ("state", "finished_at")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "jobs"`);
  }
}
