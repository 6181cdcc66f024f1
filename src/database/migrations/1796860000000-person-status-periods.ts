import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialect, runAll } from './dialect';

interface Row {
  id: string;
  status: string;
  day: string;
}
interface AuditRow {
  entity_id: string;
  action: string;
  before: string | null;
  after: string | null;
  day: string;
}
interface Period {
  status: string;
  from: string;
  to: string | null;
  reason: string;
}

const statusIn = (json: string | null): string | undefined => {
  try {
    const status = json ? (JSON.parse(json) as { status?: unknown }).status : undefined;
    return status === 'active' || status === 'inactive' ? status : undefined;
  } catch {
    return undefined;
  }
};
const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * A person's periods as the audit log tells them: their status when made, then each change on the (UTC) day it was
 * made, a second change on one day replacing the first. When the log does not end at the status they have now (rows
 * written around the app), one open period with today's status, from the day the record was made.
 */
function periodsOf(person: Row, entries: AuditRow[]): Period[] {
  const periods: Period[] = [];
  const change = (status: string, day: string) => {
    const open = periods[periods.length - 1];
    if (open?.status === status) return;
    if (open && open.from >= day) periods.pop();
    const before = periods[periods.length - 1];
    if (before?.status === status) {
      before.to = null;
      return;
    }
    if (before) before.to = dayBefore(day);
    const reason = status === 'active' ? 'joined' : 'other';
    periods.push({ status, from: periods.length === 0 ? person.day : day, to: null, reason });
  };
  for (const e of entries) {
    const status = statusIn(e.after);
    if (!status) continue;
    if (periods.length === 0 && e.action === 'person.updated') change(statusIn(e.before) ?? status, person.day);
    change(status, e.day);
  }
  if (periods.length && periods[periods.length - 1].status === person.status) return periods;
  return [
    { status: person.status, from: person.day, to: null, reason: person.status === 'active' ? 'joined' : 'other' },
  ];
}

/**
 * Issue 21 §4: a person's active/inactive status keeps its history, so a past date is judged by the status
 * then, not today's. Each person's periods are read back from the audit log (which has recorded every status
 * change made through the app), from the day their record was made; where it cannot tell, one open period with
 * their current status. The first period also answers for days before it (see src/common/status-periods.ts).
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
    const day = (column: string) =>
      d.postgres ? `to_char("${column}" AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : `substr("${column}", 1, 10)`;
    const people = (await queryRunner.query(
      `SELECT "id", "status", ${day('created_at')} AS "day" FROM "people"`,
    )) as Row[];
    // The audit log holds every status a person was given through the app, with its day: the history it can tell.
    const entries = (await queryRunner.query(
      `SELECT "entity_id", "action", "before", "after", ${day('at')} AS "day" FROM "audit_log"
        WHERE "entity_type" = 'person' AND "action" IN ('person.created', 'person.updated') ORDER BY "id"`,
    )) as AuditRow[];
    const byPerson = new Map<string, AuditRow[]>();
    for (const e of entries) byPerson.set(e.entity_id, [...(byPerson.get(e.entity_id) ?? []), e]);
    const p = (n: number) => (d.postgres ? `$${n}` : '?');
    for (const person of people) {
      for (const period of periodsOf(person, byPerson.get(person.id) ?? [])) {
        await queryRunner.query(
          `INSERT INTO "person_status_periods" ("id", "person_id", "status", "from_date", "to_date", "reason")
           VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`,
          [randomUUID(), person.id, period.status, period.from, period.to, period.reason],
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runAll(queryRunner, [
      `DROP INDEX "IDX_person_status_periods_person_from"`,
      `DROP TABLE "person_status_periods"`,
    ]);
  }
}
