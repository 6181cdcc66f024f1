/**
 * Training at program scale, on SQLite (the embedded default), over the real HTTP API:
 *   - importing a 2,000-row roster CSV (multipart POST /api/v1/cohorts/:id/roster), three times on
 *     three fresh cohorts, end to end; then how long the 2,000 invitation e-mails (.eml files under
 *     DATA_DIR/mail, sent in the background after the answer) take to be written;
 *   - saving a 200 people x 20 sessions attendance grid (PUT /api/v1/cohorts/:id/attendance);
 *   - the completion review of that cohort (GET /api/v1/cohorts/:id/completion): time, and the SQL
 *     queries one review issues, compared with a 20-person cohort (they must be equal).
 * Data: one course (40 h, 20 modules of 2 h, one required, exam 80% / 3 attempts, awards PS-40);
 * 6,000 people from the roster runs; review cohorts of 200 and 20 people, each with 20 past sessions,
 * attendance for everyone (present, absent, partial) and exam attempts.
 *
 * Run: npm run build && node bench/training.js     (prints its figures; takes under a minute)
 * The last line is `BENCH {json}` (bench/lib/bench-report.js): the load average before and after, the figures
 * by name, and each target as { target, value, met }.
 */
const { mkdtempSync, readdirSync, renameSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { startBench } = require('./lib/bench-report');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { Blob } = require('node:buffer');
const { setTimeout: sleep } = require('node:timers/promises');
/* global fetch, FormData */ // Node 20's built-in HTTP client (undici)
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const { BetterSqlite3QueryRunner } = require('typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { setupApp } = dist('setup-app');
const { prepareDatabase } = dist('database/prepare-database');
const { addDays } = dist('common/dates');
const { ApiTokensService } = dist('modules/auth/api-tokens.service');
const { CompletionService } = dist('modules/training/completion.service');
const { systemActor } = dist('common/auth/actor');

const ROSTER_ROWS = 2000;
const ROSTER_RUNS = 3;
const REVIEW_PEOPLE = 200;
const SMALL_PEOPLE = 20;
const SESSIONS = 20;
const REVIEW_RUNS = 20;

// Every SQL statement TypeORM sends to SQLite goes through this one method: count and time them.
const sql = { count: 0, ms: 0, log: null };
const originalQuery = BetterSqlite3QueryRunner.prototype.query;
BetterSqlite3QueryRunner.prototype.query = async function (query, ...rest) {
  sql.count++;
  if (sql.log) sql.log.push(query.replace(/\s+/g, ' ').slice(0, 110));
  const started = process.hrtime.bigint();
  try {
    return await originalQuery.call(this, query, ...rest);
  } finally {
    sql.ms += Number(process.hrtime.bigint() - started) / 1e6;
  }
};
const resetSql = () => Object.assign(sql, { count: 0, ms: 0 });

const ms = (started) => Number(process.hrtime.bigint() - started) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function main() {
  const bench = startBench('training');
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-bench-training-'));
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
  const server = await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.address().port}/api/v1`;
  const today = config.today();
  const mailDir = join(dataDir, 'mail');
  const mailCount = () => {
    try {
      return readdirSync(mailDir).length;
    } catch {
      return 0;
    }
  };

  // An admin who is also a trainer (a cohort needs one), calling with an API token.
  const adminId = randomUUID();
  await db.query(
    `INSERT INTO people (id, name, email, status) VALUES (?, 'Bench Admin', 'admin@bench.example.org', 'active')`,
    [adminId],
  );
  await db.query(`INSERT INTO person_roles (person_id, role) VALUES (?, 'admin'), (?, 'trainer')`, [adminId, adminId]);
  const { token } = await app.get(ApiTokensService).issue(adminId, 'bench', systemActor('bench'));
  const adminUser = {
    id: adminId,
    name: 'Bench Admin',
    email: 'admin@bench.example.org',
    roles: ['admin', 'trainer'],
    sessionId: null,
    tokenId: null,
  };
  const api = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body instanceof FormData ? body : body && JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 400)}`);
    return { body: JSON.parse(text), bytes: text.length };
  };

  const course = (
    await api('POST', '/courses', {
      code: 'BENCH-40',
      title: 'Bench 40-hour peer support course',
      requiredHours: 40,
      examPassMark: 80,
      examMaxAttempts: 3,
      awardsCredentialTypeCode: 'PS-40',
      modules: Array.from({ length: SESSIONS }, (_, i) => ({
        title: `Module ${String(i + 1).padStart(2, '0')}`,
        hours: 2,
        required: i === 0,
      })),
    })
  ).body;
  const newCohort = async (name, capacity, startsOn, endsOn) =>
    (
      await api('POST', '/cohorts', {
        courseId: course.id,
        name,
        location: 'Bench clinic',
        setting: 'clinic',
        startsOn,
        endsOn,
        capacity,
        trainerIds: [adminId],
      })
    ).body;
  const rosterCsv = (tag, n) => {
    const lines = ['name,email,phone'];
    for (let i = 0; i < n; i++)
      lines.push(
        `"Trainee ${tag} ${String(i).padStart(4, '0')}",trainee.${tag}.${i}@bench.example.org,+1 406 555 ${String(i % 10000).padStart(4, '0')}`,
      );
    return lines.join('\n') + '\n';
  };
  const importRoster = async (cohortId, csv) => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'roster.csv');
    return (await api('POST', `/cohorts/${cohortId}/roster`, form)).body;
  };
  // Waits until the mail folder holds `expected` messages, then moves it aside, so the next count
  // starts from zero and polling (in this same process) never lists thousands of old files.
  let batches = 0;
  const waitForMail = async (expected, timeoutMs = 120_000) => {
    const started = process.hrtime.bigint();
    while (mailCount() < expected) {
      if (ms(started) > timeoutMs)
        throw new Error(`only ${mailCount()} of ${expected} e-mails written after ${timeoutMs} ms`);
      await sleep(20);
    }
    const elapsed = ms(started);
    renameSync(mailDir, join(dataDir, `mail-${++batches}`));
    return elapsed;
  };

  // 1. Roster import: 2,000 new people, end to end over HTTP, on three fresh cohorts.
  console.log(`today in ${config.timeZone}: ${today}`);
  const rosterTimes = [];
  const mailTimes = [];
  for (let run = 1; run <= ROSTER_RUNS; run++) {
    const cohort = await newCohort(`Roster run ${run}`, 2500, addDays(today, 7), addDays(today, 30));
    const csv = rosterCsv(`r${run}`, ROSTER_ROWS);
    const mailBefore = mailCount();
    resetSql();
    const started = process.hrtime.bigint();
    const result = await importRoster(cohort.id, csv);
    const elapsed = ms(started);
    const { count: queries, ms: sqlMs } = sql;
    const mailMs = await waitForMail(mailBefore + ROSTER_ROWS);
    rosterTimes.push(elapsed);
    mailTimes.push(elapsed + mailMs);
    console.log(
      `roster import run ${run}: ${ROSTER_ROWS} rows (${(csv.length / 1024).toFixed(0)} KB) -> enrolled ${result.enrolled}: ` +
        `${elapsed.toFixed(0)} ms end to end (${queries} queries, ${sqlMs.toFixed(0)} ms in SQL); all ${ROSTER_ROWS} e-mails written ${(elapsed + mailMs).toFixed(0)} ms after the request was sent (${mailMs.toFixed(0)} ms after the answer)`,
    );
  }
  console.log(
    `roster import: ${rosterTimes.map((x) => x.toFixed(0)).join(', ')} ms; median ${median(rosterTimes).toFixed(0)} ms (target < 3000 ms); invitations all written: median ${median(mailTimes).toFixed(0)} ms after the request`,
  );

  // 2. Completion review: cohorts of 200 and of 20 people, 20 past sessions each, attendance and exam attempts.
  const buildReviewCohort = async (people) => {
    const endsOn = addDays(today, -1);
    const startsOn = addDays(today, -(SESSIONS + 5));
    const cohort = await newCohort(`Review ${people}`, people, startsOn, endsOn);
    const sessions = [];
    for (let s = 0; s < SESSIONS; s++)
      sessions.push(
        (
          await api('POST', `/cohorts/${cohort.id}/sessions`, {
            heldOn: addDays(startsOn, s + 1),
            startsAt: '09:00',
            endsAt: '11:00',
            moduleIds: [course.modules[s].id],
          })
        ).body,
      );
    const mailBefore = mailCount();
    await importRoster(cohort.id, rosterCsv(`c${people}`, people));
    await waitForMail(mailBefore + people); // so the background e-mails do not disturb the timings below
    const personIds = (
      await db.query(
        `SELECT person_id FROM enrollments WHERE cohort_id = ? AND status = 'enrolled' ORDER BY person_id`,
        [cohort.id],
      )
    ).map((r) => r.person_id);
    // Half the people attend everything; the other half miss about one session in ten and leave one in ten early (1.5 of 2 h).
    const records = [];
    personIds.forEach((personId, p) =>
      sessions.forEach((session, s) => {
        const k = p % 2 === 0 ? 9 : (p * 7 + s * 3) % 10;
        records.push(
          k === 0
            ? { sessionId: session.id, personId, status: 'absent' }
            : k === 1
              ? { sessionId: session.id, personId, status: 'partial', hours: 1.5 }
              : { sessionId: session.id, personId, status: 'present' },
        );
      }),
    );
    // The whole grid in one request, as the API allows (up to 20,000 records); if the server refuses
    // it, the same grid one session (200 records) per request, and the refusal is reported.
    const bodyKb = JSON.stringify({ records }).length / 1024;
    let refused = null;
    let changed = 0;
    let requests = 1;
    resetSql();
    let started = process.hrtime.bigint();
    try {
      changed = (await api('PUT', `/cohorts/${cohort.id}/attendance`, { records })).body.changed;
    } catch (e) {
      refused = `${e.message.match(/HTTP \d+/)?.[0] ?? e.message} after ${ms(started).toFixed(0)} ms`;
      requests = sessions.length;
      resetSql();
      started = process.hrtime.bigint();
      for (const session of sessions)
        changed += (
          await api('PUT', `/cohorts/${cohort.id}/attendance`, {
            records: records.filter((r) => r.sessionId === session.id),
          })
        ).body.changed;
    }
    const gridMs = ms(started);
    const gridQueries = sql.count;
    // Exam attempts for three people in four: pass first time, fail then pass, or fail three times.
    let attempts = 0;
    for (const [p, personId] of personIds.entries()) {
      const scores = [[86], [72, 91], [55, 61, 79], []][p % 4];
      for (const score of scores) {
        await api('POST', `/cohorts/${cohort.id}/exam-attempts`, { personId, score, takenOn: endsOn });
        attempts++;
      }
    }
    return {
      cohort,
      personIds,
      records: records.length,
      bodyKb,
      refused,
      requests,
      changed,
      gridMs,
      gridQueries,
      attempts,
    };
  };

  const big = await buildReviewCohort(REVIEW_PEOPLE);
  if (big.refused)
    console.log(
      `saving a ${REVIEW_PEOPLE}x${SESSIONS} grid in one PUT (${big.records} records, ${big.bodyKb.toFixed(0)} KB of JSON): REFUSED, ${big.refused}`,
    );
  console.log(
    `saving a ${REVIEW_PEOPLE}x${SESSIONS} grid (PUT attendance, ${big.records} records in ${big.requests} request(s)): ${big.gridMs.toFixed(0)} ms, ${big.gridQueries} queries, ${big.changed} changed; ${big.attempts} exam attempts recorded`,
  );
  const small = await buildReviewCohort(SMALL_PEOPLE);

  const completion = app.get(CompletionService);
  const measureReview = async (cohortId) => {
    const first = await api('GET', `/cohorts/${cohortId}/completion`); // warm-up
    const times = [];
    for (let i = 0; i < REVIEW_RUNS; i++) {
      const started = process.hrtime.bigint();
      await api('GET', `/cohorts/${cohortId}/completion`);
      times.push(ms(started));
    }
    resetSql();
    sql.log = [];
    await api('GET', `/cohorts/${cohortId}/completion`);
    // The API token's "last used" stamp is written at most once a minute, by whichever request comes
    // along: it is not part of the review, so it is left out of the count.
    const httpLog = sql.log.filter((q) => !/^UPDATE "api_tokens"/.test(q));
    const httpQueries = httpLog.length;
    sql.log = null;
    resetSql();
    const started = process.hrtime.bigint();
    await completion.review(cohortId, adminUser);
    const serviceMs = ms(started);
    return {
      review: first.body,
      bytes: first.bytes,
      times,
      httpQueries,
      httpLog,
      serviceQueries: sql.count,
      serviceSqlMs: sql.ms,
      serviceMs,
    };
  };
  const bigReview = await measureReview(big.cohort.id);
  const smallReview = await measureReview(small.cohort.id);
  for (const [label, r] of [
    [`${REVIEW_PEOPLE}x${SESSIONS}`, bigReview],
    [`${SMALL_PEOPLE}x${SESSIONS}`, smallReview],
  ])
    console.log(
      `completion review ${label}: ${r.review.rows.length} people, ${r.review.met} met, ${r.review.notMet} not met, ${(r.bytes / 1024).toFixed(0)} KB answer; ` +
        `median ${median(r.times).toFixed(1)} ms, p95 ${percentile(r.times, 95).toFixed(1)} ms over ${r.times.length} runs (target < 300 ms); ` +
        `${r.httpQueries} queries per HTTP request, ${r.serviceQueries} in CompletionService.review (${r.serviceMs.toFixed(1)} ms, ${r.serviceSqlMs.toFixed(1)} ms of it SQL)`,
    );
  console.log('  queries of one review over HTTP (200-person cohort):');
  for (const q of bigReview.httpLog) console.log(`    ${q}`);
  const kinds = {};
  for (const row of bigReview.review.rows) {
    const kind = row.result.summary.replace(/[\d.]+/g, 'N');
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  console.log(
    `  outcomes (${REVIEW_PEOPLE}-person cohort): ${Object.entries(kinds)
      .map(([k, n]) => `${n} x "${k}"`)
      .join('; ')}`,
  );

  // The same review while a 2,000-row import's invitations are going out in the background (same process).
  const busyCohort = await newCohort('Roster while reviewing', 2500, addDays(today, 7), addDays(today, 30));
  const mailBefore = mailCount();
  await importRoster(busyCohort.id, rosterCsv('busy', ROSTER_ROWS));
  const busyStarted = process.hrtime.bigint();
  const busyTimes = [];
  const sentBefore = mailCount() - mailBefore;
  for (let i = 0; i < REVIEW_RUNS && mailCount() < mailBefore + ROSTER_ROWS; i++) {
    const started = process.hrtime.bigint();
    await api('GET', `/cohorts/${big.cohort.id}/completion`);
    busyTimes.push(ms(started));
  }
  const sentDuring = mailCount() - mailBefore - sentBefore;
  const reviewingMs = ms(busyStarted);
  const restMs = await waitForMail(mailBefore + ROSTER_ROWS);
  console.log(
    `completion review ${REVIEW_PEOPLE}x${SESSIONS} while 2,000 invitations are being sent: median ${median(busyTimes).toFixed(1)} ms, p95 ${percentile(busyTimes, 95).toFixed(1)} ms over ${busyTimes.length} back-to-back runs; ` +
      `meanwhile ${sentDuring} e-mails were written in ${reviewingMs.toFixed(0)} ms (the other ${ROSTER_ROWS - sentBefore - sentDuring} in ${restMs.toFixed(0)} ms once the reviews stopped)`,
  );

  const constant =
    bigReview.httpQueries === smallReview.httpQueries && bigReview.serviceQueries === smallReview.serviceQueries;
  console.log(
    `queries per review: ${REVIEW_PEOPLE} people -> ${bigReview.httpQueries} (service ${bigReview.serviceQueries}); ${SMALL_PEOPLE} people -> ${smallReview.httpQueries} (service ${smallReview.serviceQueries}): ${constant ? 'OK, independent of cohort size' : 'FAIL, grows with cohort size'}`,
  );

  // 3. Summary.
  const rosterMedian = median(rosterTimes);
  const reviewMedian = median(bigReview.times);
  const rows = [
    [
      `roster import, ${ROSTER_ROWS} rows (median of ${ROSTER_RUNS})`,
      `${rosterMedian.toFixed(0)} ms`,
      '< 3000 ms',
      rosterMedian < 3000,
    ],
    [
      `completion review ${REVIEW_PEOPLE}x${SESSIONS} (median)`,
      `${reviewMedian.toFixed(1)} ms`,
      '< 300 ms',
      reviewMedian < 300,
    ],
    [
      `completion review ${REVIEW_PEOPLE}x${SESSIONS} (p95)`,
      `${percentile(bigReview.times, 95).toFixed(1)} ms`,
      '< 300 ms',
      percentile(bigReview.times, 95) < 300,
    ],
    [
      'queries per review (200 vs 20 people)',
      `${bigReview.httpQueries} vs ${smallReview.httpQueries}`,
      'equal',
      constant,
    ],
    [`invitations written (median, after request)`, `${median(mailTimes).toFixed(0)} ms`, '(no target)', null],
    [
      `saving a ${REVIEW_PEOPLE}x${SESSIONS} grid (${big.requests} PUT${big.requests > 1 ? 's' : ''})`,
      `${big.gridMs.toFixed(0)} ms`,
      '(no target)',
      null,
    ],
    [
      `saving a ${REVIEW_PEOPLE}x${SESSIONS} grid in one PUT`,
      big.refused ? 'refused' : 'accepted',
      'accepted',
      !big.refused,
    ],
  ];
  console.log('\nsummary');
  for (const [what, figure, target, ok] of rows)
    console.log(
      `  ${what.padEnd(46)} ${figure.padStart(12)}   ${target.padEnd(12)} ${ok === null ? '' : ok ? 'OK' : 'MISSED'}`,
    );

  bench.atMost('roster_import_ms', rosterMedian, 3000, 0);
  bench.atMost('review_ms', reviewMedian, 300);
  bench.atMost('review_p95_ms', percentile(bigReview.times, 95), 300);
  bench.figure('review_queries', bigReview.httpQueries, 0);
  bench.atMost('review_queries_200_over_20', bigReview.httpQueries / smallReview.httpQueries, 1, 2);
  bench.figure('invitations_ms', median(mailTimes), 0);
  bench.figure('grid_ms', big.gridMs, 0);

  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  bench.finish();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
