/**
 * E-mail through the outbox at scale, scale-out mode: 10,000 outbox messages delivered by two
 * `npm run worker` processes (BullMQ on Redis, PostgreSQL) to a local SMTP listener (smtp-server).
 * Prints messages per second from the first job queued to the last message accepted, and checks
 * that every message arrived exactly once.
 *
 * Needs PostgreSQL and Redis (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * BENCH_REDIS_URL, default redis://127.0.0.1:6379). Run: npm run bench:outbox
 * The last line is `BENCH {json}` (bench/lib/bench-report.js): the load average before and after, the figures
 * by name, and each target as { target, value, met }.
 */
const { fork } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { startBench } = require('./lib/bench-report');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
require('reflect-metadata');
const { Client } = require('pg');
const { SMTPServer } = require('smtp-server');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { prepareDatabase } = dist('database/prepare-database');
const { BullmqJobQueue } = dist('modules/jobs/bullmq-job-queue');
const { JobQueue, QUEUE_NAMES } = dist('modules/jobs/jobs');

const MESSAGES = 10_000;
const WORKERS = 2;
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(sql) {
  const client = new Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main() {
  const bench = startBench('outbox');
  const seen = new Map();
  let last = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c) => {
        if (head.length < 4096) head += c.toString('utf8');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*<([^@>]+)@/im.exec(head)?.[1] ?? 'missing';
        seen.set(id, (seen.get(id) ?? 0) + 1);
        last = Date.now();
        callback();
      });
    },
  });
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${smtp.server.address().port}?ignoreTLS=true`;

  const dbName = `lms_bench_outbox_${randomUUID().slice(0, 8)}`;
  await admin(`CREATE DATABASE ${dbName}`);
  const databaseUrl = new URL(POSTGRES);
  databaseUrl.pathname = `/${dbName}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-bench-outbox-'));
  const env = {
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'http://localhost:3999',
    SESSION_SECRET: 'x'.repeat(40),
    DATA_DIR: dataDir,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: REDIS,
    REDIS_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
    SMTP_URL: smtpUrl,
    JOB_CONCURRENCY: '20',
  };
  const app = await NestFactory.createApplicationContext(AppModule.register(AppConfig.fromEnvironment(env)), {
    logger: ['error', 'warn'],
  });
  const workers = [];
  try {
    await prepareDatabase(app);
    const db = app.get(DataSource);
    const ids = Array.from({ length: MESSAGES }, () => randomUUID());
    const context = JSON.stringify({
      recipientName: 'Bench Peer',
      personName: 'Bench Peer',
      headline: 'CPR / First Aid expires in 30 days',
      detail: 'It expires on Dec 31, 2026.',
      graceEndsOn: null,
      forSupervisor: false,
      link: '/my/credentials',
      credentialName: 'CPR / First Aid',
    });
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      await db.query(
        `INSERT INTO outbox (id, to_address, subject, template, context) VALUES ${chunk.map((_, n) => `($${n * 3 + 1}, $${n * 3 + 2}, $${n * 3 + 3}, 'credential-reminder', '${context}')`).join(', ')}`,
        chunk.flatMap((id, n) => [id, `peer.${i + n}@bench.example.org`, 'CPR / First Aid expires in 30 days']),
      );
    }
    for (let w = 0; w < WORKERS; w++) {
      const child = fork(join(__dirname, '..', 'dist', 'src', 'worker.js'), [], {
        env: { ...process.env, ...env, LOG_LEVEL: 'log' },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      workers.push(child);
      await new Promise((resolve, reject) => {
        child.stdout.on('data', (d) => String(d).includes('Worker running') && resolve());
        child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    }
    console.log(
      `${MESSAGES.toLocaleString()} outbox messages; ${WORKERS} workers running (BullMQ, PostgreSQL, concurrency ${env.JOB_CONCURRENCY} each).`,
    );

    const queue = app.get(JobQueue);
    const t0 = Date.now();
    // Queued as the features do: one keyed job per message, many at a time.
    for (let i = 0; i < ids.length; i += 500) {
      await Promise.all(
        ids
          .slice(i, i + 500)
          .map((outboxId) => queue.add('notification.deliver', { outboxId }, { key: `deliver:${outboxId}` })),
      );
    }
    const queued = Date.now();
    while (seen.size < MESSAGES && Date.now() - t0 < 300_000) await sleep(50);
    let sent = 0;
    while (Date.now() - t0 < 300_000) {
      sent = Number((await db.query(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'`))[0].n);
      if (sent >= MESSAGES) break;
      await sleep(50);
    }
    const seconds = (last - t0) / 1000;
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    console.log(
      `Queued in ${((queued - t0) / 1000).toFixed(2)} s; all ${seen.size.toLocaleString()} accepted by SMTP after ${seconds.toFixed(2)} s`,
    );
    console.log(`Throughput: ${(seen.size / seconds).toFixed(0)} e-mails/s  (target >= 200/s)`);
    console.log(
      `Outbox rows sent: ${sent.toLocaleString()}; messages received twice: ${duplicates}; missing: ${ids.filter((id) => !seen.has(id)).length}`,
    );
    bench.figure('messages', MESSAGES, 0);
    bench.atLeast('per_s', seen.size / seconds, 200, 0);
    bench.atMost('received_twice', duplicates, 0, 0);
    bench.atMost('missing', ids.filter((id) => !seen.has(id)).length, 0, 0);
  } finally {
    for (const child of workers) child.kill('SIGTERM');
    await Promise.all(
      workers.map(
        (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve))),
      ),
    );
    const bull = app.get(BullmqJobQueue);
    for (const name of QUEUE_NAMES) {
      await bull.queue(name).pause();
      await bull.queue(name).obliterate({ force: true });
    }
    await app.close();
    await new Promise((resolve) => smtp.close(resolve));
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  bench.finish();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
