import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedDemo } from '../../src/database/seeds/demo.seed';
import { AuditService } from '../../src/modules/audit/audit.service';
import { BackupJobs } from '../../src/modules/backup/backup.processor';
import type { BackupManifest } from '../../src/modules/backup/backup-manifest';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { dueRuns } from '../../src/modules/jobs/job-scheduler.service';
import { JOBS } from '../../src/modules/jobs/jobs';
import { createTestApp, type TestApp } from '../helpers/app';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines';

const CLI = resolve(__dirname, '../../dist/src/cli.js');

/** `npm run cli -- …` against `env`'s data folder and database, as an admin would run it beside the app. */
function cli(env: Record<string, string>, ...args: string[]): Promise<{ status: number | null; output: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test's pretest does it)`);
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', ...env },
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('close', (status) => done({ status, output }));
  });
}

const envOf = (t: TestApp): Record<string, string> =>
  t.config.database.type === 'postgres'
    ? { DATA_DIR: t.config.dataDir, DATABASE_URL: t.config.database.url }
    : { DATA_DIR: t.config.dataDir };

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describeEachEngine('Backup and restore (npm run cli -- backup / restore)', (engine) => {
  let t: TestApp;
  let backups: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    const certificates = t.app.get(CertificatesService);
    await t.write(async () => {
      await seedDemo(t.dataSource, t.config);
      for (const id of (await certificates.findMissing()).slice(0, 3)) await certificates.issue(id, null);
    });
    backups = mkdtempSync(join(tmpdir(), 'lms-backups-'));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(backups, { recursive: true, force: true });
  });

  it('backs up while the app writes, restores into a new folder, and the app started on it holds the same records', async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await t.person(['peer']);
        written++;
      }
    })();
    const backup = await cli(envOf(t), 'backup', '--to', backups);
    writing = false;
    await writer;
    expect(backup).toMatchObject({ status: 0 });
    expect(written).toBeGreaterThan(0);
    const [name] = readdirSync(backups);
    expect(name).toMatch(/^lms-backup-\d{8}T\d{6}Z$/);
    const dir = join(backups, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.engine).toBe(engine);
    expect(manifest.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^files\/certificates\//),
        expect.stringMatching(/^files\/signing-keys\//),
      ]),
    );
    for (const f of [manifest.database, ...manifest.files]) expect(sha256(join(dir, f.path))).toBe(f.sha256);
    expect(manifest.audit.head?.sequence).toBeGreaterThan(0);

    const target = await createTestDatabase(engine);
    const dataDir = join(target.env.DATA_DIR, 'restored');
    try {
      const restore = await cli(
        { ...target.env, DATA_DIR: target.env.DATA_DIR },
        'restore',
        '--from',
        dir,
        '--data-dir',
        dataDir,
      );
      expect(restore.output).toContain('row counts:');
      expect(restore).toMatchObject({ status: 0 });
      const restored = await createTestApp(engine, {
        database: { env: { ...target.env, DATA_DIR: dataDir }, cleanup: async () => undefined },
        // No scheduled job may add rows before they are counted.
        env: { JOBS_IN_WEB: 'off' },
      });
      try {
        for (const [table, n] of Object.entries(manifest.rowCounts)) {
          const [{ count }] = await restored.dataSource.query(`SELECT COUNT(*) AS count FROM "${table}"`);
          expect([table, Number(count)]).toEqual([table, n]);
        }
        const certificate = await restored.dataSource.getRepository(Certificate).findOneByOrFail({});
        expect(sha256(join(dataDir, 'certificates', certificate.storageKey))).toBe(certificate.sha256);
        expect(await restored.app.get(AuditService).verify()).toMatchObject({ ok: true, truncated: false });
      } finally {
        await restored.close();
      }
    } finally {
      await target.cleanup();
    }
  }, 180_000);

  it('refuses a folder that is not empty, and a damaged backup, restoring nothing', async () => {
    const [name] = readdirSync(backups);
    const dir = join(backups, name);
    const scratch = mkdtempSync(join(tmpdir(), 'lms-restore-'));
    try {
      writeFileSync(join(scratch, 'something.txt'), 'x');
      // A PostgreSQL backup goes into an empty database: this one.
      const target = await createTestDatabase(engine);
      const env = { ...target.env, DATA_DIR: join(scratch, 'cli') };
      const notEmpty = await cli(env, 'restore', '--from', dir, '--data-dir', scratch);
      expect(notEmpty.status).toBe(1);
      expect(notEmpty.output).toContain('is not empty');

      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
      const victim = join(dir, manifest.files[0].path);
      const original = readFileSync(victim);
      writeFileSync(victim, Buffer.concat([original, Buffer.from('tampered')]));
      try {
        const fresh = join(scratch, 'new');
        const damaged = await cli(env, 'restore', '--from', dir, '--data-dir', fresh);
        expect(damaged.status).toBe(1);
        expect(damaged.output).toContain(`${manifest.files[0].path} (does not match its hash)`);
        expect(existsSync(fresh)).toBe(false);
      } finally {
        writeFileSync(victim, original);
        await target.cleanup();
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});

describeEachEngine('The audit log anchored outside the database', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.close());

  it('notices the newest entries deleted, which the hash chain alone cannot', async () => {
    for (let i = 0; i < 6; i++) await t.person(['peer']);
    const audit = t.app.get(AuditService);
    await t.app.get(BackupJobs).handleAuditAnchor({});
    expect(await audit.verify()).toMatchObject({ ok: true, truncated: false });
    const head = (await audit.head())!;
    // Someone with the database's keys switches off the append-only triggers and removes the newest three entries.
    if (engine === 'postgres') await t.dataSource.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    else await t.dataSource.query('DROP TRIGGER audit_log_no_delete');
    await t.dataSource.query(`DELETE FROM audit_log WHERE id > ${head.sequence - 3}`);
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: false, truncated: true });
    expect(report.problems).toEqual([
      expect.stringContaining(`ends at entry ${head.sequence - 3}, but entry ${head.sequence} was anchored`),
    ]);
  });
});

describeEachEngine('Nightly backups (BACKUP_DIR, BACKUP_KEEP)', (engine) => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lms-nightly-'));
    db = await createTestDatabase(engine);
    // The test runs the nightly job itself; the app's own schedule would run it alongside.
    t = await createTestApp(engine, { database: db, env: { BACKUP_DIR: dir, BACKUP_KEEP: '2', JOBS_IN_WEB: 'off' } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is scheduled daily only when BACKUP_DIR is set, and keeps the newest BACKUP_KEEP', async () => {
    const at = new Date('2026-03-07T18:00:00Z');
    expect(dueRuns(at, t.config).map((r) => r.key)).toContain('backup:2026-03-07');
    expect(dueRuns(at, { ...t.config, backup: { dir: null, keep: 14 } }).map((r) => r.key)).not.toContain(
      'backup:2026-03-07',
    );
    const jobs = t.app.get(BackupJobs);
    for (let i = 0; i < 3; i++) {
      await jobs.handleBackup({}, { id: `nightly-${i}`, attempt: 1, progress: async () => {} });
      await new Promise((r) => setTimeout(r, 1100)); // dated to the second
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('lms-backup-'))).toHaveLength(2);
  }, 60_000);

  it('tells every admin when the last try fails, and only then', async () => {
    const admin = await t.person(['admin']);
    const broken = await createTestApp(engine, {
      database: db,
      env: { BACKUP_DIR: join(dir, 'file.txt', 'x'), JOBS_IN_WEB: 'off' },
    });
    writeFileSync(join(dir, 'file.txt'), 'not a folder');
    try {
      const jobs = broken.app.get(BackupJobs);
      const last = JOBS['maintenance.backup'].attempts;
      const fail = (attempt: number) =>
        jobs.handleBackup({ date: '2026-03-07' }, { id: 'nightly', attempt, progress: async () => {} });
      await expect(fail(1)).rejects.toThrow();
      const count = async () =>
        Number(
          (
            await t.dataSource.query(
              `SELECT COUNT(*) AS n FROM notifications WHERE kind = 'backup-failed' AND person_id = '${admin.id}'`,
            )
          )[0].n,
        );
      expect(await count()).toBe(0);
      await expect(fail(last)).rejects.toThrow();
      expect(await count()).toBe(1);
    } finally {
      await broken.close();
    }
  }, 60_000);
});
