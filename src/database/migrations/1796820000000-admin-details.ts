import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Issue 19's admin details: whether a revocation's reason may be shown on the public verify page
 * (hidden unless the admin says so: "Disciplinary action" is nobody else's business), and the
 * program's own settings (the director's name and signature printed on certificates), one row a key.
 */
export class AdminDetails1796820000000 implements MigrationInterface {
  name = 'AdminDetails1796820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `ALTER TABLE "credentials" ADD COLUMN "revocation_reason_public" boolean NOT NULL DEFAULT false`,
      `CREATE TABLE "program_settings" (
        "key" varchar(60) PRIMARY KEY NOT NULL,
        "value" text NOT NULL,
        "updated_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL,
        "updated_at" ${d.timestamp} NOT NULL DEFAULT ${d.now}
      )`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `DROP TABLE "program_settings"`,
      `ALTER TABLE "credentials" DROP COLUMN "revocation_reason_public"`,
    ]);
  }
}
