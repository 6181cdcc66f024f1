/**
 * The spreadsheet import at its intended scale (issue 16, "Speed and memory"): a credentials file of
 * 50,000 rows against a program of 10,000 people, through ImportsService as the API drives it (upload
 * and dry run as the 'import.check' job, commit as 'import.commit', both on the in-process job runner):
 *   - the CSV dry run, its commit, the same file uploaded again (the dry run must find 0 new and 0
 *     updated), and the dry run of the same rows as an XLSX workbook;
 *   - the growth of the process's RSS over all of it (sampled every 100 ms, max minus the baseline
 *     taken after the app started and the people were seeded);
 *   - the floor (issue 20's ratio convention): reading the 50,000-row CSV (and the XLSX) with
 *     readImportFile and walking its rows, nothing checked.
 * On SQLite, then on PostgreSQL when one answers at BENCH_POSTGRES_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) in a fresh database created and dropped here.
 * Targets on SQLite: dry run < 10 s, commit < 20 s, RSS growth < 150 MB, re-import < 10 s with 0 changes.
 *
 * Run: npm run bench:import     (builds, then prints its figures; a few minutes)
 * The last line is `BENCH {json}` (bench/lib/bench-report.js).
 */
const { copyFileSync, createWriteStream, mkdtempSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { once } = require('node:events');
const { fork } = require('node:child_process');
const { setInterval, clearInterval } = require('node:timers');
const { performance } = require('node:perf_hooks');
const v8 = require('node:v8');
const vm = require('node:vm');
require('reflect-metadata');
const ExcelJS = require('exceljs');
const { Client } = require('pg');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { prepareDatabase } = dist('database/prepare-database');
const { startWebJobRunner } = dist('modules/jobs/jobs.module');
const { ImportsService } = dist('modules/imports/imports.service');
const { readImportFile } = dist('modules/imports/import-file');
const { sqlRows } = dist('common/db/sql');
const { addDays } = dist('common/dates');
const { startBench } = require('./lib/bench-report');

// A collection before each baseline, so the growth measured is the import's and not garbage left by seeding.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const PEOPLE = 10_000;
const PER_PERSON = 5;
const ROWS = PEOPLE * PER_PERSON;
const VERIFIERS = 10;
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WAIT_MS = 600_000;
const TARGETS = { dry_run_ms: 10_000, commit_ms: 20_000, rss_growth_mb: 150, reimport_ms: 10_000 };

const HEADER = [
  'Email',
  'Credential',
  'License #',
  'Issuing body',
  'Issue date',
  'Expiration date',
  'PSV date',
  'PSV source',
  'PSV by',
];
/** Per person: the type (by code or by its catalogue name, as files from other systems mix them). */
const PLAN = ['MT-CBHPSS', 'CPR / First Aid', 'MHFA', 'Master Narcan (naloxone) Trainer', 'DOULA'];

const usDate = (iso) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(0, 4)}`;

/** Row `n` of the file, as cells: ISO dates, some checks written month first (m/d/yyyy) as US exports do. */
function credentialRow(n) {
  const person = n % PEOPLE;
  const k = Math.floor(n / PEOPLE);
  const issued = addDays('2023-03-01', (person * 7 + k * 53) % 1200);
  const checked = n % 4 === 0 ? addDays(issued, 10 + (n % 20)) : null;
  return {
    email: `peer.${person}@bench.example.org`,
    type: PLAN[k],
    number: k === 0 ? `MT-${100000 + person}` : null,
    issuer: k === 2 && person % 3 === 0 ? 'National Council for Mental Wellbeing' : null,
    issued,
    // Mostly blank (the catalogue computes it); one row in ten gives the date from the old system.
    expires: n % 10 === 3 ? addDays(issued, 700) : null,
    checked,
    checkedWhere: checked ? 'State board lookup' : null,
    checkedBy: checked && n % 8 === 0 ? `verifier.${n % VERIFIERS}@bench.example.org` : null,
  };
}

async function writeCsv(path) {
  const out = createWriteStream(path);
  const quote = (v) => (v === null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  out.write(`${HEADER.join(',')}\n`);
  for (let n = 0; n < ROWS; n++) {
    const r = credentialRow(n);
    const cells = [r.email, r.type, r.number, r.issuer, r.issued, r.expires, r.checked && usDate(r.checked)];
    const line = `${[...cells, r.checkedWhere, r.checkedBy].map(quote).join(',')}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function writeXlsx(path) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Credentials');
  sheet.addRow(HEADER).commit();
  const date = (iso) => (iso ? new Date(`${iso}T00:00:00Z`) : null);
  for (let n = 0; n < ROWS; n++) {
    const r = credentialRow(n);
    const row = sheet.addRow([
      r.email,
      r.type,
      r.number,
      r.issuer,
      date(r.issued),
      date(r.expires),
      date(r.checked),
      r.checkedWhere,
      r.checkedBy,
    ]);
    for (const c of [5, 6, 7]) row.getCell(c).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** The people the file names, an admin who uploads it and the supervisors who did the checks. */
async function seedPeople(db) {
  const admin = { id: randomUUID(), name: 'Bench Admin', email: 'admin@bench.example.org', status: 'active' };
  const verifiers = Array.from({ length: VERIFIERS }, (_, i) => ({
    id: randomUUID(),
    name: `Verifier ${i}`,
    email: `verifier.${i}@bench.example.org`,
    status: 'active',
  }));
  const peers = Array.from({ length: PEOPLE }, (_, i) => ({
    id: randomUUID(),
    name: `Peer ${String(i).padStart(5, '0')}`,
    email: `peer.${i}@bench.example.org`,
    status: 'active',
  }));
  const insert = async (tx, table, rows) => {
    const columns = Object.keys(rows[0]);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const values = chunk.map((_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      await sqlRows(
        tx,
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`,
        chunk.flatMap((row) => columns.map((c) => row[c])),
      );
    }
  };
  await db.transaction(async (tx) => {
    await insert(tx, 'people', [admin, ...verifiers, ...peers]);
    await insert(tx, 'person_roles', [
      { person_id: admin.id, role: 'admin' },
      ...verifiers.map((v) => ({ person_id: v.id, role: 'supervisor' })),
      ...peers.map((p) => ({ person_id: p.id, role: 'peer' })),
    ]);
  });
  return admin;
}

/** process.memoryUsage().rss every 100 ms; `growth()` is the largest sample less the baseline. */
function rssSampler() {
  gc();
  const baseline = process.memoryUsage().rss;
  let max = baseline;
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage().rss)), 100);
  return {
    baselineMb: baseline / 1048576,
    growth() {
      max = Math.max(max, process.memoryUsage().rss);
      return (max - baseline) / 1048576;
    },
    stop: () => clearInterval(timer),
  };
}

/** Reading the file and walking its rows with the import's own reader, nothing checked: the floor. */
async function floorRead(path, fileName) {
  const t = performance.now();
  const table = await readImportFile(path, { fileName });
  let rows = 0;
  for await (const _row of table.rows) rows++;
  if (rows !== ROWS) throw new Error(`the floor read ${rows} rows of ${fileName}, not ${ROWS}`);
  return performance.now() - t;
}

const counts = (i) =>
  `${i.counts.new} new, ${i.counts.updated} updated, ${i.counts.unchanged} unchanged, ${i.counts.rejected} rejected`;

/** One engine: start the app, seed, then dry run, commit, re-import and the XLSX dry run. */
async function runEngine(label, env, files, dir) {
  const app = await NestFactory.createApplicationContext(AppModule.register(AppConfig.fromEnvironment(env)), {
    logger: ['error', 'warn'],
  });
  try {
    await prepareDatabase(app);
    await startWebJobRunner(app);
    const db = app.get(DataSource);
    let t = performance.now();
    const admin = await seedPeople(db);
    console.log(
      `[${label}] seeded ${PEOPLE.toLocaleString('en-US')} people in ${(performance.now() - t).toFixed(0)} ms`,
    );
    const imports = app.get(ImportsService);
    const actor = { personId: admin.id, label: 'bench', ip: null };
    let uploads = 0;
    /** As the controller hands it over: multer's temporary file, which create() moves into the data dir. */
    const upload = (path, name) => {
      const temp = join(dir, `upload-${uploads++}`);
      copyFileSync(path, temp);
      return { path: temp, originalname: name, size: statSync(temp).size };
    };
    const dryRun = async (path, name) => {
      const file = upload(path, name);
      const start = performance.now();
      const created = await imports.create(file, { kind: 'credentials' }, actor);
      const done = await imports.waitWhile(created.id, 'checking', WAIT_MS);
      const ms = performance.now() - start;
      if (done.state !== 'checked' || done.failure)
        throw new Error(`[${label}] the dry run of ${name} ended ${done.state}: ${done.failure}`);
      if (done.rows !== ROWS) throw new Error(`[${label}] the dry run of ${name} saw ${done.rows} rows`);
      return { ms, done };
    };

    const rss = rssSampler();
    const cpu = process.cpuUsage();
    const csv = await dryRun(files.csv, 'credentials.csv');
    const phases = { dry_run: rss.growth() };
    console.log(
      `[${label}] CSV dry run: ${csv.ms.toFixed(0)} ms (${counts(csv.done)}); RSS +${phases.dry_run.toFixed(0)} MB`,
    );
    if (csv.done.counts.new !== ROWS)
      throw new Error(`[${label}] the first dry run should find ${ROWS} new: ${JSON.stringify(csv.done.errors[0])}`);

    const xlsx = await dryRun(files.xlsx, 'credentials.xlsx');
    phases.xlsx_dry_run = rss.growth();
    console.log(
      `[${label}] XLSX dry run: ${xlsx.ms.toFixed(0)} ms (${counts(xlsx.done)}); RSS +${phases.xlsx_dry_run.toFixed(0)} MB`,
    );

    t = performance.now();
    await imports.commit(csv.done.id, { skipRejected: false }, actor);
    const committed = await imports.waitWhile(csv.done.id, 'committing', WAIT_MS);
    const commitMs = performance.now() - t;
    if (committed.state !== 'committed')
      throw new Error(`[${label}] the commit ended ${committed.state}: ${committed.failure}`);
    const [{ n: stored }] = await sqlRows(db, 'SELECT COUNT(*) AS n FROM credentials');
    phases.commit = rss.growth();
    console.log(
      `[${label}] commit: ${commitMs.toFixed(0)} ms (${Number(stored).toLocaleString('en-US')} credentials stored); RSS +${phases.commit.toFixed(0)} MB`,
    );

    const again = await dryRun(files.csv, 'credentials.csv');
    const changes = again.done.counts.new + again.done.counts.updated;
    console.log(`[${label}] the same CSV again: ${again.ms.toFixed(0)} ms (${counts(again.done)})`);
    const used = process.cpuUsage(cpu);
    const growth = rss.growth();
    rss.stop();
    console.log(
      `[${label}] RSS: baseline ${rss.baselineMb.toFixed(0)} MB, growth ${growth.toFixed(0)} MB at most; process CPU over the four passes ${((used.user + used.system) / 1000).toFixed(0)} ms`,
    );
    return {
      dryRunMs: csv.ms,
      xlsxDryRunMs: xlsx.ms,
      commitMs,
      reimportMs: again.ms,
      reimportChanges: changes,
      reimportUnchanged: again.done.counts.unchanged,
      stored: Number(stored),
      rssGrowthMb: growth,
      rssBaselineMb: rss.baselineMb,
      rssAfterPhaseMb: phases,
      cpuMs: (used.user + used.system) / 1000,
    };
  } finally {
    await app.close();
  }
}

async function postgresAdmin(sql) {
  const client = new Client({ connectionString: POSTGRES, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const baseEnv = (dataDir) => ({
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'http://localhost:3999',
  SESSION_SECRET: 'b'.repeat(40),
  DATA_DIR: dataDir,
  DEMO_DATA: 'off',
  LOG_LEVEL: 'error',
});

/**
 * Each engine in a process of its own: RSS seldom shrinks once the heap has grown, so a second engine
 * measured in the same process would start from the first one's high-water mark.
 */
function inChild(label, env, files, dir) {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'import.js'), ['engine', JSON.stringify({ label, env, files, dir })]);
    let result = null;
    child.on('message', (m) => (result = m));
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`[${label}] exited with ${code}`))));
  });
}

async function engineMain() {
  const { label, env, files, dir } = JSON.parse(process.argv[3]);
  const result = await runEngine(label, env, files, dir);
  await new Promise((resolve) => process.send(result, resolve));
}

async function main() {
  const bench = startBench('import');
  const dir = mkdtempSync(join(tmpdir(), 'lms-bench-import-'));
  try {
    const files = { csv: join(dir, 'credentials.csv'), xlsx: join(dir, 'credentials.xlsx') };
    let t = performance.now();
    await writeCsv(files.csv);
    await writeXlsx(files.xlsx);
    const mb = (p) => (statSync(p).size / 1048576).toFixed(1);
    console.log(
      `files: ${ROWS.toLocaleString('en-US')} credential rows, CSV ${mb(files.csv)} MB and XLSX ${mb(files.xlsx)} MB (written in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );

    // In this process, before either engine's: a read here leaves nothing behind in their RSS.
    const floorCsv = await floorRead(files.csv, 'credentials.csv');
    const floorXlsx = await floorRead(files.xlsx, 'credentials.xlsx');
    console.log(
      `floor: reading the ${ROWS.toLocaleString('en-US')} rows with readImportFile, nothing checked: CSV ${floorCsv.toFixed(0)} ms, XLSX ${floorXlsx.toFixed(0)} ms`,
    );

    const sqlite = await inChild('sqlite', baseEnv(join(dir, 'sqlite')), files, dir);
    bench.figure('rows', ROWS, 0);
    bench.atMost('dry_run_ms', sqlite.dryRunMs, TARGETS.dry_run_ms, 0);
    bench.atMost('commit_ms', sqlite.commitMs, TARGETS.commit_ms, 0);
    bench.atMost('reimport_ms', sqlite.reimportMs, TARGETS.reimport_ms, 0);
    bench.atMost('reimport_changes', sqlite.reimportChanges, 0, 0);
    bench.figure('xlsx_dry_run_ms', sqlite.xlsxDryRunMs, 0);
    bench.atMost('rss_growth_mb', sqlite.rssGrowthMb, TARGETS.rss_growth_mb, 0);
    bench.figure('floor_read_ms', floorCsv, 0);
    bench.figure('floor_xlsx_read_ms', floorXlsx, 0);
    bench.figure('dry_run_ratio', sqlite.dryRunMs / floorCsv, 2);
    bench.figure('xlsx_dry_run_ratio', sqlite.xlsxDryRunMs / floorXlsx, 2);
    bench.figure('cpu_ms', sqlite.cpuMs, 0);
    bench.figure('rss_baseline_mb', sqlite.rssBaselineMb, 0);
    for (const [phase, mb] of Object.entries(sqlite.rssAfterPhaseMb))
      bench.figure(`rss_growth_after_${phase}_mb`, mb, 0);

    const dbName = `lms_bench_import_${randomUUID().slice(0, 8)}`;
    let created = false;
    try {
      await postgresAdmin(`CREATE DATABASE ${dbName}`);
      created = true;
    } catch (e) {
      console.log(`PostgreSQL not measured: nothing answered at ${POSTGRES} (${e.message})`);
    }
    if (created) {
      try {
        const url = new URL(POSTGRES);
        url.pathname = `/${dbName}`;
        const pg = await inChild('postgres', { ...baseEnv(join(dir, 'pg')), DATABASE_URL: url.toString() }, files, dir);
        bench.figure('pg_dry_run_ms', pg.dryRunMs, 0);
        bench.figure('pg_commit_ms', pg.commitMs, 0);
        bench.figure('pg_reimport_ms', pg.reimportMs, 0);
        bench.figure('pg_reimport_changes', pg.reimportChanges, 0);
        bench.figure('pg_xlsx_dry_run_ms', pg.xlsxDryRunMs, 0);
        bench.figure('pg_rss_growth_mb', pg.rssGrowthMb, 0);
        bench.figure('pg_rss_baseline_mb', pg.rssBaselineMb, 0);
        for (const [phase, mb] of Object.entries(pg.rssAfterPhaseMb))
          bench.figure(`pg_rss_growth_after_${phase}_mb`, mb, 0);
        bench.figure('pg_dry_run_ratio', pg.dryRunMs / floorCsv, 2);
      } finally {
        await postgresAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  bench.finish();
}

(process.argv[2] === 'engine' ? engineMain() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
