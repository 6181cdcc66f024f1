/* global Buffer, setInterval, clearInterval */
/**
 * Certificates for a cohort of 500, on SQLite (the embedded default):
 *   - the peer: the same page drawn by TCPDF, the engine Moodle's certificate plugins use (bench/peer/, when
 *     `php` and Debian's `php-tcpdf` are installed: apt-get install php-cli php-tcpdf);
 *   - bare PDFKit: a landscape Letter page with the same text, the same embedded DejaVu fonts (parsed
 *     once) and the same QR code, 500 times, for comparison;
 *   - our renderer: the same 500 certificates through the course-completion layout, on this one thread;
 *     (the three alternate in rounds, so the machine's load hits all alike);
 *   - issuing: the 'certificate.issue' job handler for 500 credentials of one completed cohort (render, store the
 *     file by its hash, insert the row and its audit entry), four at a time as the job runner does: drawn on the
 *     main thread (CERTIFICATE_RENDER_THREADS=0, one core), then by a worker thread per core;
 *   - the cohort's ZIP of those 500 PDFs over HTTP, with the process's RSS sampled while it streams.
 *
 * Run: npm run bench:certificates     (builds first; prints its figures; about a minute)
 * The last line is `BENCH {json}` (bench/lib/bench-report.js): the load average before and after, the figures
 * by name, and each target as { target, value, met }.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { startBench } = require('./lib/bench-report');
const { join } = require('node:path');
const http = require('node:http');
const { randomUUID } = require('node:crypto');
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { DataSource } = require('typeorm');
const PDFDocument = require('pdfkit');
const QRCode = require('qrcode');
const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { setupApp } = dist('setup-app');
const { prepareDatabase } = dist('database/prepare-database');
const { CertificatesService } = dist('modules/certificates/certificates.service');
const { CertificateRenderer, certificateFonts } = dist('modules/certificates/certificate-renderer');
const { spawnSync } = require('node:child_process');
const { cpus } = require('node:os');
const { CertificateTemplates } = dist('modules/certificates/certificate-templates');
const { ApiTokensService } = dist('modules/auth/api-tokens.service');
const { systemActor } = dist('common/auth/actor');

const COHORT = 500;
const ROUNDS = 5;

function fieldsFor(i) {
  const code = `7K2QH-XM4RB-${String(i).padStart(4, '0')}${'0123456789ABCDEFGHJKMNPQRSTVWXYZ'[i % 32]}`;
  return {
    orgName: 'Big Sky Community Health Peer Support Program',
    recipientName: `Renée Two Feathers-${i} Núñez`,
    credentialName: '40-hour Peer Support Course (incl. Ethics & Boundaries)',
    credentialCode: 'PS-40',
    hours: '40',
    issuedOn: 'March 3, 2026',
    validity: 'Does not expire',
    trainerName: 'Corey Whitehorse',
    directorName: 'Dana Littlelight',
    directorTitle: 'Program Director',
    licenceNumber: '',
    cohortName: 'Spring cohort, Billings',
    code,
    verifyUrl: `https://lms.example.org/verify/${code}`,
    verifyBase: 'lms.example.org/verify',
  };
}

/** The same page with PDFKit alone: same strings, fonts, sizes and QR, no layout engine around it. */
function barePdf(f) {
  const fonts = certificateFonts();
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'LETTER', layout: 'landscape', margin: 0, font: fonts.serif });
    for (const [name, font] of Object.entries(fonts)) doc.registerFont(name, font);
    const chunks = [];
    doc.on('data', (c) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    // lineBreak off, as ours sets one-line text: the baseline is PDFKit at its fastest, not its line wrapper.
    const text = (font, size, s, y, x = 60, width = 672) =>
      doc.font(font).fontSize(size).text(s, x, y, { width, align: 'center', lineBreak: false });
    text('serif-bold', 13, f.orgName.toUpperCase(), 62);
    text('serif-bold', 38, 'Certificate of Completion', 100);
    text('serif-italic', 14, 'This certifies that', 164);
    text('serif-bold', 34, f.recipientName, 196);
    text('serif-italic', 13, 'has completed all requirements of', 282);
    text('serif-bold', 19, f.credentialName, 302);
    text('serif', 12, `${f.hours} hours of instruction · ${f.cohortName}`, 358);
    text('sans', 10, `Issued ${f.issuedOn}     ·     ${f.validity}`, 384);
    text('serif', 12, f.trainerName, 484, 74, 190);
    text('sans', 8.5, 'TRAINER', 500, 74, 190);
    text('serif', 12, f.directorName, 484, 396, 190);
    text('sans', 8.5, f.directorTitle.toUpperCase(), 500, 396, 190);
    text('serif-bold', 11, f.credentialCode, 476, 300, 60);
    text('mono', 9, f.code, 512, 600, 154);
    text('sans', 6.5, 'Check this certificate at', 526, 600, 154);
    text('sans', 6.5, f.verifyBase, 535, 600, 154);
    const qr = QRCode.create(f.verifyUrl, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    const cell = 82 / n;
    // The same drawing as ours (one rectangle per run of dark modules), so the ratio measures our overhead, not a slower QR.
    for (let r = 0; r < n; r++) {
      let start = -1;
      for (let c = 0; c <= n; c++) {
        const dark = c < n && qr.modules.get(r, c);
        if (dark && start < 0) start = c;
        if (!dark && start >= 0) {
          doc.rect(636 + start * cell, 424 + r * cell, (c - start) * cell, cell);
          start = -1;
        }
      }
    }
    doc.fill('#1d2433');
    doc.end();
  });
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** TCPDF drawing `count` certificates from `first`, timed inside PHP; null when php or php-tcpdf is missing. */
function peerRound(first, count) {
  const run = spawnSync('php', [join(__dirname, 'peer', 'certificate.php'), String(first), String(count)], {
    encoding: 'utf8',
  });
  if (run.error || run.status !== 0) return null;
  return JSON.parse(run.stdout);
}

async function startApp(threads) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lms-bench-certs-'));
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'error',
    PUBLIC_BASE_URL: 'https://lms.example.org',
    CERTIFICATE_RENDER_THREADS: String(threads),
  });
  const app = await NestFactory.create(AppModule.register(config), { logger: ['error'] });
  setupApp(app, config);
  await app.init();
  await prepareDatabase(app);
  const close = async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { app, config, db: app.get(DataSource), close };
}

/** A completed cohort of 500 with a course credential each, waiting for its certificates. */
async function seedCohort(db) {
  const [type] = await db.query(`SELECT id FROM credential_types WHERE code = 'PS-40'`);
  const trainerId = randomUUID();
  const courseId = randomUUID();
  const cohortId = randomUUID();
  await db.query(
    `INSERT INTO people (id, name, email, status) VALUES (?, 'Corey Whitehorse', 'trainer@bench.example.org', 'active')`,
    [trainerId],
  );
  await db.query(`INSERT INTO person_roles (person_id, role) VALUES (?, 'trainer')`, [trainerId]);
  await db.query(
    `INSERT INTO courses (id, code, title, required_hours, awards_credential_type_id) VALUES (?, 'BENCH-40', 'Bench course', 40, ?)`,
    [courseId, type.id],
  );
  await db.query(
    `INSERT INTO cohorts (id, course_id, name, location, setting, starts_on, ends_on, capacity, status, completed_on) VALUES (?, ?, 'Bench cohort', 'Billings', 'clinic', '2026-02-01', '2026-03-01', 600, 'completed', '2026-03-03')`,
    [cohortId, courseId],
  );
  await db.query(`INSERT INTO cohort_trainers (cohort_id, trainer_id) VALUES (?, ?)`, [cohortId, trainerId]);
  const credentialIds = [];
  for (let i = 0; i < COHORT; i++) {
    const personId = randomUUID();
    const credentialId = randomUUID();
    credentialIds.push(credentialId);
    await db.query(`INSERT INTO people (id, name, email, status) VALUES (?, ?, ?, 'active')`, [
      personId,
      `Peer ${i} Núñez Two Feathers`,
      `peer.${i}@bench.example.org`,
    ]);
    await db.query(
      `INSERT INTO credentials (id, person_id, credential_type_id, source, cohort_id, issued_on) VALUES (?, ?, ?, 'course', ?, '2026-03-03')`,
      [credentialId, personId, type.id, cohortId],
    );
  }
  return { cohortId, credentialIds };
}

/** The job handler for every credential, `JOB_CONCURRENCY` (4) at a time as the in-process runner runs them. */
async function issueAll(app, credentialIds, concurrency = 4) {
  const certificates = app.get(CertificatesService);
  let next = 0;
  const seconds = await timed(() =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < credentialIds.length) {
          const credentialId = credentialIds[next++];
          await certificates.handleIssueCertificate(
            { credentialId },
            { id: `bench-${credentialId}`, attempt: 1, progress: async () => {} },
          );
        }
      }),
    ),
  );
  const [{ n }] = await app.get(DataSource).query(`SELECT COUNT(*) AS n FROM certificates`);
  if (Number(n) !== credentialIds.length) throw new Error(`${n} certificates for ${credentialIds.length} credentials`);
  return COHORT / seconds;
}

async function main() {
  console.log(`Certificates benchmark (Node ${process.version})`);
  const report = startBench('certificates');
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', DATA_DIR: tmpdir(), DEMO_DATA: 'off' });

  // 1. Rendering on one thread: TCPDF, bare PDFKit and ours, alternating rounds of 100.
  const renderer = new CertificateRenderer();
  const layout = new CertificateTemplates(config.certificates.templatesDir).layout('course-completion');
  await barePdf(fieldsFor(0));
  await renderer.render({ layout, fields: fieldsFor(0), logo: null, issuedAt: new Date() });
  const peer = { seconds: 0, bytes: 0, available: peerRound(0, 1) !== null };
  let bareSeconds = 0;
  let oursSeconds = 0;
  let bareBytes = 0;
  let oursBytes = 0;
  const perRound = COHORT / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    if (peer.available) {
      const r = peerRound(round * perRound, perRound);
      peer.seconds += r.seconds;
      peer.bytes += r.bytes;
    }
    bareSeconds += await timed(async () => {
      for (let i = 0; i < perRound; i++) bareBytes += (await barePdf(fieldsFor(round * perRound + i))).length;
    });
    oursSeconds += await timed(async () => {
      for (let i = 0; i < perRound; i++)
        oursBytes += (
          await renderer.render({ layout, fields: fieldsFor(round * perRound + i), logo: null, issuedAt: new Date() })
        ).length;
    });
  }
  const bareRate = COHORT / bareSeconds;
  const oursRate = COHORT / oursSeconds;
  const kib = (bytes) => bytes / COHORT / 1024;
  if (peer.available) {
    const peerRate = COHORT / peer.seconds;
    console.log(
      `  TCPDF (the peer), same page:          ${COHORT} pages in ${peer.seconds.toFixed(2)} s = ${peerRate.toFixed(0)} per second, ${kib(peer.bytes).toFixed(1)} KiB a PDF`,
    );
    report.figure('peer_per_s', peerRate, 0);
    report.figure('peer_kib_per_pdf', kib(peer.bytes));
  } else {
    console.log('  TCPDF (the peer): not measured; install it with: apt-get install php-cli php-tcpdf');
  }
  console.log(
    `  bare PDFKit, same text, fonts and QR: ${COHORT} pages in ${bareSeconds.toFixed(2)} s = ${bareRate.toFixed(0)} per second, ${kib(bareBytes).toFixed(1)} KiB a PDF`,
  );
  console.log(
    `  our renderer (course-completion):     ${COHORT} certificates in ${oursSeconds.toFixed(2)} s = ${oursRate.toFixed(0)} per second, ${kib(oursBytes).toFixed(1)} KiB a PDF`,
  );
  report.figure('per_s', oursRate, 0);
  if (peer.available) report.atLeast('ratio_vs_peer', oursRate / (COHORT / peer.seconds), 3, 2);
  else report.figure('ratio_vs_peer', null);
  report.figure('pdfkit_per_s', bareRate, 0);
  report.figure('ratio_vs_pdfkit', oursRate / bareRate, 2);
  report.atMost('kib_per_pdf', kib(oursBytes), 25);
  report.figure('pdfkit_kib_per_pdf', kib(bareBytes));

  // 2. Issuing through the job handler, a completed cohort of 500: on the main thread, then a thread per core.
  const threads = cpus().length;
  const serial = await startApp(0);
  const serialRate = await issueAll(serial.app, (await seedCohort(serial.db)).credentialIds);
  await serial.close();
  const { app, db, close } = await startApp(threads);
  const { cohortId, credentialIds } = await seedCohort(db);
  const issueRate = await issueAll(app, credentialIds);
  console.log(
    `  issuing (job handler: render + store + row + audit, 4 at a time): drawn on the main thread ${serialRate.toFixed(0)} per second; by ${threads} render threads ${issueRate.toFixed(0)} per second`,
  );
  report.figure('issue_per_s', issueRate, 0);
  report.figure('issue_main_thread_per_s', serialRate, 0);
  report.atLeast('issue_ratio', issueRate / oursRate, 0.8, 2);
  report.atLeast('parallel_speedup', issueRate / serialRate, 1.7, 2);

  // 3. The cohort's ZIP over HTTP, RSS sampled every 5 ms while it streams.
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const adminId = randomUUID();
  await db.query(
    `INSERT INTO people (id, name, email, status) VALUES (?, 'Bench Admin', 'admin@bench.example.org', 'active')`,
    [adminId],
  );
  await db.query(`INSERT INTO person_roles (person_id, role) VALUES (?, 'admin')`, [adminId]);
  const { token } = await app.get(ApiTokensService).issue(adminId, 'bench', systemActor('bench'));
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
  let bytes = 0;
  const zipSeconds = await timed(
    () =>
      new Promise((resolve, reject) => {
        http
          .get(
            {
              host: '127.0.0.1',
              port,
              path: `/training/cohorts/${cohortId}/certificates.zip`,
              headers: { Authorization: `Bearer ${token}` },
            },
            (res) => {
              if (res.statusCode !== 200) reject(new Error(`ZIP answered ${res.statusCode}`));
              res.on('data', (c) => (bytes += c.length));
              res.on('end', resolve);
            },
          )
          .on('error', reject);
      }),
  );
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const growth = (rssPeak - rssBefore) / 1024 / 1024;
  console.log(
    `  cohort ZIP: ${(bytes / 1024 / 1024).toFixed(1)} MB of ${COHORT} PDFs streamed in ${zipSeconds.toFixed(2)} s; RSS ${(rssBefore / 1024 / 1024).toFixed(0)} MB before, peak growth ${growth.toFixed(1)} MB (target < 50 MB: ${growth < 50 ? 'met' : 'NOT met'})`,
  );
  report.figure('zip_mb', bytes / 1024 / 1024);
  report.figure('zip_s', zipSeconds, 2);
  report.atMost('zip_rss_growth_mb', growth, 50);
  await close();
  report.finish();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
