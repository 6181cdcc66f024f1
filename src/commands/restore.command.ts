import { Command, CommandRunner, Option } from 'nest-commander';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { AuditAnchors } from '../modules/audit/audit-anchors';
import { AuditService } from '../modules/audit/audit.service';
import type { BackupManifest } from '../modules/backup/backup-manifest';
import { readManifest, restoreBackup, RestoreRefused } from '../modules/backup/restore';

interface RestoreOptions {
  from: string;
  dataDir: string;
}

@Command({
  name: 'restore',
  description:
    'restore a backup into a new, empty data folder (and, for PostgreSQL, the empty DATABASE_URL), then check it: every hash, the row counts, the audit chain',
})
export class RestoreCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  @Option({ flags: '--from <folder>', description: 'the backup folder (lms-backup-…)', required: true })
  parseFrom(value: string): string {
    return resolve(value.trim());
  }

  @Option({ flags: '--data-dir <folder>', description: 'the new, empty data folder to restore into', required: true })
  parseDataDir(value: string): string {
    return resolve(value.trim());
  }

  async run(_params: string[], options: RestoreOptions): Promise<void> {
    const manifest = await readManifest(options.from);
    const databaseUrl = this.config.database.type === 'postgres' ? this.config.database.url : undefined;
    const database =
      manifest.engine === 'postgres' && databaseUrl
        ? ({ type: 'postgres', url: databaseUrl } as const)
        : ({ type: 'sqlite', path: resolve(options.dataDir, 'lms.sqlite') } as const);
    if (database.type === 'postgres') await this.refuseUnlessEmpty(database);
    await restoreBackup(options.from, { dataDir: options.dataDir, databaseUrl });
    console.log(
      `Restored ${options.from} into ${options.dataDir}${databaseUrl ? ' and DATABASE_URL' : ''}: the database and ${manifest.files.length} files, every hash checked.`,
    );
    const problems = await this.check(manifest, database, options.dataDir);
    if (problems.length) {
      console.log('The restored copy does NOT match its backup:');
      for (const p of problems) console.log(`  - ${p}`);
      process.exitCode = 1;
      return;
    }
    const rows = Object.values(manifest.rowCounts).reduce((a, b) => a + b, 0);
    console.log(`  row counts: ${rows} rows in ${Object.keys(manifest.rowCounts).length} tables, as in the manifest`);
    console.log(`  audit log: intact up to entry ${manifest.audit.head?.sequence ?? 0}, as in the manifest`);
    console.log(
      `Start the app on it with DATA_DIR=${options.dataDir}${databaseUrl ? ' and the same DATABASE_URL' : ''}.`,
    );
  }

  private async open(database: AppConfig['database']): Promise<DataSource> {
    return new DataSource({
      ...dataSourceOptions({ database, nodeEnv: this.config.nodeEnv }),
      migrations: [],
    }).initialize();
  }

  private async refuseUnlessEmpty(database: AppConfig['database']): Promise<void> {
    const db = await this.open(database);
    try {
      const [{ n }] = await db.query(`SELECT COUNT(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()`);
      if (n > 0) throw new RestoreRefused('DATABASE_URL already has tables: restore only into an empty database.');
    } finally {
      await db.destroy();
    }
  }

  /** The restored copy held to its manifest: every table's row count, the audit chain and its head. */
  private async check(manifest: BackupManifest, database: AppConfig['database'], dataDir: string): Promise<string[]> {
    const db = await this.open(database);
    try {
      const problems: string[] = [];
      for (const [table, expected] of Object.entries(manifest.rowCounts)) {
        const [{ n }] = await db.query(`SELECT COUNT(*) AS n FROM "${table}"`);
        if (Number(n) !== expected) problems.push(`${table} has ${n} rows; the backup had ${expected}`);
      }
      const audit = new AuditService(db, new AuditAnchors({ dataDir }));
      const report = await audit.verify();
      problems.push(...report.problems.map((p) => `audit log: ${p}`));
      const head = await audit.head();
      if (head?.hash !== manifest.audit.head?.hash)
        problems.push('the audit log does not end where the backup said it did');
      return problems;
    } finally {
      await db.destroy();
    }
  }
}
