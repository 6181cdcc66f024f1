/* global fetch, setTimeout */
/**
 * Clearance at program scale, on SQLite (the embedded default):
 *   - the whole-program board: 10,000 peers x 8 practice roles, as of a date;
 *   - the date-of-service check of a 10,000-row file;
 *   - one person's clearance over the API with 50 concurrent clients.
 * Data: 10,000 people, 100,000 credential records, 10,000 supervision periods.
 *
 * Run: npm run bench:clearance    (builds, then prints its figures; takes under a minute)
 *      node bench/clearance.js board|dos|api|growth|cluster    (one part only, e.g. under `node --cpu-prof`)
 *
 * The API clients run in a child process (bench/lib/clearance-load.js), so their own work does not
 * queue on the server's event loop; the server's own time per request is measured too.
 *
 * Targets are ratios to floors measured in the same run (issue 20): the board's floor is reading the
 * rows it needs with better-sqlite3 alone (prepared statements, `.raw()` arrays, no entities); the
 * API's floor is `GET /api/v1/me`. The last line is `BENCH {json}` (bench/lib/bench-report.js).
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { fork } = require('node:child_process');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const Database = require('better-sqlite3');
const { startBench } = require('./lib/bench-report');
const { clusterSpeedup } = require('./lib/cluster-speedup');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { setupApp } = dist('setup-app');
const { prepareDatabase } = dist('database/prepare-database');
const { ClearanceService } = dist('modules/clearance/clearance.service');
const { ApiTokensService } = dist('modules/auth/api-tokens.service');
const { DateOfServiceService } = dist('modules/clearance/date-of-service.service');
const { systemActor } = dist('common/auth/actor');

const { PEOPLE, SUPERVISORS, DATE, generateProgram: generate } = require('./lib/program-data');
const { addDays } = dist('common/dates');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The rows the board reads (ClearanceService.loadFacts), straight from the file: the floor its time is held to. */
const FLOOR_QUERIES = [
  `SELECT id, name, preferred_name, status FROM people`,
  `SELECT person_id, verified_on, withdrawn_on FROM lived_experience_attestations`,
  `SELECT c.id, c.person_id, c.credential_type_id, c.issued_on, c.expires_on, c.revoked_on, c.suspended_from,
          c.suspended_until, c.licence_number FROM credentials c`,
  `SELECT a.id, a.peer_id, s.name, a.starts_on, a.ends_on, sq.qualified_from, sq.qualified_until
     FROM supervision_assignments a JOIN people s ON s.id = a.supervisor_id
     LEFT JOIN supervisor_qualifications sq ON sq.person_id = a.supervisor_id ORDER BY a.starts_on, a.id`,
  `SELECT person_id, role FROM person_roles`,
];

function floorMs(file) {
  const db = new Database(file, { readonly: true });
  const statements = FLOOR_QUERIES.map((sql) => db.prepare(sql).raw());
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    for (const s of statements) s.all();
    times.push(ms(t));
  }
  db.close();
  return times.slice(1).sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)];
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const only = process.argv[2];
const part = (name) => !only || only === name;
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

async function main() {
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
  // The server's own time per request: from Express seeing it to the last byte handed to the socket.
  const serverTimes = [];
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => serverTimes.push(ms(started)));
    next();
  });
  setupApp(app, config);
  await app.init();
  await prepareDatabase(app);
  const db = app.get(DataSource);

  const report = startBench('clearance');
  let t = Date.now();
  const peers = await generate(db);
  const [{ n: credentialCount }] = await db.query('SELECT count(*) AS n FROM credentials');
  const [{ n: supervisionCount }] = await db.query('SELECT count(*) AS n FROM supervision_assignments');
  console.log(
    `data: ${peers.length + SUPERVISORS} people, ${credentialCount} credentials, ${supervisionCount} supervision periods (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`,
  );

  // Count the queries a board costs, on the one SQLite connection TypeORM uses.
  const runner = db.driver.createQueryRunner();
  const query = runner.query.bind(runner);
  let queries = 0;
  runner.query = (...args) => {
    queries++;
    return query(...args);
  };
  const admin = {
    id: randomUUID(),
    name: 'Bench Admin',
    email: 'admin@bench.example.org',
    roles: ['admin'],
    sessionId: null,
    tokenId: null,
  };
  const clearance = app.get(ClearanceService);
  const pss = (board) => board.roles.findIndex((x) => x.code === 'PSS');
  const boardMs = {};
  let cellsPerBoard = 0;
  if (part('board')) {
    for (const [name, method, runs] of [
      ['brief board (the board page, its CSV and the board API)', 'briefBoard', 8],
      ['full board (every cell explained)', 'board', 4],
    ]) {
      const times = [];
      const cpuTimes = [];
      const counts = [];
      let summary;
      for (let i = 0; i < runs; i++) {
        queries = 0;
        t = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        const board = await clearance[method](admin, DATE);
        times.push(ms(t));
        const used = process.cpuUsage(cpu);
        cpuTimes.push((used.user + used.system) / 1000);
        counts.push(queries);
        if (i === 0) {
          const cells = board.rows.reduce((n, r) => n + r.results.length, 0);
          cellsPerBoard = cells;
          const cleared = board.rows.filter((r) => r.results[pss(board)].status !== 'not_cleared').length;
          summary = `${board.rows.length} peers x ${board.roles.length} roles = ${cells} evaluations; ${cleared} cleared as Peer Support Specialist`;
        }
      }
      console.log(`${name}: ${summary}; ${[...new Set(counts)].join(', then ')} queries a board`);
      const warm = times.slice(1).sort((a, b) => a - b);
      const warmCpu = cpuTimes.slice(1).sort((a, b) => a - b);
      console.log(
        `  time: first ${times[0].toFixed(0)} ms; warm median ${percentile(warm, 50).toFixed(0)} ms, max ${warm[warm.length - 1].toFixed(0)} ms; CPU time of the process, warm median ${percentile(warmCpu, 50).toFixed(0)} ms`,
      );
      boardMs[method] = { ms: percentile(warm, 50), queries: counts[counts.length - 1] };
    }
    const factsTimes = [];
    for (let i = 0; i < 3; i++) {
      t = process.hrtime.bigint();
      await clearance.factsFor(peers.map((p) => p.id));
      factsTimes.push(ms(t));
    }
    const floor = floorMs(config.database.path);
    const facts = median(factsTimes);
    const brief = boardMs.briefBoard.ms;
    console.log(`  loading the facts of 10,000 people by id lists: median ${facts.toFixed(0)} ms`);
    console.log(
      `  the floor, the same rows read with better-sqlite3 alone: ${floor.toFixed(0)} ms; facts ${(facts / floor).toFixed(2)}x, brief board ${(brief / floor).toFixed(2)}x the floor; full board ${(boardMs.board.ms / brief).toFixed(2)}x the brief board`,
    );
    report.figure('floor_ms', floor);
    report.atMost('facts_ms', facts, 1.5 * floor);
    report.atMost('brief_board_ms', brief, 2.5 * floor);
    report.atMost('full_board_ms', boardMs.board.ms, 1.5 * brief);
    report.figure('brief_board_queries', boardMs.briefBoard.queries, 0);
    report.figure('evaluations_per_s', (cellsPerBoard / brief) * 1000, 0);
  }
  runner.query = query;

  // The date-of-service check of a 10,000-row billing file.
  const roleCodes = (await clearance.roles()).map((r) => r.code);
  const lines = ['email,date,role'];
  for (let i = 0; i < 10_000; i++)
    lines.push(
      `peer.${(i * 7919) % PEOPLE}@bench.example.org,${addDays('2025-01-01', i % 690)},${roleCodes[i % roleCodes.length]}`,
    );
  const dos = app.get(DateOfServiceService);
  const dosTimes = [];
  for (let i = 0; part('dos') && i < 3; i++) {
    t = process.hrtime.bigint();
    const { rows } = await dos.check(lines.join('\n'), admin);
    dosTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (i === 0)
      console.log(
        `date-of-service check: ${rows.length} rows, ${rows.filter((r) => r.status && r.status !== 'not_cleared').length} cleared, ${rows.filter((r) => r.error).length} unreadable`,
      );
  }
  if (part('dos')) {
    console.log(`date-of-service time: ${dosTimes.map((x) => x.toFixed(0)).join(', ')} ms`);
    report.figure('dos_10k_ms', median(dosTimes), 0);
  }

  // One person's clearance over HTTP: 50 clients at once, keep-alive, an admin API token.
  if (part('api')) {
    const server = await app.listen(0, '127.0.0.1');
    const port = server.address().port;
    const adminPerson = (await db.query(`SELECT id FROM people WHERE email = 'supervisor.0@bench.example.org'`))[0];
    await db.query(`INSERT INTO person_roles (person_id, role) VALUES (?, 'admin')`, [adminPerson.id]);
    const { token } = await app.get(ApiTokensService).issue(adminPerson.id, 'bench', systemActor('bench'));
    const sample = await fetch(`http://127.0.0.1:${port}/api/v1/people/${peers[1].id}/clearance?date=${DATE}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    console.log(
      `one person's clearance: HTTP ${sample.status}, ${(await sample.arrayBuffer()).byteLength} bytes of JSON`,
    );
    const line = (xs) =>
      `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${xs[xs.length - 1].toFixed(1)} ms`;
    /** 50 clients in a child process, after a warm-up; latencies as they see them, and the server's own time, CPU and queries. */
    const run = async (title, paths, requests) => {
      const client = fork(join(__dirname, 'lib', 'clearance-load.js'));
      serverTimes.length = 0;
      let counting = false;
      runner.query = (...args) => {
        if (counting) queries++;
        return query(...args);
      };
      let cpu;
      const result = await new Promise((resolve, reject) => {
        client.once('message', (m) => {
          cpu = process.cpuUsage(cpu);
          resolve(m);
        });
        client.once('error', reject);
        client.send({ port, token, paths, clients: 50, requests, warmup: 1000 });
        // Counted on the warmed-up server, over the measured requests only.
        setTimeout(() => ((counting = true), (queries = 0), (serverTimes.length = 0), (cpu = process.cpuUsage())), 0);
      });
      client.kill();
      runner.query = query;
      if (!result.ok) throw new Error(result.error);
      const served = serverTimes.length;
      const measured = serverTimes.slice(-requests).sort((a, b) => a - b);
      const latencies = result.latencies.sort((a, b) => a - b);
      console.log(
        `${title}, 50 concurrent clients, ${requests} requests in ${result.seconds.toFixed(1)} s (${(requests / result.seconds).toFixed(0)}/s):`,
      );
      console.log(`  as the clients see it: ${line(latencies)}`);
      console.log(
        `  the server's own time: ${line(measured)}; ${(queries / served).toFixed(1)} queries and ${((cpu.user + cpu.system) / 1000 / served).toFixed(2)} ms of CPU per request`,
      );
      return { perS: requests / result.seconds, serverP99: percentile(measured, 99), queries: queries / served };
    };
    const people = (suffix) =>
      Array.from(
        { length: 3000 },
        (_, i) => `/api/v1/people/${peers[(i * 7919) % peers.length].id}/clearance?date=${DATE}${suffix}`,
      );
    const all = await run('person clearance API (every practice role, full explanations)', people(''), 5000);
    const one = await run('person clearance API, one role (?role=PSS)', people('&role=PSS'), 3000);
    // The floor: the same stack (HTTP, middleware, sign-in by token) answering the smallest signed-in route.
    const me = await run('for comparison, GET /api/v1/me (sign-in and framework only)', ['/api/v1/me'], 3000);
    runner.query = query;
    report.figure('api_per_s', all.perS, 0);
    report.figure('api_one_role_per_s', one.perS, 0);
    report.figure('me_per_s', me.perS, 0);
    report.atLeast('ratio_vs_me', all.perS / me.perS, 0.7, 2);
    report.atMost('server_p99_ms', all.serverP99, 5);
    report.atMost('queries_per_request', all.queries, 3);
  }
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });

  // Growth: the brief board at 1,000, 10,000 and 50,000 peers, each on a database of its own; linear cost keeps
  // the 50,000 / 10,000 ratio near 5.
  if (part('growth')) {
    const sizes = {};
    for (const people of [1_000, 10_000, 50_000]) {
      const dir = mkdtempSync(join(tmpdir(), 'lms-bench-growth-'));
      const growthConfig = AppConfig.fromEnvironment({ DATA_DIR: dir, NODE_ENV: 'test', DEMO_DATA: 'off' });
      const growthApp = await NestFactory.createApplicationContext(AppModule.register(growthConfig), {
        logger: ['error'],
      });
      await prepareDatabase(growthApp);
      await generate(growthApp.get(DataSource), async () => {}, people);
      const board = growthApp.get(ClearanceService);
      const times = [];
      for (let i = 0; i < 4; i++) {
        t = process.hrtime.bigint();
        await board.briefBoard(admin, DATE);
        times.push(ms(t));
      }
      sizes[people] = median(times.slice(1));
      console.log(
        `growth: brief board of ${people.toLocaleString('en-US')} peers, warm median ${sizes[people].toFixed(0)} ms`,
      );
      await growthApp.close();
      rmSync(dir, { recursive: true, force: true });
    }
    report.figure('growth_1k_ms', sizes[1_000], 0);
    report.figure('growth_10k_ms', sizes[10_000], 0);
    report.figure('growth_50k_ms', sizes[50_000], 0);
    report.atMost('growth_50k_over_10k', sizes[50_000] / sizes[10_000], 5.5, 2);
  }

  // Several web processes on one host (WEB_CONCURRENCY, PostgreSQL only): the same floor route, 2 processes against 1.
  if (part('cluster')) {
    const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    console.log(
      'GET /api/v1/me on PostgreSQL, 50 clients on the same cores, WEB_CONCURRENCY=1 and 2 in alternating rounds:',
    );
    const cluster = await clusterSpeedup({ postgresUrl });
    report.figure('me_one_process_per_s', cluster.one_per_s, 0);
    report.figure('me_two_processes_per_s', cluster.two_per_s, 0);
    report.atLeast('cluster_speedup', cluster.cluster_speedup, 1.4, 2);
  }
  report.finish();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
