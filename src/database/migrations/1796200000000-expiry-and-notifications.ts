import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * The daily expiry scan and what it sends.
 *
 * - `credentials.standing` is the standing the scan last recorded (active, grace, expired,
 *   terminated) and `next_check_on` the next date anything can happen to the credential (a status
 *   change or a reminder); the scan reads only rows due by that index, so a day costs what changes
 *   that day, not the whole table. New rows start due (the default), and triggers make a row due
 *   again whenever its dates or its type's rules change, whoever changes them.
 * - `sent_reminders` holds each (credential, threshold) reminder once, ever (its primary key).
 * - `clearance_snapshots` is the last known clearance per person and practice role, to notice changes.
 * - `notifications` is the in-app inbox; `outbox` the e-mail waiting to go out or sent;
 *   `notification_preferences` each person's choice about reminder e-mail.
 */
export class ExpiryAndNotifications1796200000000 implements MigrationInterface {
  name = 'ExpiryAndNotifications1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    const due = `'0001-01-01'`;
    await runAll(queryRunner, [
      `ALTER TABLE "credentials" ADD COLUMN "standing" varchar(12) CHECK ("standing" IN ('active', 'grace', 'expired', 'terminated'))`,
      `ALTER TABLE "credentials" ADD COLUMN "next_check_on" date DEFAULT ${due}`,
      `CREATE INDEX "IDX_credentials_next_check" ON "credentials" ("next_check_on", "id")`,
      ...(t.postgres
        ? [
            `CREATE FUNCTION "credentials_recheck"() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               NEW."next_check_on" := DATE ${due};
               RETURN NEW;
             END $$`,
            `CREATE TRIGGER "TR_credentials_recheck" BEFORE UPDATE OF "expires_on", "revoked_on", "suspended_from", "suspended_until", "credential_type_id", "person_id"
               ON "credentials" FOR EACH ROW
               WHEN (OLD."expires_on" IS DISTINCT FROM NEW."expires_on" OR OLD."revoked_on" IS DISTINCT FROM NEW."revoked_on"
                  OR OLD."suspended_from" IS DISTINCT FROM NEW."suspended_from" OR OLD."suspended_until" IS DISTINCT FROM NEW."suspended_until"
                  OR OLD."credential_type_id" IS DISTINCT FROM NEW."credential_type_id" OR OLD."person_id" IS DISTINCT FROM NEW."person_id")
               EXECUTE FUNCTION "credentials_recheck"()`,
            `CREATE FUNCTION "credential_types_recheck"() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               UPDATE "credentials" SET "next_check_on" = DATE ${due} WHERE "credential_type_id" = NEW."id";
               RETURN NEW;
             END $$`,
            `CREATE TRIGGER "TR_credential_types_recheck" AFTER UPDATE OF "grace_days", "terminates_after_days", "reminder_days"
               ON "credential_types" FOR EACH ROW
               WHEN (OLD."grace_days" IS DISTINCT FROM NEW."grace_days" OR OLD."terminates_after_days" IS DISTINCT FROM NEW."terminates_after_days"
                  OR OLD."reminder_days"::text IS DISTINCT FROM NEW."reminder_days"::text)
               EXECUTE FUNCTION "credential_types_recheck"()`,
          ]
        : [
            `CREATE TRIGGER "TR_credentials_recheck" AFTER UPDATE OF "expires_on", "revoked_on", "suspended_from", "suspended_until", "credential_type_id", "person_id"
               ON "credentials" FOR EACH ROW
               WHEN OLD."expires_on" IS NOT NEW."expires_on" OR OLD."revoked_on" IS NOT NEW."revoked_on"
                  OR OLD."suspended_from" IS NOT NEW."suspended_from" OR OLD."suspended_until" IS NOT NEW."suspended_until"
                  OR OLD."credential_type_id" IS NOT NEW."credential_type_id" OR OLD."person_id" IS NOT NEW."person_id"
               BEGIN UPDATE "credentials" SET "next_check_on" = ${due} WHERE "id" = NEW."id"; END`,
            `CREATE TRIGGER "TR_credential_types_recheck" AFTER UPDATE OF "grace_days", "terminates_after_days", "reminder_days"
               ON "credential_types" FOR EACH ROW
               WHEN OLD."grace_days" IS NOT NEW."grace_days" OR OLD."terminates_after_days" IS NOT NEW."terminates_after_days"
                  OR OLD."reminder_days" IS NOT NEW."reminder_days"
               BEGIN UPDATE "credentials" SET "next_check_on" = ${due} WHERE "credential_type_id" = NEW."id"; END`,
          ]),

      `CREATE TABLE "credential_transitions" (
        "id" ${t.uuidPk},
        "credential_id" ${t.uuid} NOT NULL REFERENCES "credentials" ("id") ON DELETE CASCADE,
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "from_standing" varchar(12),
        "to_standing" varchar(12) NOT NULL,
        "on_date" date NOT NULL,
        "recorded_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        UNIQUE ("credential_id", "on_date", "to_standing")
      )`,
      `CREATE INDEX "IDX_credential_transitions_person" ON "credential_transitions" ("person_id", "on_date")`,

      `CREATE TABLE "sent_reminders" (
        "credential_id" ${t.uuid} NOT NULL REFERENCES "credentials" ("id") ON DELETE CASCADE,
        "threshold" varchar(12) NOT NULL,
        "scan_date" date NOT NULL,
        "sent_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        PRIMARY KEY ("credential_id", "threshold")
      )`,

      `CREATE TABLE "clearance_snapshots" (
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "role_code" varchar(32) NOT NULL,
        "cleared" boolean NOT NULL,
        "as_of" date NOT NULL,
        PRIMARY KEY ("person_id", "role_code")
      )`,

      `CREATE TABLE "notifications" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "kind" varchar(40) NOT NULL,
        "title" varchar(300) NOT NULL,
        "body" varchar(4000) NOT NULL,
        "link" varchar(300),
        "dedupe_key" varchar(200),
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "read_at" ${t.timestamp}
      )`,
      `CREATE UNIQUE INDEX "UQ_notifications_dedupe_key" ON "notifications" ("dedupe_key")`,
      `CREATE INDEX "IDX_notifications_inbox" ON "notifications" ("person_id", "created_at")`,
      `CREATE INDEX "IDX_notifications_unread" ON "notifications" ("person_id", "read_at")`,

      `CREATE TABLE "outbox" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} REFERENCES "people" ("id"),
        "to_address" varchar(320) NOT NULL,
        "subject" varchar(300) NOT NULL,
        "template" varchar(60) NOT NULL,
        "context" ${t.json} NOT NULL,
        "state" varchar(10) NOT NULL DEFAULT 'pending' CHECK ("state" IN ('pending', 'sending', 'sent', 'failed')),
        "attempts" integer NOT NULL DEFAULT 0,
        "claimed_until" ${t.bigint},
        "last_error" varchar(2000),
        "dedupe_key" varchar(200),
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "sent_at" ${t.timestamp}
      )`,
      `CREATE INDEX "IDX_outbox_state" ON "outbox" ("state", "created_at")`,
      `CREATE UNIQUE INDEX "UQ_outbox_dedupe_key" ON "outbox" ("dedupe_key")`,

      `CREATE TABLE "notification_preferences" (
        "person_id" ${t.uuid} PRIMARY KEY NOT NULL REFERENCES "people" ("id"),
        "email_reminders" boolean NOT NULL DEFAULT true,
        "updated_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `DROP TABLE "notification_preferences"`,
      `DROP TABLE "outbox"`,
      `DROP TABLE "notifications"`,
      `DROP TABLE "clearance_snapshots"`,
      `DROP TABLE "sent_reminders"`,
      `DROP TABLE "credential_transitions"`,
      `DROP TRIGGER "TR_credential_types_recheck"${t.postgres ? ' ON "credential_types"' : ''}`,
      `DROP TRIGGER "TR_credentials_recheck"${t.postgres ? ' ON "credentials"' : ''}`,
      ...(t.postgres ? [`DROP FUNCTION "credential_types_recheck"()`, `DROP FUNCTION "credentials_recheck"()`] : []),
      `DROP INDEX "IDX_credentials_next_check"`,
      `ALTER TABLE "credentials" DROP COLUMN "next_check_on"`,
      `ALTER TABLE "credentials" DROP COLUMN "standing"`,
    ]);
  }
}
