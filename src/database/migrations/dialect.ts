import type { QueryRunner } from 'typeorm';

/**
 * The few column types that differ between SQLite and PostgreSQL. Migrations are written once in
 * plain SQL with these fragments, so both engines get the same tables, keys and indexes.
 */
export function dialect(queryRunner: QueryRunner) {
  const postgres = queryRunner.connection.options.type === 'postgres';
  return {
    postgres,
    uuidPk: postgres ? 'uuid PRIMARY KEY DEFAULT gen_random_uuid()' : 'varchar(36) PRIMARY KEY NOT NULL',
    uuid: postgres ? 'uuid' : 'varchar(36)',
    timestamp: postgres ? 'timestamptz' : 'datetime',
    now: postgres ? 'now()' : 'CURRENT_TIMESTAMP',
    json: postgres ? 'jsonb' : 'json',
    decimal: postgres ? 'numeric(7,2)' : 'decimal(7,2)',
    bigint: postgres ? 'bigint' : 'integer',
  };
}

export async function runAll(queryRunner: QueryRunner, statements: string[]): Promise<void> {
  for (const sql of statements) await queryRunner.query(sql);
}
