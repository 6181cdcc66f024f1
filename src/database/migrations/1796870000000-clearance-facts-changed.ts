import type { MigrationInterface, QueryRunner } from 'typeorm';
import { EVERY_PEER } from '../../common/db/facts-changed';
import { dialect, runAll } from './dialect';

/** A table whose rows are clearance facts of the person named in one of its columns. */
interface FactTable {
  table: string;
  person: string;
  /** The columns the clearance engine reads: an update of anything else changes nothing. */
  columns: string[];
  /** An assignment's end date: kept in the marker, so the supervisor of an assignment ended back then still hears. */
  ended?: string;
}

const FACT_TABLES: FactTable[] = [
  {
    table: 'credentials',
    person: 'person_id',
    columns: [
      'person_id',
      'credential_type_id',
      'issued_on',
      'expires_on',
      'revoked_on',
      'suspended_from',
      'suspended_until',
      'licence_number',
    ],
  },
  {
    table: 'supervision_assignments',
    person: 'peer_id',
    columns: ['peer_id', 'supervisor_id', 'starts_on', 'ends_on'],
    ended: 'ends_on',
  },
  {
    table: 'lived_experience_attestations',
    person: 'person_id',
    columns: ['person_id', 'verified_on', 'withdrawn_on'],
  },
  { table: 'people', person: 'id', columns: ['status'] },
];

/** Tables whose every change concerns all peers: the rules themselves. */
const RULE_TABLES = ['practice_role_rule_versions', 'practice_role_requirements'];

const QUALIFICATION_COLUMNS = ['person_id', 'qualified_from', 'qualified_until'];

/**
 * Backdated changes (issue 21 §3): a write that changes someone's clearance facts with a date the
 * expiry scan's windows have already passed (an assignment starting last month, a revocation
 * effective yesterday) was never seen by a scan. Triggers on every table the clearance engine reads
 * mark the person in `clearance_facts_changed` in the writing transaction itself, whichever code path
 * writes (pages, API, imports, approvals, the CLI). The next scan rechecks exactly the marked people
 * and deletes the markers it consumed; `version` grows with each further change, so a marker changed
 * while the scan ran no longer matches what the scan read and stays for the next one.
 * `supervision_ended_on` is the earliest end date a write gave one of the person's assignments: the
 * supervisor of an assignment ended back then is the one to hear that the peer is no longer cleared.
 */
export class ClearanceFactsChanged1796870000000 implements MigrationInterface {
  name = 'ClearanceFactsChanged1796870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    await runAll(queryRunner, [
      // No foreign key: a marker must never stop a person or a row being deleted.
      `CREATE TABLE "clearance_facts_changed" (
        "person_id" ${t.uuid} PRIMARY KEY NOT NULL,
        "version" integer NOT NULL DEFAULT 1,
        "supervision_ended_on" date,
        "changed_at" ${t.timestamp} NOT NULL DEFAULT ${t.now}
      )`,
      ...(t.postgres ? postgresTriggers() : sqliteTriggers()),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = dialect(queryRunner);
    const names = triggerNames();
    await runAll(queryRunner, [
      ...names.map(([name, table]) => `DROP TRIGGER "${name}"${t.postgres ? ` ON "${table}"` : ''}`),
      ...(t.postgres
        ? [
            `DROP FUNCTION "clearance_facts_row_changed"()`,
            `DROP FUNCTION "clearance_facts_qualification_changed"()`,
            `DROP FUNCTION "clearance_facts_rules_changed"()`,
            `DROP FUNCTION "clearance_facts_mark"(uuid, date)`,
          ]
        : []),
      `DROP TABLE "clearance_facts_changed"`,
    ]);
  }
}

/** [trigger, table] of every trigger this migration creates (the same names on both engines). */
function triggerNames(): Array<[string, string]> {
  const names: Array<[string, string]> = [];
  for (const table of [...FACT_TABLES.map((f) => f.table), 'supervisor_qualifications', ...RULE_TABLES])
    for (const op of ['insert', 'update', 'delete']) names.push([`TR_${table}_facts_${op}`, table]);
  return names;
}

const distinct = (columns: string[], op: string) => columns.map((c) => `OLD."${c}" ${op} NEW."${c}"`).join(' OR ');

function postgresTriggers(): string[] {
  const statements = [
    // LEAST ignores NULLs: the earliest end date either write named.
    `CREATE FUNCTION "clearance_facts_mark"(p uuid, ended date DEFAULT NULL) RETURNS void LANGUAGE sql AS $$
       INSERT INTO "clearance_facts_changed" ("person_id", "supervision_ended_on") VALUES (p, ended)
       ON CONFLICT ("person_id") DO UPDATE SET "version" = "clearance_facts_changed"."version" + 1, "changed_at" = now(),
         "supervision_ended_on" = LEAST("clearance_facts_changed"."supervision_ended_on", excluded."supervision_ended_on") $$`,
    // TG_ARGV[0] names the person column, TG_ARGV[1] (if any) the end date, so one function serves every fact table.
    `CREATE FUNCTION "clearance_facts_row_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP <> 'INSERT' THEN
         PERFORM "clearance_facts_mark"((to_jsonb(OLD) ->> TG_ARGV[0])::uuid, (to_jsonb(OLD) ->> TG_ARGV[1])::date);
       END IF;
       IF TG_OP <> 'DELETE' THEN
         PERFORM "clearance_facts_mark"((to_jsonb(NEW) ->> TG_ARGV[0])::uuid, (to_jsonb(NEW) ->> TG_ARGV[1])::date);
       END IF;
       RETURN NULL;
     END $$`,
    // A supervisor's qualification is a fact of each peer they supervise.
    `CREATE FUNCTION "clearance_facts_qualification_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP <> 'INSERT' THEN
         PERFORM "clearance_facts_mark"(a."peer_id") FROM "supervision_assignments" a WHERE a."supervisor_id" = OLD."person_id";
       END IF;
       IF TG_OP <> 'DELETE' THEN
         PERFORM "clearance_facts_mark"(a."peer_id") FROM "supervision_assignments" a WHERE a."supervisor_id" = NEW."person_id";
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE FUNCTION "clearance_facts_rules_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM "clearance_facts_mark"('${EVERY_PEER}'::uuid);
       RETURN NULL;
     END $$`,
  ];
  const triggers = (table: string, fn: string, columns: string[] | null) => [
    `CREATE TRIGGER "TR_${table}_facts_insert" AFTER INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${fn}`,
    columns
      ? `CREATE TRIGGER "TR_${table}_facts_update" AFTER UPDATE OF ${columns.map((c) => `"${c}"`).join(', ')} ON "${table}"
         FOR EACH ROW WHEN (${distinct(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION ${fn}`
      : `CREATE TRIGGER "TR_${table}_facts_update" AFTER UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${fn}`,
    `CREATE TRIGGER "TR_${table}_facts_delete" AFTER DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${fn}`,
  ];
  for (const f of FACT_TABLES)
    statements.push(
      ...triggers(f.table, `"clearance_facts_row_changed"('${f.person}'${f.ended ? `, '${f.ended}'` : ''})`, f.columns),
    );
  statements.push(
    ...triggers('supervisor_qualifications', `"clearance_facts_qualification_changed"()`, QUALIFICATION_COLUMNS),
  );
  for (const table of RULE_TABLES) statements.push(...triggers(table, `"clearance_facts_rules_changed"()`, null));
  return statements;
}

function sqliteTriggers(): string[] {
  // "WHERE true" (or any WHERE) keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
  // MIN of two values where either may be NULL: the earliest end date either write named.
  const upsert = (select: string) =>
    `INSERT INTO "clearance_facts_changed" ("person_id", "supervision_ended_on") ${select}
     ON CONFLICT ("person_id") DO UPDATE SET "version" = "clearance_facts_changed"."version" + 1, "changed_at" = CURRENT_TIMESTAMP,
       "supervision_ended_on" = MIN(COALESCE("clearance_facts_changed"."supervision_ended_on", excluded."supervision_ended_on"),
                                    COALESCE(excluded."supervision_ended_on", "clearance_facts_changed"."supervision_ended_on"));`;
  const one = (value: string, endedOn = 'NULL') => upsert(`SELECT ${value}, ${endedOn} WHERE true`);
  const peersOf = (supervisor: string) =>
    upsert(`SELECT DISTINCT "peer_id", NULL FROM "supervision_assignments" WHERE "supervisor_id" = ${supervisor}`);
  const triggers = (table: string, columns: string[] | null, mark: (row: 'OLD' | 'NEW') => string) => [
    `CREATE TRIGGER "TR_${table}_facts_insert" AFTER INSERT ON "${table}" FOR EACH ROW BEGIN ${mark('NEW')} END`,
    `CREATE TRIGGER "TR_${table}_facts_update" AFTER UPDATE${columns ? ` OF ${columns.map((c) => `"${c}"`).join(', ')}` : ''} ON "${table}"
       FOR EACH ROW${columns ? ` WHEN ${distinct(columns, 'IS NOT')}` : ''} BEGIN ${mark('OLD')} ${mark('NEW')} END`,
    `CREATE TRIGGER "TR_${table}_facts_delete" AFTER DELETE ON "${table}" FOR EACH ROW BEGIN ${mark('OLD')} END`,
  ];
  const statements: string[] = [];
  for (const f of FACT_TABLES)
    statements.push(
      ...triggers(f.table, f.columns, (row) =>
        one(`${row}."${f.person}"`, f.ended ? `${row}."${f.ended}"` : undefined),
      ),
    );
  statements.push(
    ...triggers('supervisor_qualifications', QUALIFICATION_COLUMNS, (row) => peersOf(`${row}."person_id"`)),
  );
  for (const table of RULE_TABLES) statements.push(...triggers(table, null, () => one(`'${EVERY_PEER}'`)));
  return statements;
}
