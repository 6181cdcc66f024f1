import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect } from './dialect';

/**
 * Rate-limit counters that several web processes share without Redis (issue 20's WEB_CONCURRENCY on
 * PostgreSQL): one fixed window per key, the hits in it and when it ends (epoch milliseconds).
 */
export class RateLimits1796850000000 implements MigrationInterface {
  name = 'RateLimits1796850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "rate_limits" ("key" varchar(300) PRIMARY KEY NOT NULL, "hits" integer NOT NULL, "expires_at" ${d.bigint} NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "idx_rate_limits_expires_at" ON "rate_limits" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limits"`);
  }
}
