import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll } from './dialect';

/** A credential can be suspended for a span of days (it counts again afterwards), unlike a revocation. */
export class CredentialSuspension1764700000000 implements MigrationInterface {
  name = 'CredentialSuspension1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `ALTER TABLE "credentials" ADD COLUMN "suspended_from" date`,
      `ALTER TABLE "credentials" ADD COLUMN "suspended_until" date`,
      `ALTER TABLE "credentials" ADD COLUMN "suspension_reason" varchar(40)`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(
      queryRunner,
      ['suspension_reason', 'suspended_until', 'suspended_from'].map(
        (c) => `ALTER TABLE "credentials" DROP COLUMN "${c}"`,
      ),
    );
  }
}
