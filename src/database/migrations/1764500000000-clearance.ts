import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/** What clearance needs beyond the core: revocations and primary-source checks on credentials, and qualified supervisors. */
export class Clearance1764500000000 implements MigrationInterface {
  name = 'Clearance1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `ALTER TABLE "credentials" ADD COLUMN "expiry_note" varchar(200)`,
      `ALTER TABLE "credentials" ADD COLUMN "revoked_on" date`,
      `ALTER TABLE "credentials" ADD COLUMN "revocation_reason" varchar(40)`,
      `ALTER TABLE "credentials" ADD COLUMN "revocation_note" varchar(300)`,
      `ALTER TABLE "credentials" ADD COLUMN "revoked_by_id" ${t.uuid} REFERENCES "people" ("id")`,
      // Primary-source verification of an external licence: who checked the issuer's lookup, when, and what it said.
      `ALTER TABLE "credentials" ADD COLUMN "verified_by_id" ${t.uuid} REFERENCES "people" ("id")`,
      `ALTER TABLE "credentials" ADD COLUMN "verified_on" date`,
      `ALTER TABLE "credentials" ADD COLUMN "verification_result" varchar(20)`,
      `CREATE INDEX "IDX_credentials_type" ON "credentials" ("credential_type_id")`,

      `CREATE TABLE "supervisor_qualifications" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "licence" varchar(120) NOT NULL,
        "qualified_from" date NOT NULL,
        "qualified_until" date,
        "recorded_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        CHECK ("qualified_until" IS NULL OR "qualified_until" >= "qualified_from")
      )`,
      `CREATE INDEX "IDX_supervisor_qualifications_person" ON "supervisor_qualifications" ("person_id")`,
      // A change of supervisor must be reported to the Board within 20 business days.
      `ALTER TABLE "supervision_assignments" ADD COLUMN "board_report_due_on" date`,
      `ALTER TABLE "supervision_assignments" ADD COLUMN "board_reported_on" date`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `ALTER TABLE "supervision_assignments" DROP COLUMN "board_reported_on"`,
      `ALTER TABLE "supervision_assignments" DROP COLUMN "board_report_due_on"`,
      `DROP TABLE "supervisor_qualifications"`,
      `DROP INDEX "IDX_credentials_type"`,
      ...[
        'verification_result',
        'verified_on',
        'verified_by_id',
        'revoked_by_id',
        'revocation_note',
        'revocation_reason',
        'revoked_on',
        'expiry_note',
      ].map((c) => `ALTER TABLE "credentials" DROP COLUMN "${c}"`),
    ]);
  }
}
