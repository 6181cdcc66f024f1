/**
 * `GET /api/v1/me` throughput of the built app (`node dist/src/main.js`, as `npm start` runs it) on PostgreSQL
 * with WEB_CONCURRENCY=2 against WEB_CONCURRENCY=1, on the same database, clients included: the load
 * generator runs on the same cores, as it would on a one-host install. Rounds alternate 1, 2, 1, 2, … so the
 * machine's load hits both alike; each side's figure is its best round.
 */
const { fork, spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');

const ROOT = join(__dirname, '..', '..');
const dist = (p) => require(join(ROOT, 'dist', 'src', p));

async function withDatabase(adminUrl, fn) {
  const name = `lms_bench_cluster_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Migrates the database and issues an admin API token, in this process, before any server starts. */
async function prepare(env) {
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = dist('app.module');
  const { AppConfig } = dist('config/app-config');
  const { prepareDatabase } = dist('database/prepare-database');
  const { ApiTokensService } = dist('modules/auth/api-tokens.service');
  const { PeopleService } = dist('modules/people/people.service');
  const { systemActor } = dist('common/auth/actor');
  const app = await NestFactory.createApplicationContext(AppModule.register(AppConfig.fromEnvironment(env)), {
    logger: ['error'],
  });
  await prepareDatabase(app);
  const person = await app
    .get(PeopleService)
    .create({ name: 'Bench Admin', email: 'bench.admin@bench.example.org', roles: ['admin'] }, systemActor('bench'));
  const { token } = await app.get(ApiTokensService).issue(person.id, 'bench', systemActor('bench'));
  await app.close();
  return token;
}

function startServer(env, processes) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
      env: { ...env, WEB_CONCURRENCY: String(processes) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const ready = processes > 1 ? `${processes} web processes share the port` : 'Open http';
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(ready)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the app exited with ${code} before it listened:\n${output}`)));
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function load(port, token, requests) {
  return new Promise((resolve, reject) => {
    const client = fork(join(__dirname, 'clearance-load.js'));
    client.once('message', (m) => {
      client.kill();
      if (m.ok) resolve(requests / m.seconds);
      else reject(new Error(m.error));
    });
    client.send({ port, token, paths: ['/api/v1/me'], clients: 50, requests, warmup: 2000 });
  });
}

/** { one_per_s, two_per_s, cluster_speedup } after `rounds` alternating rounds of `requests` each. */
async function clusterSpeedup({ postgresUrl, rounds = 3, requests = 6000, log = console.log }) {
  return withDatabase(postgresUrl, async (databaseUrl) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lms-bench-cluster-'));
    const port = 3990;
    const env = {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: `http://localhost:${port}`,
      SESSION_SECRET: 'c'.repeat(40),
      DEMO_DATA: 'off',
      LOG_LEVEL: 'error',
      PORT: String(port),
    };
    try {
      const token = await prepare(env);
      const best = { 1: 0, 2: 0 };
      for (let round = 0; round < rounds; round++)
        for (const processes of [1, 2]) {
          const server = await startServer(env, processes);
          try {
            const perS = await load(port, token, requests);
            best[processes] = Math.max(best[processes], perS);
            log(`  round ${round + 1}, ${processes} web process(es): ${perS.toFixed(0)} requests/s`);
          } finally {
            await stopServer(server);
          }
        }
      return { one_per_s: best[1], two_per_s: best[2], cluster_speedup: best[2] / best[1] };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

module.exports = { clusterSpeedup };
