import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Certificates: one frozen PDF per issue of a credential (re-issues supersede and keep the old
 * row), each with its verification code and a stable place in the revocation status list; and
 * the log of public verification lookups.
 */
export class Certificates1764960000000 implements MigrationInterface {
  name = 'Certificates1764960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "certificates" (
        "id" ${t.uuidPk},
        "credential_id" ${t.uuid} NOT NULL REFERENCES "credentials" ("id"),
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "code" varchar(17) NOT NULL,
        "status_index" integer NOT NULL CHECK ("status_index" >= 0),
        "template_id" varchar(40) NOT NULL,
        "template_version" integer NOT NULL,
        "storage_key" varchar(200) NOT NULL,
        "sha256" varchar(64) NOT NULL,
        "byte_size" integer NOT NULL,
        "recipient_name" varchar(200) NOT NULL,
        "credential_name" varchar(200) NOT NULL,
        "issued_at" ${t.timestamp} NOT NULL,
        "issued_by_job" varchar(100),
        "superseded_at" ${t.timestamp},
        "superseded_by_id" ${t.uuid} REFERENCES "certificates" ("id"),
        "supersede_reason" varchar(40),
        "supersede_note" varchar(300),
        "reissue_requested_at" ${t.timestamp},
        "reissue_requested_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "reissue_reason" varchar(40),
        "reissue_note" varchar(300),
        "revoked_on" date,
        "revocation_reason" varchar(40),
        "revoked_at" ${t.timestamp},
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE UNIQUE INDEX "UQ_certificates_code" ON "certificates" ("code")`,
      `CREATE UNIQUE INDEX "UQ_certificates_status_index" ON "certificates" ("status_index")`,
      // At most one current (not superseded) certificate per credential: issuing twice cannot make two.
      `CREATE UNIQUE INDEX "UQ_certificates_current" ON "certificates" ("credential_id") WHERE "superseded_at" IS NULL`,
      `CREATE INDEX "IDX_certificates_person" ON "certificates" ("person_id")`,

      `CREATE TABLE "certificate_lookups" (
        "id" ${t.uuidPk},
        "certificate_id" ${t.uuid} REFERENCES "certificates" ("id"),
        "code" varchar(40) NOT NULL,
        "result" varchar(12) NOT NULL,
        "channel" varchar(4) NOT NULL CHECK ("channel" IN ('page', 'api')),
        "ip" varchar(64),
        "looked_up_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE INDEX "IDX_certificate_lookups_certificate" ON "certificate_lookups" ("certificate_id", "looked_up_at")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [`DROP TABLE "certificate_lookups"`, `DROP TABLE "certificates"`]);
  }
}
