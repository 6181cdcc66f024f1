import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * A credential type can be known to exist before its issuer publishes its terms (the Montana doula
 * licence: created by 2025 law, terms not yet published). Such a type reads as "terms not yet
 * published" wherever its validity is shown, rather than as "does not expire".
 */
export class CredentialTermsPublished1796170000000 implements MigrationInterface {
  name = 'CredentialTermsPublished1796170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `ALTER TABLE "credential_types" ADD COLUMN "terms_published" boolean NOT NULL DEFAULT ${t.postgres ? 'true' : '1'}`,
      // The seeded licence, unless an admin has since given it terms of its own.
      `UPDATE "credential_types" SET "terms_published" = ${t.postgres ? 'false' : '0'} WHERE upper("code") = 'MT-DOULA-LIC' AND "validity_kind" = 'none'`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [`ALTER TABLE "credential_types" DROP COLUMN "terms_published"`]);
  }
}
