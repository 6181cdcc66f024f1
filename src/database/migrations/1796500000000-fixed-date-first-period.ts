import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * The first period of a fixed-date credential (issue 18 §3). MT-CBHPSS expires every Dec 31, so a
 * certification granted on Dec 20 used to expire 11 days later. Boards grant a December renewal, and
 * most a first certification inside the renewal window, for the next year:
 * - `fixed_date_lead_days`: issued within this many days before the fixed date, the first expiry is the
 *   following one (0, the default, keeps the old behaviour for every other type);
 * - `fixed_date_lead_verified`: false while the program has not confirmed the figure with the issuer;
 *   the catalogue then says "unverified: check with" the issuer.
 * The seeded MT-CBHPSS gets 90 days, unverified, unless an admin has changed its validity since.
 */
export class FixedDateFirstPeriod1796500000000 implements MigrationInterface {
  name = 'FixedDateFirstPeriod1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    const bool = (b: boolean) => (t.postgres ? String(b) : b ? '1' : '0');
    await runAll(queryRunner, [
      `ALTER TABLE "credential_types" ADD COLUMN "fixed_date_lead_days" integer NOT NULL DEFAULT 0`,
      `ALTER TABLE "credential_types" ADD COLUMN "fixed_date_lead_verified" boolean NOT NULL DEFAULT ${bool(true)}`,
      `UPDATE "credential_types" SET "fixed_date_lead_days" = 90, "fixed_date_lead_verified" = ${bool(false)}
        WHERE upper("code") = 'MT-CBHPSS' AND "validity_kind" = 'fixed_date' AND "fixed_expiry_month" = 12 AND "fixed_expiry_day" = 31`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `ALTER TABLE "credential_types" DROP COLUMN "fixed_date_lead_verified"`,
      `ALTER TABLE "credential_types" DROP COLUMN "fixed_date_lead_days"`,
    ]);
  }
}
