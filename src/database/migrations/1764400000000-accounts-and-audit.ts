import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/** Sign-in (passwords, sessions, one-time links, API tokens, login throttling), supervision assignments for scoping, and the audit log. */
export class AccountsAndAudit1764400000000 implements MigrationInterface {
  name = 'AccountsAndAudit1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `ALTER TABLE "people" ADD COLUMN "password_hash" varchar(255)`,
      `ALTER TABLE "people" ADD COLUMN "password_changed_at" ${t.timestamp}`,

      // The id is an HMAC of the cookie's token: a copy of this table opens no session.
      `CREATE TABLE "sessions" (
        "id" varchar(64) PRIMARY KEY NOT NULL,
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "last_seen_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "expires_at" ${t.timestamp} NOT NULL,
        "ip" varchar(64),
        "user_agent" varchar(300),
        "revoked_at" ${t.timestamp},
        "revoked_reason" varchar(40)
      )`,
      `CREATE INDEX "IDX_sessions_person" ON "sessions" ("person_id")`,

      `CREATE TABLE "api_tokens" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "name" varchar(100) NOT NULL,
        "token_hash" varchar(64) NOT NULL UNIQUE,
        "prefix" varchar(16) NOT NULL,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "created_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "last_used_at" ${t.timestamp},
        "revoked_at" ${t.timestamp},
        "revoked_by_id" ${t.uuid} REFERENCES "people" ("id")
      )`,
      `CREATE INDEX "IDX_api_tokens_person" ON "api_tokens" ("person_id")`,

      // Single-use links: an invitation to set a first password, or a password reset.
      `CREATE TABLE "account_links" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "purpose" varchar(20) NOT NULL CHECK ("purpose" IN ('invitation', 'password_reset')),
        "token_hash" varchar(64) NOT NULL UNIQUE,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "created_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "expires_at" ${t.timestamp} NOT NULL,
        "used_at" ${t.timestamp}
      )`,

      `CREATE TABLE "login_failures" (
        "id" ${t.uuidPk},
        "email_key" varchar(254) NOT NULL,
        "ip" varchar(64) NOT NULL,
        "at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE INDEX "IDX_login_failures_email" ON "login_failures" ("email_key", "at")`,
      `CREATE INDEX "IDX_login_failures_ip" ON "login_failures" ("ip", "at")`,

      // A peer supervised by a qualified supervisor for a period; history is kept (issue: supervision).
      `CREATE TABLE "supervision_assignments" (
        "id" ${t.uuidPk},
        "peer_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "supervisor_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "starts_on" date NOT NULL,
        "ends_on" date,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        CHECK ("ends_on" IS NULL OR "ends_on" >= "starts_on"),
        CHECK ("peer_id" <> "supervisor_id")
      )`,
      `CREATE INDEX "IDX_supervision_supervisor" ON "supervision_assignments" ("supervisor_id")`,
      `CREATE INDEX "IDX_supervision_peer" ON "supervision_assignments" ("peer_id")`,

      // Append-only and hash-chained: each entry's hash covers its content and the previous hash.
      `CREATE TABLE "audit_log" (
        "id" ${t.bigint} PRIMARY KEY NOT NULL,
        "at" ${t.timestamp} NOT NULL,
        "actor_id" ${t.uuid},
        "actor_label" varchar(200) NOT NULL,
        "ip" varchar(64),
        "action" varchar(60) NOT NULL,
        "entity_type" varchar(60) NOT NULL,
        "entity_id" varchar(64),
        "before" text,
        "after" text,
        "prev_hash" varchar(64) NOT NULL,
        "hash" varchar(64) NOT NULL
      )`,
      `CREATE INDEX "IDX_audit_at" ON "audit_log" ("at")`,
      `CREATE INDEX "IDX_audit_actor" ON "audit_log" ("actor_id")`,
      `CREATE INDEX "IDX_audit_entity" ON "audit_log" ("entity_type", "entity_id")`,
      ...(t.postgres
        ? [
            `CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP; END $$`,
            `CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`,
            `CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`,
          ]
        : [
            `CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log" BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed'); END`,
            `CREATE TRIGGER "audit_log_no_delete" BEFORE DELETE ON "audit_log" BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed'); END`,
          ]),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `DROP TABLE "audit_log"`,
      ...(t.postgres ? [`DROP FUNCTION audit_log_refuse_change()`] : []),
      `DROP TABLE "supervision_assignments"`,
      `DROP TABLE "login_failures"`,
      `DROP TABLE "account_links"`,
      `DROP TABLE "api_tokens"`,
      `DROP TABLE "sessions"`,
      `ALTER TABLE "people" DROP COLUMN "password_changed_at"`,
      `ALTER TABLE "people" DROP COLUMN "password_hash"`,
    ]);
  }
}
