import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { DataSource, type QueryRunner } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AuditAnchors } from '../audit/audit-anchors';
import { AuditService } from '../audit/audit.service';
import { BACKUP_FORMAT, DATA_FILES, type BackupManifest, type ManifestFile } from './backup-manifest';

export interface BackupResult {
  dir: string;
  manifest: BackupManifest;
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `dir`, as paths relative to it; none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new Error(`${command} is not installed: on Debian, apt-get install postgresql-client`)
          : e,
      ),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed: ${stderr.trim()}`))));
  });
}

/**
 * Backups the program can restore from (issue 21): the database copied consistently while the app writes — SQLite's
 * online backup API, or `pg_dump` inside the snapshot the row counts were taken in — and every stored file (issued
 * PDFs, evidence, signing keys, the development session secret, the audit anchors), with a manifest of each file's
 * SHA-256, the row counts and the audit log's head. A backup is written under a `.partial` name and renamed when
 * whole, so a crash never leaves something that looks like a backup.
 */
@Injectable()
export class BackupService {
  private readonly logger = new Logger('Backup');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly anchors: AuditAnchors,
  ) {}

  async backup(toDir: string, at = new Date()): Promise<BackupResult> {
    const name = `lms-backup-${at.toISOString().replace(/[-:]|\.\d+/g, '')}`;
    const dir = join(toDir, name);
    // Its own name while it is written, so two backups at once (the nightly job and a command) never share one.
    const partial = `${dir}.${randomUUID().slice(0, 8)}.partial`;
    await mkdir(partial, { recursive: true });
    try {
      const postgres = this.config.database.type === 'postgres';
      const { file, rowCounts, head } = postgres ? await this.dumpPostgres(partial) : await this.copySqlite(partial);
      const files = await this.copyFiles(partial);
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        createdAt: at.toISOString(),
        engine: this.config.database.type,
        database: await this.described(partial, file),
        files,
        rowCounts,
        audit: { head, lastAnchor: await this.anchors.last() },
      };
      await writeFile(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      if (await stat(dir).catch(() => null)) throw new Error(`${dir} exists already: one backup a second at most.`);
      await rename(partial, dir);
      this.logger.log(`Backup written to ${dir}: ${files.length} files, audit head ${head?.sequence ?? 'none'}.`);
      return { dir, manifest };
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      throw error;
    }
  }

  /** Removes all but the newest `keep` backups in `dir` (by their dated names); returns what it removed. */
  async prune(dir: string, keep: number): Promise<string[]> {
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((n) => /^lms-backup-\d{8}T\d{6}Z$/.test(n))
      .sort();
    const old = names.slice(0, Math.max(0, names.length - keep));
    for (const n of old) await rm(join(dir, n), { recursive: true, force: true });
    return old;
  }

  private async described(root: string, path: string): Promise<ManifestFile> {
    const full = join(root, path);
    return { path, sha256: await sha256Of(full), bytes: (await stat(full)).size };
  }

  /** SQLite's online backup (consistent while the app writes, WAL included), then counts read from the copy itself. */
  private async copySqlite(into: string) {
    const file = 'database.sqlite';
    const db = (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
    await db.backup(join(into, file));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3') as new (path: string, options: object) => SqliteHandle;
    const copy = new Database(join(into, file), { readonly: true });
    try {
      const rowCounts: Record<string, number> = {};
      for (const { name } of copy.prepare(SQLITE_TABLES).all() as { name: string }[])
        rowCounts[name] = (copy.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n;
      const head = copy.prepare(`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).get() as
        { id: number; hash: string } | undefined;
      return { file, rowCounts, head: head ? { sequence: head.id, hash: head.hash } : null };
    } finally {
      copy.close();
    }
  }

  /** pg_dump of the very snapshot the counts and the audit head are read in, so all three agree. */
  private async dumpPostgres(into: string) {
    const file = 'database.pgdump';
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const [{ snapshot }] = await runner.query('SELECT pg_export_snapshot() AS snapshot');
      const rowCounts: Record<string, number> = {};
      const tables: { name: string }[] = await runner.query(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
      );
      for (const { name } of tables)
        rowCounts[name] = Number((await runner.query(`SELECT COUNT(*) AS n FROM "${name}"`))[0].n);
      const [head] = await runner.query(`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`);
      const url = (this.config.database as { url: string }).url;
      await run('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${join(into, file)}`, url]);
      return { file, rowCounts, head: head ? { sequence: Number(head.id), hash: head.hash as string } : null };
    } finally {
      await runner.query('COMMIT').catch(() => undefined);
      await runner.release();
    }
  }

  private async copyFiles(into: string): Promise<ManifestFile[]> {
    const files: ManifestFile[] = [];
    for (const entry of DATA_FILES) {
      const source = join(this.config.dataDir, entry);
      const found = await stat(source).catch(() => null);
      const paths = !found ? [] : found.isDirectory() ? (await filesUnder(source)).map((p) => join(entry, p)) : [entry];
      for (const path of paths.sort()) {
        const target = join(into, 'files', path);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(join(this.config.dataDir, path), target);
        files.push(await this.described(into, join('files', path)));
      }
    }
    return files;
  }
}

interface SqliteHandle {
  backup(path: string): Promise<unknown>;
  prepare(sql: string): { all(): unknown[]; get(): unknown };
  close(): void;
}

const SQLITE_TABLES = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`;
