import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/** People and their roles, lived-experience attestations, the credential catalogue, practice-role rules and credential records. */
export class CoreSchema1764300000000 implements MigrationInterface {
  name = 'CoreSchema1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "people" (
        "id" ${t.uuidPk},
        "name" varchar(200) NOT NULL,
        "preferred_name" varchar(200),
        "email" varchar(254) NOT NULL,
        "phone" varchar(40),
        "status" varchar(10) NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'inactive')),
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "updated_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      // One account per mailbox whatever the capitals: the index compares lower-cased addresses.
      `CREATE UNIQUE INDEX "UQ_people_email_ci" ON "people" (lower("email"))`,
      `CREATE INDEX "IDX_people_name" ON "people" ("name")`,

      `CREATE TABLE "person_roles" (
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "role" varchar(16) NOT NULL CHECK ("role" IN ('peer', 'trainer', 'supervisor', 'admin')),
        "granted_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        PRIMARY KEY ("person_id", "role")
      )`,

      // Only THAT lived experience was verified, by whom, when and where the evidence is kept.
      // Deliberately no column for a diagnosis, treatment or narrative (HIPAA, 42 CFR Part 2, ADA).
      `CREATE TABLE "lived_experience_attestations" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "verified_by_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "verified_on" date NOT NULL,
        "evidence_location" varchar(120) NOT NULL,
        "withdrawn_on" date,
        "withdrawn_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "recorded_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE INDEX "IDX_attestations_person" ON "lived_experience_attestations" ("person_id")`,

      `CREATE TABLE "credential_types" (
        "id" ${t.uuidPk},
        "code" varchar(32) NOT NULL,
        "name" varchar(200) NOT NULL,
        "issuer" varchar(200) NOT NULL,
        "kind" varchar(10) NOT NULL CHECK ("kind" IN ('internal', 'external')),
        "validity_kind" varchar(12) NOT NULL CHECK ("validity_kind" IN ('none', 'months', 'fixed_date')),
        "validity_months" integer CHECK ("validity_months" IS NULL OR "validity_months" BETWEEN 1 AND 600),
        "fixed_expiry_month" integer CHECK ("fixed_expiry_month" IS NULL OR "fixed_expiry_month" BETWEEN 1 AND 12),
        "fixed_expiry_day" integer CHECK ("fixed_expiry_day" IS NULL OR "fixed_expiry_day" BETWEEN 1 AND 31),
        "grace_days" integer NOT NULL DEFAULT 0 CHECK ("grace_days" >= 0),
        "terminates_after_days" integer CHECK ("terminates_after_days" IS NULL OR "terminates_after_days" > 0),
        "reminder_days" ${t.json} NOT NULL,
        "renewal_ce_hours" ${t.decimal},
        "description" text,
        "active" boolean NOT NULL DEFAULT true,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "updated_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE UNIQUE INDEX "UQ_credential_types_code" ON "credential_types" (upper("code"))`,

      `CREATE TABLE "practice_roles" (
        "id" ${t.uuidPk},
        "code" varchar(40) NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" text,
        "active" boolean NOT NULL DEFAULT true,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now},
        "updated_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE UNIQUE INDEX "UQ_practice_roles_code" ON "practice_roles" (upper("code"))`,

      // A rule is a tree of requirements: groups (all_of / any_of) holding leaves (a credential,
      // another practice role, lived experience, active supervision), each optionally dated.
      `CREATE TABLE "practice_role_requirements" (
        "id" ${t.uuidPk},
        "practice_role_id" ${t.uuid} NOT NULL REFERENCES "practice_roles" ("id") ON DELETE CASCADE,
        "parent_id" ${t.uuid} REFERENCES "practice_role_requirements" ("id") ON DELETE CASCADE,
        "position" integer NOT NULL DEFAULT 0,
        "kind" varchar(20) NOT NULL CHECK ("kind" IN ('all_of', 'any_of', 'credential', 'practice_role', 'lived_experience', 'active_supervision')),
        "credential_type_id" ${t.uuid} REFERENCES "credential_types" ("id"),
        "required_practice_role_id" ${t.uuid} REFERENCES "practice_roles" ("id"),
        "applies_from" date,
        "applies_until" date,
        CHECK (("kind" = 'credential') = ("credential_type_id" IS NOT NULL)),
        CHECK (("kind" = 'practice_role') = ("required_practice_role_id" IS NOT NULL))
      )`,
      `CREATE INDEX "IDX_requirements_role" ON "practice_role_requirements" ("practice_role_id")`,

      `CREATE TABLE "credentials" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "credential_type_id" ${t.uuid} NOT NULL REFERENCES "credential_types" ("id"),
        "source" varchar(10) NOT NULL CHECK ("source" IN ('course', 'external')),
        "issued_on" date NOT NULL,
        "expires_on" date,
        "licence_number" varchar(60),
        "issuing_body" varchar(200),
        "evidence_note" varchar(200),
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE INDEX "IDX_credentials_person" ON "credentials" ("person_id")`,
      `CREATE INDEX "IDX_credentials_expires" ON "credentials" ("expires_on")`,

      // Which catalogue seed entries have been applied, so a re-run never re-adds what an admin removed or renamed.
      `CREATE TABLE "seed_entries" (
        "key" varchar(80) PRIMARY KEY NOT NULL,
        "applied_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `DROP TABLE "seed_entries"`,
      `DROP TABLE "credentials"`,
      `DROP TABLE "practice_role_requirements"`,
      `DROP TABLE "practice_roles"`,
      `DROP TABLE "credential_types"`,
      `DROP TABLE "lived_experience_attestations"`,
      `DROP TABLE "person_roles"`,
      `DROP TABLE "people"`,
    ]);
  }
}
