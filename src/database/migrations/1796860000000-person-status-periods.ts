import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

/**
 * Issue 21 §4: a person's active/inactive status keeps its history, so a past date is judged by the status
 * then, not today's. Each person gets one open period with their current status, from the day their record
 * was made. Nothing earlier is known, so the first period also answers for days before it (see
 * src/common/db/status-periods.ts): migrating changes no answer on any date; changes from now on are dated.
 */
export class PersonStatusPeriods1796860000000 implements MigrationInterface {
  name = 'PersonStatusPeriods1796860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const d = dialect(queryRunner);
    await runAll(queryRunner, [
      `CREATE TABLE "person_status_periods" (
        "id" ${d.uuidPk},
        "person_id" ${d.uuid} NOT NULL REFERENCES "people" ("id") ON DELETE CASCADE,
        "status" varchar(10) NOT NULL CHECK ("status" IN ('active', 'inactive')),
        "from_date" date NOT NULL,
        "to_date" date,
        "reason" varchar(20) NOT NULL CHECK ("reason" IN ('joined', 'left', 'leave', 'other')),
        "recorded_at" ${d.timestamp} NOT NULL DEFAULT ${d.now},
        "recorded_by_id" ${d.uuid} REFERENCES "people" ("id") ON DELETE SET NULL
      )`,
      `CREATE UNIQUE INDEX "IDX_person_status_periods_person_from" ON "person_status_periods" ("person_id", "from_date")`,
    ]);
    const day = d.postgres ? `to_char("created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : `substr("created_at", 1, 10)`;
    const people = (await queryRunner.query(`SELECT "id", "status", ${day} AS "day" FROM "people"`)) as Array<{
      id: string;
      status: string;
      day: string;
    }>;
    const p = (n: number) => (d.postgres ? `$${n}` : '?');
    for (const person of people) {
      await queryRunner.query(
        `INSERT INTO "person_status_periods" ("id", "person_id", "status", "from_date", "reason") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
        [randomUUID(), person.id, person.status, person.day, person.status === 'active' ? 'joined' : 'other'],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `DROP INDEX "IDX_person_status_periods_person_from"`,
      `DROP TABLE "person_status_periods"`,
    ]);
  }
}
