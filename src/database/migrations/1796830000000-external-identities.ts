import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * `external_identities`: who a person is at an identity provider (OpenID Connect now, SAML later), so a
 * sign-in there finds them by the provider's stable subject even after their e-mail changes.
 */
export class ExternalIdentities1796830000000 implements MigrationInterface {
  name = 'ExternalIdentities1796830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "external_identities" (
        "id" ${d.uuidPk},
        "person_id" ${d.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "provider" varchar(10) NOT NULL,
        "issuer" varchar(500) NOT NULL,
        "subject" varchar(255) NOT NULL,
        "email" varchar(254) NOT NULL,
        "created_at" ${d.timestamp} NOT NULL DEFAULT ${d.now},
        "last_sign_in_at" ${d.timestamp}
      )`,
      `CREATE UNIQUE INDEX "UQ_external_identities_subject" ON "external_identities" ("provider", "issuer", "subject")`,
      `CREATE UNIQUE INDEX "UQ_external_identities_person" ON "external_identities" ("person_id", "provider", "issuer")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "external_identities"`);
  }
}
