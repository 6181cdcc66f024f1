/**
 * The daily expiry scan at scale, on SQLite (the embedded default): 1,000,000 credential records
 * held by 100,000 people, of which 5,000 cross a threshold on the scan date (4,000 reach their
 * 30-day reminder, 1,000 lapse into grace); the rest were scanned before and are due later.
 * Prints the scan time, what it did, the query plan of its paging query, and the peak RSS.
 *
 * Run: npm run bench:expiry     (builds first; generating the data takes most of the time)
 * The last line is `BENCH {json}` (bench/lib/bench-report.js): the load average before and after, the figures
 * by name, and each target as { target, value, met }.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { setInterval, clearInterval } = require('node:timers');
const { tmpdir } = require('node:os');
const { startBench } = require('./lib/bench-report');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { prepareDatabase } = dist('database/prepare-database');
const { ExpiryScanService } = dist('modules/expiry/expiry-scan.service');

const PEOPLE = 100_000;
const PER_PERSON = 10;
const REMINDER_CROSSING = 4_000;
const GRACE_CROSSING = 1_000;
const DATE = '2026-12-01';

function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function main() {
  const bench = startBench('expiry');
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-bench-expiry-'));
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'http://localhost:3999',
    SESSION_SECRET: 'x'.repeat(40),
    DATA_DIR: dataDir,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'warn',
    JOBS_IN_WEB: 'off',
  });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error', 'warn'] });
  try {
    await prepareDatabase(app);
    const db = app.get(DataSource);
    const started = Date.now();
    // Straight into SQLite through the driver's own handle: generating a million rows through TypeORM would dominate the run.
    const sqlite = db.driver.databaseConnection;
    const type = (await db.query(`SELECT id FROM credential_types WHERE code = 'MT-CBHPSS'`))[0].id;
    const others = (await db.query(`SELECT id FROM credential_types WHERE code <> 'MT-CBHPSS'`)).map((r) => r.id);
    const insertPerson = sqlite.prepare(`INSERT INTO people (id, name, email, status) VALUES (?, ?, ?, 'active')`);
    const insertCredential = sqlite.prepare(
      `INSERT INTO credentials (id, person_id, credential_type_id, source, issued_on, expires_on, standing, next_check_on) VALUES (?, ?, ?, 'external', ?, ?, ?, ?)`,
    );
    let crossing = 0;
    sqlite.transaction(() => {
      for (let p = 0; p < PEOPLE; p++) {
        const personId = randomUUID();
        insertPerson.run(personId, `Peer ${p}`, `peer.${p}@bench.example.org`);
        for (let c = 0; c < PER_PERSON; c++) {
          const n = p * PER_PERSON + c;
          if (c === 0 && crossing < REMINDER_CROSSING) {
            // Reaches its 30-day reminder today; last looked at on its 60-day one.
            insertCredential.run(randomUUID(), personId, type, '2026-01-01', addDays(DATE, 30), 'active', DATE);
            crossing++;
          } else if (c === 0 && crossing < REMINDER_CROSSING + GRACE_CROSSING) {
            // Expired yesterday: lapses into grace today.
            insertCredential.run(randomUUID(), personId, type, '2025-01-01', addDays(DATE, -1), 'active', DATE);
            crossing++;
          } else {
            // Not due: its next event is between tomorrow and two years out.
            const expires = addDays(DATE, 120 + (n % 600));
            insertCredential.run(
              randomUUID(),
              personId,
              others[n % others.length],
              '2025-06-01',
              expires,
              'active',
              addDays(expires, -90),
            );
          }
        }
      }
    })();
    // What the scan's date windows read: supervision for every peer, supervisor qualifications,
    // attestations and revocations spread over the years, with a few hundred of each ending or
    // taking effect within the window (yesterday's scan to today's), so the window queries have
    // real tables to search and real people to recheck.
    const supervisors = [];
    const insertQualification = sqlite.prepare(
      `INSERT INTO supervisor_qualifications (id, person_id, licence, qualified_from, qualified_until) VALUES (?, ?, 'LCPC', '2020-01-01', ?)`,
    );
    const insertAssignment = sqlite.prepare(
      `INSERT INTO supervision_assignments (id, peer_id, supervisor_id, starts_on, ends_on) VALUES (?, ?, ?, ?, ?)`,
    );
    const insertAttestation = sqlite.prepare(
      `INSERT INTO lived_experience_attestations (id, person_id, verified_by_id, verified_on, withdrawn_on, evidence_location) VALUES (?, ?, ?, ?, ?, 'file room')`,
    );
    const peers = sqlite.prepare(`SELECT id FROM people ORDER BY id`).pluck().all();
    sqlite.transaction(() => {
      for (let s = 0; s < 1000; s++) {
        const id = randomUUID();
        insertPerson.run(id, `Supervisor ${s}`, `supervisor.${s}@bench.example.org`);
        insertQualification.run(
          randomUUID(),
          id,
          s < 10 ? addDays(DATE, -1) : s < 200 ? addDays(DATE, -30 - s * 3) : null,
        );
        supervisors.push(id);
      }
      peers.forEach((peerId, i) => {
        insertAssignment.run(
          randomUUID(),
          peerId,
          supervisors[i % 1000],
          addDays('2024-01-01', i % 600),
          i < 500 ? addDays(DATE, -1) : i % 7 === 0 ? addDays(DATE, -40 - (i % 300)) : null,
        );
        insertAttestation.run(
          randomUUID(),
          peerId,
          supervisors[i % 1000],
          addDays('2021-01-01', i % 900),
          i % 500 === 0 ? DATE : i % 50 === 0 ? addDays(DATE, -60 - (i % 700)) : null,
        );
      });
      // 1% of credentials revoked, on dates over the past three years; 300 of them effective today.
      sqlite
        .prepare(
          `UPDATE credentials SET revoked_on = date(?, '-' || (abs(random()) % 1000 + 2) || ' days'), revocation_reason = 'other' WHERE rowid % 100 = 7`,
        )
        .run(DATE);
      sqlite
        .prepare(
          `UPDATE credentials SET revoked_on = ? WHERE rowid IN (SELECT rowid FROM credentials WHERE rowid % 100 = 7 LIMIT 300)`,
        )
        .run(DATE);
      // Yesterday's scan finished: today's window is yesterday to today. Edits above reset next_check_on by trigger; put it back.
      sqlite
        .prepare(`UPDATE credentials SET next_check_on = ? WHERE next_check_on = '0001-01-01'`)
        .run(addDays(DATE, 400));
      sqlite.prepare(`INSERT INTO expiry_scan_state (id, scanned_through) VALUES (1, ?)`).run(addDays(DATE, -1));
      // And it consumed the clearance_facts_changed markers the writes above left (issue 21 §3).
      sqlite.prepare(`DELETE FROM clearance_facts_changed`).run();
    })();
    sqlite.exec('ANALYZE');
    const total = (await db.query('SELECT COUNT(*) AS n FROM credentials'))[0].n;
    console.log(
      `Generated ${total.toLocaleString()} credentials for ${PEOPLE.toLocaleString()} people in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const scan = app.get(ExpiryScanService);
    console.log('\nQuery plan of the paging query (EXPLAIN QUERY PLAN):');
    for (const line of await scan.explainDueQuery(DATE)) console.log(`  ${line}`);
    console.log('Query plans of the clearance window queries (a sample of the ten):');
    for (const line of await scan.explainWindowQueries(addDays(DATE, -1), DATE)) console.log(`  ${line}`);

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const t0 = process.hrtime.bigint();
    const report = await scan.run(DATE);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const rerun0 = process.hrtime.bigint();
    const rerun = await scan.run(DATE);
    const rerunMs = Number(process.hrtime.bigint() - rerun0) / 1e6;
    console.log(`\nExpiry scan of ${DATE}: ${(ms / 1000).toFixed(2)} s  (target < 10 s)`);
    console.log(`  ${JSON.stringify(report)}`);
    console.log(`Rerun of the same date: ${rerunMs.toFixed(0)} ms, ${rerun.reminders} reminders (must be 0)`);
    console.log(
      `RSS: ${(rssBefore / 1048576).toFixed(0)} MB before the scan, ${(rssPeak / 1048576).toFixed(0)} MB at its peak during it (+${((rssPeak - rssBefore) / 1048576).toFixed(0)} MB, sampled every 20 ms); the process's peak, data generation included, ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    bench.figure('credentials', total, 0);
    bench.atMost('scan_ms', ms, 10_000, 0);
    bench.figure('rerun_ms', rerunMs, 0);
    bench.atMost('rerun_reminders', rerun.reminders, 0, 0);
    bench.figure('rss_growth_mb', (rssPeak - rssBefore) / 1048576, 0);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  bench.finish();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
