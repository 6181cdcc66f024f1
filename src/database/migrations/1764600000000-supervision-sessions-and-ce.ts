import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/** Logged supervision sessions (kept 7 years: no delete path) and continuing-education entries. */
export class SupervisionSessionsAndCe1764600000000 implements MigrationInterface {
  name = 'SupervisionSessionsAndCe1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "supervision_sessions" (
        "id" ${t.uuidPk},
        "peer_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "supervisor_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "held_on" date NOT NULL,
        "minutes" integer NOT NULL CHECK ("minutes" >= 15 AND "minutes" % 15 = 0 AND "minutes" <= 480),
        "summary" varchar(1000) NOT NULL,
        "attested_at" ${t.timestamp} NOT NULL,
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE INDEX "IDX_supervision_sessions_peer" ON "supervision_sessions" ("peer_id", "held_on")`,

      `CREATE TABLE "ce_entries" (
        "id" ${t.uuidPk},
        "person_id" ${t.uuid} NOT NULL REFERENCES "people" ("id"),
        "title" varchar(200) NOT NULL,
        "provider" varchar(200) NOT NULL,
        "completed_on" date NOT NULL,
        "hours" ${t.decimal} NOT NULL CHECK ("hours" > 0),
        "category" varchar(30) NOT NULL,
        "evidence_note" varchar(200),
        "status" varchar(10) NOT NULL DEFAULT 'submitted' CHECK ("status" IN ('submitted', 'confirmed', 'rejected')),
        "reviewed_by_id" ${t.uuid} REFERENCES "people" ("id"),
        "reviewed_at" ${t.timestamp},
        "created_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      `CREATE INDEX "IDX_ce_entries_person" ON "ce_entries" ("person_id", "completed_on")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [`DROP TABLE "ce_entries"`, `DROP TABLE "supervision_sessions"`]);
  }
}
