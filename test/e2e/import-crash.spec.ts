import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines';

const ROOT = resolve(__dirname, '../..');
const CHILD = join(ROOT, 'test/helpers/import-commit-child.js');
const ROWS = 30_000;

/**
 * All or nothing, for real: a process killed in the middle of committing an import leaves nothing
 * of it behind, and the commit run again afterwards writes every row exactly once.
 */
describeEachEngine('Imports: a commit killed halfway', (engine) => {
  let db: TestDatabase;
  let dataDir: string;
  let childEnv: NodeJS.ProcessEnv;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/src/modules/imports/imports.service.js')))
      throw new Error('dist is missing: run "npm run build" (npm test does it first)');
  });
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    dataDir = db.env.DATA_DIR;
    childEnv = { ...process.env, TZ: 'UTC', CRASH_DATABASE_URL: db.env.DATABASE_URL ?? '' };
  });
  afterAll(async () => db?.cleanup());

  /** Reads the SQLite file the killed process left, as a new process would after a restart. */
  const count = async (sql: string) => {
    const source = db.env.DATABASE_URL
      ? new DataSource({ type: 'postgres', url: db.env.DATABASE_URL })
      : new DataSource({ type: 'better-sqlite3', database: join(dataDir, 'lms.sqlite') });
    await source.initialize();
    try {
      const [row] = (await source.query(sql)) as Record<string, unknown>[];
      // PostgreSQL counts come back as text.
      return Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]),
      );
    } finally {
      await source.destroy();
    }
  };

  it('leaves no row of the import after kill -9, and the resumed commit writes each row once', async () => {
    const child = spawn(process.execPath, [CHILD, dataDir, 'commit', String(ROWS)], { env: childEnv });
    let seen = 0;
    let output = '';
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no progress within 90 s: ${output}`)), 90_000);
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        const last = [...output.matchAll(/PROGRESS (\d+)/g)].pop();
        seen = last ? Number(last[1]) : 0;
        // Well into the commit: several batches of people are written in the open transaction.
        if (seen >= 5_000 && seen < ROWS) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          done();
        }
      });
      child.on('exit', () => fail(new Error(`the child ended before it was killed: ${output}`)));
    }).catch((e) => {
      child.kill('SIGKILL');
      throw e;
    });
    await new Promise((r) => child.once('close', r));
    expect(output).toContain(`CHECKED ${ROWS}`);
    expect(seen).toBeGreaterThanOrEqual(5_000);

    expect(await count("SELECT COUNT(*) AS n FROM people WHERE email LIKE '%@crash.example'")).toEqual({ n: 0 });
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'person.created'")).toEqual({ n: 0 });
    expect(await count('SELECT state FROM imports')).toEqual({ state: 'committing' });

    const resumed = spawnSync(process.execPath, [CHILD, dataDir, 'resume'], { env: childEnv, encoding: 'utf8' });
    expect(resumed.stderr).toBe('');
    expect(resumed.stdout).toContain('RESUMED committed');
    expect(
      await count("SELECT COUNT(*) AS n, COUNT(DISTINCT email) AS d FROM people WHERE email LIKE '%@crash.example'"),
    ).toEqual({
      n: ROWS,
      d: ROWS,
    });
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import.committed'")).toEqual({ n: 1 });
  }, 180_000);
});
