import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll } from './dialect';

/**
 * What the daily expiry scan needs to see clearance changes no credential write announces.
 *
 * - `expiry_scan_state` keeps the last scan date that finished: the next scan looks at every date
 *   that arrived since (its window), so a missed day is caught up and a rerun covers nothing twice.
 * - Indexes on the dates that start or end clearance (assignments, supervisor qualifications,
 *   lived-experience attestations, credential issue/revocation/suspension, rule versions), so the
 *   people a window touches are found by index ranges, never by reading a whole table. The
 *   nullable credential dates are partial indexes: most credentials are never revoked or suspended.
 * - `sent_reminders.outcome` says whether a claimed reminder went out or was skipped (and
 *   `skipped_reason` why): a catch-up reminder for a threshold long past is recorded, never sent.
 */
export class ExpiryScanWindows1796210000000 implements MigrationInterface {
  name = 'ExpiryScanWindows1796210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `CREATE TABLE "expiry_scan_state" (
        "id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1),
        "scanned_through" date NOT NULL
      )`,
      `CREATE INDEX "IDX_supervision_starts" ON "supervision_assignments" ("starts_on")`,
      `CREATE INDEX "IDX_supervision_ends" ON "supervision_assignments" ("ends_on") WHERE "ends_on" IS NOT NULL`,
      `CREATE INDEX "IDX_supervisor_qualifications_from" ON "supervisor_qualifications" ("qualified_from")`,
      `CREATE INDEX "IDX_supervisor_qualifications_until" ON "supervisor_qualifications" ("qualified_until") WHERE "qualified_until" IS NOT NULL`,
      `CREATE INDEX "IDX_attestations_verified" ON "lived_experience_attestations" ("verified_on")`,
      `CREATE INDEX "IDX_attestations_withdrawn" ON "lived_experience_attestations" ("withdrawn_on") WHERE "withdrawn_on" IS NOT NULL`,
      `CREATE INDEX "IDX_credentials_issued" ON "credentials" ("issued_on")`,
      `CREATE INDEX "IDX_credentials_revoked" ON "credentials" ("revoked_on") WHERE "revoked_on" IS NOT NULL`,
      `CREATE INDEX "IDX_credentials_suspended_from" ON "credentials" ("suspended_from") WHERE "suspended_from" IS NOT NULL`,
      `CREATE INDEX "IDX_credentials_suspended_until" ON "credentials" ("suspended_until") WHERE "suspended_until" IS NOT NULL`,
      `ALTER TABLE "sent_reminders" ADD COLUMN "outcome" varchar(8) NOT NULL DEFAULT 'sent' CHECK ("outcome" IN ('sent', 'skipped'))`,
      `ALTER TABLE "sent_reminders" ADD COLUMN "skipped_reason" varchar(300)`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `ALTER TABLE "sent_reminders" DROP COLUMN "skipped_reason"`,
      `ALTER TABLE "sent_reminders" DROP COLUMN "outcome"`,
      `DROP INDEX "IDX_credentials_suspended_until"`,
      `DROP INDEX "IDX_credentials_suspended_from"`,
      `DROP INDEX "IDX_credentials_revoked"`,
      `DROP INDEX "IDX_credentials_issued"`,
      `DROP INDEX "IDX_attestations_withdrawn"`,
      `DROP INDEX "IDX_attestations_verified"`,
      `DROP INDEX "IDX_supervisor_qualifications_until"`,
      `DROP INDEX "IDX_supervisor_qualifications_from"`,
      `DROP INDEX "IDX_supervision_ends"`,
      `DROP INDEX "IDX_supervision_starts"`,
      `DROP TABLE "expiry_scan_state"`,
    ]);
  }
}
