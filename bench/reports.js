/**
 * The program dashboard at program scale, on SQLite (the embedded default):
 *   - DashboardService.build for an admin (the whole program), with its timing breakdown: loading
 *     people and facts once, the clearance engine over today and the 12 month ends (with how many
 *     evaluations the "cleared until" shortcut needed against 13 full boards), credential figures;
 *   - the whole dashboard page over HTTP (GET /reports: figures + three SVG charts + HTML), and
 *     the one-page board PDF (GET /reports/dashboard.pdf). Target: the page under 1.5 s.
 * Data (generated here, self-contained): 10,000 active peers, 100,000 credential records spread
 * over 2023–2028, 10,000 supervision periods under 40 supervisors, 20,000 supervision sessions,
 * 40 cohorts of the seeded 40-hour course with 4,000 enrollments.
 *
 * Run: npm run bench:reports     (builds, then prints its figures; about a minute)
 * The last line is `BENCH {json}` (bench/lib/bench-report.js): the load average before and after, the figures
 * by name, and each target as { target, value, met }.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { setupApp } = dist('setup-app');
const { prepareDatabase } = dist('database/prepare-database');
const { addDays } = dist('common/dates');
const { DashboardService } = dist('modules/reports/dashboard.service');
const { ClearanceService } = dist('modules/clearance/clearance.service');
const { startBench } = require('./lib/bench-report');
const { ApiTokensService } = dist('modules/auth/api-tokens.service');
const { systemActor } = dist('common/auth/actor');

const { PEOPLE, SUPERVISORS, DATE, insertMany, generateProgram } = require('./lib/program-data');
const RUNS = 6;

async function generate(db) {
  return generateProgram(db, async (tx, peers) => {
    const [course] = await tx.query(`SELECT id FROM courses WHERE code = 'PS-40-COURSE'`);
    const cohorts = Array.from({ length: 40 }, (_, i) => {
      const starts = addDays(DATE, (i - 30) * 14);
      return {
        id: randomUUID(),
        course_id: course.id,
        name: `Bench cohort ${i}`,
        location: i % 4 === 0 ? 'County jail' : 'Clinic',
        setting: i % 4 === 0 ? 'jail' : 'clinic',
        starts_on: starts,
        ends_on: addDays(starts, 30),
        capacity: 120,
        status: i < 28 ? 'completed' : i < 32 ? 'running' : 'planned',
      };
    });
    await insertMany(tx, 'cohorts', cohorts);
    const enrollments = [];
    cohorts.forEach((c, ci) => {
      for (let k = 0; k < 100; k++) {
        const person = peers[(ci * 100 + k) % PEOPLE];
        enrollments.push({
          id: randomUUID(),
          cohort_id: c.id,
          person_id: person.id,
          status: 'enrolled',
          requested_at: new Date().toISOString(),
          enrolled_at: new Date().toISOString(),
          completed_on: c.status === 'completed' && k % 5 !== 0 ? c.ends_on : null,
        });
      }
    });
    await insertMany(tx, 'enrollments', enrollments);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-bench-reports-'));
  const config = AppConfig.fromEnvironment({
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'http://localhost:3999',
    SESSION_SECRET: 'b'.repeat(40),
    DEMO_DATA: 'off',
    LOG_LEVEL: 'error',
    PORT: '3998',
  });
  const app = await NestFactory.create(AppModule.register(config), { logger: ['error'] });
  setupApp(app, config);
  await app.init();
  await prepareDatabase(app);
  const db = app.get(DataSource);

  const report = startBench('reports');
  let t = Date.now();
  const peers = await generate(db);
  const [{ n: credentialCount }] = await db.query('SELECT count(*) AS n FROM credentials');
  console.log(
    `data: ${peers.length} peers + ${SUPERVISORS} supervisors, ${credentialCount} credentials (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`,
  );

  const admin = {
    id: randomUUID(),
    name: 'Bench Admin',
    email: 'admin@bench.example.org',
    roles: ['admin'],
    sessionId: null,
    tokenId: null,
  };
  const dashboard = app.get(DashboardService);
  const runs = [];
  let d;
  for (let i = 0; i < RUNS; i++) {
    const timings = {};
    t = performance.now();
    d = await dashboard.build(admin, DATE, timings);
    runs.push({ total: performance.now() - t, ...timings });
  }
  const roles = d.clearedToday.length;
  const evaluations = runs[0]['clearance evaluations'];
  console.log(
    `dashboard as of ${DATE}: ${d.peers} peers; cleared today ${d.clearedToday.map((r) => `${r.code} ${r.cleared}`).join(', ')}; expiring 30/60/90: ${d.expiring.in30}/${d.expiring.in60}/${d.expiring.in90}; lapsed ${d.lapsed}; no supervision in ${d.supervisionGap.days} days: ${d.supervisionGap.peers}`,
  );
  console.log(
    `clearance points: today + 12 month ends over one load of facts; ${evaluations} engine evaluations instead of ${d.peers * roles * 13} for 13 full boards (${((100 * evaluations) / (d.peers * roles * 13)).toFixed(0)}%)`,
  );
  const steps = Object.keys(runs[0]).filter((k) => k !== 'clearance evaluations');
  console.log(
    `DashboardService.build, ${RUNS} runs (ms): first ${runs[0].total.toFixed(0)}, warm median ${median(runs.slice(1).map((r) => r.total)).toFixed(0)}`,
  );
  for (const step of steps)
    console.log(
      `  ${step.padEnd(18)} first ${runs[0][step].toFixed(0).padStart(5)}  warm median ${median(
        runs.slice(1).map((r) => r[step]),
      )
        .toFixed(0)
        .padStart(5)}`,
    );

  // The brief board in the same run: the dashboard shares its load of facts, so it is held to it.
  const clearance = app.get(ClearanceService);
  const boardTimes = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    await clearance.briefBoard(admin, DATE);
    boardTimes.push(performance.now() - t);
  }
  const dashboardMs = median(runs.slice(1).map((r) => r.total));
  const boardMs = median(boardTimes.slice(1));
  console.log(
    `brief board in the same run: warm median ${boardMs.toFixed(0)} ms; the dashboard is ${(dashboardMs / boardMs).toFixed(2)}x it`,
  );
  report.figure('dashboard_ms', dashboardMs, 0);
  report.figure('brief_board_ms', boardMs, 0);
  report.atMost('ratio_vs_brief_board', dashboardMs / boardMs, 1.5, 2);

  // The whole page and the PDF over HTTP, as a browser and a printer would get them.
  const server = await app.listen(0, '127.0.0.1');
  const port = server.address().port;
  const adminPerson = (await db.query(`SELECT id FROM people WHERE email = 'supervisor.1@bench.example.org'`))[0];
  await db.query(`INSERT INTO person_roles (person_id, role) VALUES (?, 'admin')`, [adminPerson.id]);
  const { token } = await app.get(ApiTokensService).issue(adminPerson.id, 'bench', systemActor('bench'));
  const get = (path) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      http
        .get({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${token}` } }, (res) => {
          let bytes = 0;
          res.on('data', (c) => (bytes += c.length));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve({ ms: performance.now() - started, bytes })
              : reject(new Error(`HTTP ${res.statusCode} for ${path}`)),
          );
        })
        .on('error', reject);
    });
  for (const [label, path, key] of [
    ['dashboard page GET /reports', `/reports?date=${DATE}`, 'page_ms'],
    ['board PDF GET /reports/dashboard.pdf', `/reports/dashboard.pdf?date=${DATE}`, 'pdf_ms'],
    ['dashboard JSON GET /api/v1/reports/dashboard', `/api/v1/reports/dashboard?date=${DATE}`, 'api_ms'],
  ]) {
    const times = [];
    let bytes = 0;
    for (let i = 0; i < 4; i++) {
      const r = await get(path);
      times.push(r.ms);
      bytes = r.bytes;
    }
    console.log(
      `${label}: ${times.map((x) => x.toFixed(0)).join(', ')} ms; warm median ${median(times.slice(1)).toFixed(0)} ms (${(bytes / 1024).toFixed(0)} KiB)`,
    );
    report.figure(key, median(times.slice(1)), 0);
  }
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  report.finish();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
