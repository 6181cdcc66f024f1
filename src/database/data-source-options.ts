import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(config: Pick<AppConfig, 'database' | 'nodeEnv'>): DataSourceOptions {
  const { database } = config;
  // Tests provoke failing queries on purpose; elsewhere a failed query is worth a log line.
  const logging: DataSourceOptions['logging'] = config.nodeEnv === 'test' ? false : ['error'];
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging,
  };
  if (database.type === 'postgres') {
    return { ...common, type: 'postgres', url: database.url, extra: { max: 10 } };
  }
  if (database.path !== ':memory:') mkdirSync(dirname(database.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    enableWAL: database.path !== ':memory:',
    // Writers wait for each other instead of failing at once with SQLITE_BUSY.
    timeout: 10_000,
  };
}
