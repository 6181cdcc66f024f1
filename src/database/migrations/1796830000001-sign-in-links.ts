import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

const table = (t: ReturnType<typeof dialect>, name: string, purposes: string) => `CREATE TABLE "${name}" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "purpose" varchar(20) NOT NULL CHECK ("purpose" IN (${purposes})),
        "token_hash" varchar(64) NOT NULL UNIQUE,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "created_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "expires_at" ${t.timestamp} NOT NULL,
        "used_at" ${t.timestamp}
      )`;
const COLUMNS = `"id", "person_id", "purpose", "token_hash", "created_at", "created_by_id", "expires_at", "used_at"`;

/**
 * `account_links` may also hold `sign_in`: an admin's break-glass sign-in link from the command line, which still lets
 * an admin in with PASSWORD_SIGNIN=off. SQLite cannot change a CHECK in place, so there the table is rebuilt.
 */
export class SignInLinks1796830000001 implements MigrationInterface {
  name = 'SignInLinks1796830000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.allow(queryRunner, `'invitation', 'password_reset', 'sign_in'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "account_links" WHERE "purpose" = 'sign_in'`);
    await this.allow(queryRunner, `'invitation', 'password_reset'`);
  }

  private async allow(queryRunner: QueryRunner, purposes: string): Promise<void> {
    const t = dialect(queryRunner);
    if (t.postgres) {
      await runAll(queryRunner, [
        `ALTER TABLE "account_links" DROP CONSTRAINT "account_links_purpose_check"`,
        `ALTER TABLE "account_links" ADD CONSTRAINT "account_links_purpose_check" CHECK ("purpose" IN (${purposes}))`,
      ]);
      return;
    }
    await runAll(queryRunner, [
      table(t, 'account_links_rebuilt', purposes),
      `INSERT INTO "account_links_rebuilt" (${COLUMNS}) SELECT ${COLUMNS} FROM "account_links"`,
      `DROP TABLE "account_links"`,
      `ALTER TABLE "account_links_rebuilt" RENAME TO "account_links"`,
    ]);
  }
}
