import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BACKUP_FORMAT, type BackupManifest } from './backup-manifest';
import { sha256Of } from './backup.service';

export class RestoreRefused extends Error {}

export interface RestoreTarget {
  dataDir: string;
  /** The empty PostgreSQL database a PostgreSQL backup goes into. */
  databaseUrl?: string;
}

export async function readManifest(fromDir: string): Promise<BackupManifest> {
  const text = await readFile(join(fromDir, 'manifest.json'), 'utf8').catch(() => {
    throw new RestoreRefused(`${fromDir} is not a backup: it has no manifest.json.`);
  });
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT)
    throw new RestoreRefused(`${fromDir} is a backup of another format (${String(manifest.format)}).`);
  return manifest;
}

/**
 * Puts a backup in place: refuses a data folder that is not empty, checks every file against the manifest's
 * SHA-256 before writing anything, then copies the files and the database (SQLite) or `pg_restore`s it into the
 * given empty PostgreSQL database. What it restored is checked afterwards against the same manifest (the
 * `restore` command: row counts and the audit chain).
 */
export async function restoreBackup(fromDir: string, target: RestoreTarget): Promise<BackupManifest> {
  const manifest = await readManifest(fromDir);
  const present = await readdir(target.dataDir).catch(() => [] as string[]);
  if (present.length)
    throw new RestoreRefused(`${target.dataDir} is not empty: restore only into a new, empty folder.`);
  if (manifest.engine === 'postgres' && !target.databaseUrl)
    throw new RestoreRefused('This is a PostgreSQL backup: set DATABASE_URL to the empty database to restore it into.');
  if (manifest.engine === 'sqlite' && target.databaseUrl)
    throw new RestoreRefused('This is an SQLite backup: unset DATABASE_URL to restore it into the data folder.');
  const bad: string[] = [];
  for (const f of [manifest.database, ...manifest.files]) {
    const actual = await sha256Of(join(fromDir, f.path)).catch(() => 'missing');
    if (actual !== f.sha256) bad.push(`${f.path} (${actual === 'missing' ? 'missing' : 'does not match its hash'})`);
  }
  if (bad.length) throw new RestoreRefused(`The backup is damaged; nothing was restored: ${bad.join(', ')}.`);
  await mkdir(target.dataDir, { recursive: true });
  for (const f of manifest.files) {
    const to = join(target.dataDir, f.path.replace(/^files\//, ''));
    await mkdir(dirname(to), { recursive: true });
    await copyFile(join(fromDir, f.path), to);
  }
  const database = join(fromDir, manifest.database.path);
  if (manifest.engine === 'sqlite') await copyFile(database, join(target.dataDir, 'lms.sqlite'));
  else await pgRestore(database, target.databaseUrl!);
  return manifest;
}

function pgRestore(file: string, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${url}`, file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT' ? new RestoreRefused('pg_restore is not installed: apt-get install postgresql-client') : e,
      ),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_restore failed: ${stderr.trim()}`))));
  });
}
