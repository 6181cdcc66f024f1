/**
 * The date-of-service check at its row limit, on SQLite (the embedded default), against the
 * 10,000-peer program of bench/lib/program-data.js:
 *   - the time of a maximal upload: 20,000 rows (the limit), each peer named twice, every practice
 *     role, dates over two years, through the API as a client sees it (upload, check, JSON answer);
 *   - /health's p99 latency while such uploads run, next to its p99 on the idle server in the same run.
 * Targets (issue 20): 20,000 rows in at most 2 s (the median of the measured uploads); /health p99
 * under 100 ms while they run.
 *
 * Run: npm run bench:date-of-service    (builds, then prints its figures; takes about a minute)
 * The last line is `BENCH {json}`: figures by name, a target as { target, value, met }.
 *
 * The client (uploads and /health probes) runs in a child process (bench/lib/dos-client.js), so its
 * own work does not queue on the server's event loop.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir, loadavg, cpus } = require('node:os');
const { fork } = require('node:child_process');
const { join } = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { setupApp } = dist('setup-app');
const { prepareDatabase } = dist('database/prepare-database');
const { ClearanceService } = dist('modules/clearance/clearance.service');
const { ApiTokensService } = dist('modules/auth/api-tokens.service');
const { DATE_OF_SERVICE_ROW_LIMIT: ROWS } = dist('modules/clearance/date-of-service.service');
const { systemActor } = dist('common/auth/actor');
const { addDays } = dist('common/dates');
const { PEOPLE, generateProgram } = require('./lib/program-data');

const UPLOAD_TARGET_MS = 2000;
const HEALTH_TARGET_MS = 100;
const MEASURED_RUNS = 3;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const round = (x, digits = 1) => Number(x.toFixed(digits));
const loads = () => loadavg().map((x) => round(x, 2));
const latencyLine = (xs) =>
  `${xs.length} probes: p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${xs[xs.length - 1].toFixed(1)} ms`;

async function main() {
  const loadBefore = loads();
  console.log(`before: load average ${loadBefore.join(', ')} on ${cpus().length} cores`);
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-bench-'));
  const config = AppConfig.fromEnvironment({
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'http://localhost:3999',
    SESSION_SECRET: 'b'.repeat(40),
    DEMO_DATA: 'off',
    LOG_LEVEL: 'error',
    PORT: '3999',
  });
  const app = await NestFactory.create(AppModule.register(config), { logger: ['error'] });
  setupApp(app, config);
  await app.init();
  await prepareDatabase(app);
  const db = app.get(DataSource);
  let t = Date.now();
  await generateProgram(db);
  console.log(
    `data: the ${PEOPLE.toLocaleString('en-US')}-peer program (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`,
  );

  const server = await app.listen(0, '127.0.0.1');
  const port = server.address().port;
  const [admin] = await db.query(`SELECT id FROM people WHERE email = 'supervisor.0@bench.example.org'`);
  await db.query(`INSERT INTO person_roles (person_id, role) VALUES (?, 'admin')`, [admin.id]);
  const { token } = await app.get(ApiTokensService).issue(admin.id, 'bench', systemActor('bench'));

  // A billing file at the limit: every peer twice, all practice roles, dates over two years.
  const roles = (await app.get(ClearanceService).roles()).map((r) => r.code);
  const lines = ['email,date,role'];
  for (let i = 0; i < ROWS; i++)
    lines.push(
      `peer.${(i * 7919) % PEOPLE}@bench.example.org,${addDays('2025-01-01', i % 690)},${roles[i % roles.length]}`,
    );
  const csv = lines.join('\n');
  console.log(`file: ${ROWS.toLocaleString('en-US')} rows, ${(csv.length / 1024).toFixed(0)} KiB`);

  const client = fork(join(__dirname, 'lib', 'dos-client.js'));
  const ask = (message) =>
    new Promise((resolve, reject) => {
      client.once('message', (m) => (m.ok ? resolve(m) : reject(new Error(m.error))));
      client.send(message);
    });

  const idle = sorted((await ask({ cmd: 'idle', port, ms: 3000 })).latencies);
  console.log(`/health on the idle server: ${latencyLine(idle)}`);

  const warm = await ask({ cmd: 'upload', port, token, csv, format: 'json', runs: 1 });
  console.log(`first upload (warming up): ${warm.uploads[0].ms.toFixed(0)} ms`);

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu = process.cpuUsage();
  const during = await ask({ cmd: 'upload', port, token, csv, format: 'json', runs: MEASURED_RUNS });
  const used = process.cpuUsage(cpu);
  loop.disable();
  for (const u of during.uploads)
    if (u.status !== 200 || u.rows !== ROWS) throw new Error(`upload answered ${u.status} with ${u.rows} rows`);
  const times = sorted(during.uploads.map((u) => u.ms));
  const uploadMs = percentile(times, 50);
  const busy = sorted(during.latencies);
  console.log(
    `${MEASURED_RUNS} uploads of ${ROWS.toLocaleString('en-US')} rows, JSON answer of ${(during.uploads[0].bytes / 1048576).toFixed(1)} MiB: ${during.uploads.map((u) => u.ms.toFixed(0)).join(', ')} ms; median ${uploadMs.toFixed(0)} ms (target ≤ ${UPLOAD_TARGET_MS} ms); server CPU ${((used.user + used.system) / 1000 / MEASURED_RUNS).toFixed(0)} ms an upload`,
  );
  console.log(`/health while they ran: ${latencyLine(busy)} (target p99 < ${HEALTH_TARGET_MS} ms)`);
  const loopMax = loop.max / 1e6;
  const loopP99 = loop.percentile(99) / 1e6;
  console.log(
    `the server's event loop meanwhile: delay p99 ${loopP99.toFixed(1)} ms, longest ${loopMax.toFixed(1)} ms`,
  );

  const asCsv = await ask({ cmd: 'upload', port, token, csv, format: 'csv', runs: 1 });
  if (asCsv.uploads[0].rows !== ROWS) throw new Error(`the CSV download had ${asCsv.uploads[0].rows} rows`);
  console.log(
    `the same file as a CSV download: ${asCsv.uploads[0].ms.toFixed(0)} ms, ${(asCsv.uploads[0].bytes / 1048576).toFixed(1)} MiB; /health p99 meanwhile ${percentile(sorted(asCsv.latencies), 99).toFixed(1)} ms`,
  );

  client.kill();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  const loadAfter = loads();
  console.log(`after: load average ${loadAfter.join(', ')}`);

  const healthP99 = percentile(busy, 99);
  const idleP99 = percentile(idle, 99);
  console.log(
    `BENCH ${JSON.stringify({
      bench: 'date-of-service',
      load_before: loadBefore,
      load_after: loadAfter,
      cores: cpus().length,
      rows: ROWS,
      upload_ms: { target: UPLOAD_TARGET_MS, value: round(uploadMs, 0), met: uploadMs <= UPLOAD_TARGET_MS },
      upload_runs_ms: during.uploads.map((u) => round(u.ms, 0)),
      first_upload_ms: round(warm.uploads[0].ms, 0),
      csv_upload_ms: round(asCsv.uploads[0].ms, 0),
      health_p99_ms: { target: HEALTH_TARGET_MS, value: round(healthP99), met: healthP99 < HEALTH_TARGET_MS },
      health_p99_idle_ms: round(idleP99),
      health_p99_ratio_vs_idle: round(healthP99 / idleP99, 2),
      health_max_ms: round(busy[busy.length - 1]),
      server_loop_delay_p99_ms: round(loopP99),
      server_loop_delay_max_ms: round(loopMax),
    })}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
