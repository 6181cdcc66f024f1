import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs plain SQL written with PostgreSQL's $1…$n placeholders on either engine (SQLite gets them
 * as positional `?`, in the order they appear) and returns the rows — including those of an
 * UPDATE/INSERT/DELETE … RETURNING, which TypeORM otherwise shapes differently per engine.
 * With an EntityManager inside a transaction, the query runs in that transaction.
 */
export async function sqlRows<T = Record<string, unknown>>(
  on: DataSource | EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const dataSource = 'manager' in on ? on : on.connection;
  const postgres = dataSource.options.type === 'postgres';
  let text = sql;
  let values = params;
  if (!postgres) {
    values = [];
    text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
      values.push(normalize(params[Number(n) - 1]));
      return '?';
    });
  }
  const manager = 'manager' in on ? undefined : on;
  const runner = manager?.queryRunner ?? dataSource.createQueryRunner();
  try {
    const result = await runner.query(text, values, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!manager?.queryRunner) await runner.release();
  }
}

/** better-sqlite3 binds no booleans nor dates; dates go in as TypeORM writes them (UTC, "YYYY-MM-DD HH:MM:SS.SSS"). */
function normalize(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  return value;
}
