// A child process for the import crash test: boots the built app on a data folder and either starts
// committing a large people import (printing its progress, to be killed mid-way) or, on "resume",
// runs the stuck commit again as the job runner would once the dead process's lease runs out.
require('reflect-metadata');
const { writeFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { setInterval } = require('node:timers');
const { NestFactory } = require('@nestjs/core');
const dist = (p) => require(join(__dirname, '..', '..', 'dist', 'src', p));
const { AppModule } = dist('app.module');
const { AppConfig } = dist('config/app-config');
const { prepareDatabase } = dist('database/prepare-database');
const { startWebJobRunner } = dist('modules/jobs/jobs.module');
const { ImportsService } = dist('modules/imports/imports.service');

const [dataDir, phase, rows] = process.argv.slice(2);
// PostgreSQL when the test hands one over; SQLite in the data folder otherwise.
const databaseUrl = process.env.CRASH_DATABASE_URL;
const actor = { personId: null, label: 'crash test', ip: null };

async function main() {
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    DEMO_DATA: 'off',
    LOG_LEVEL: 'error',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['fatal'] });
  await prepareDatabase(app);
  const imports = app.get(ImportsService);
  if (phase === 'resume') {
    const [stuck] = (await imports.list()).filter((i) => i.state === 'committing');
    const context = { id: 'resume', attempt: 2, progress: async () => {} };
    await imports.handleCommit({ importId: stuck.id, actor }, context);
    // A second run (the stale job's own retry) finds it committed and does nothing.
    await imports.handleCommit({ importId: stuck.id, actor }, context);
    process.stdout.write(`RESUMED ${(await imports.get(stuck.id)).state}\n`);
    await app.close();
    return;
  }
  await startWebJobRunner(app);
  const path = join(dataDir, 'people.csv');
  const lines = ['Name,Email,External id'];
  for (let i = 0; i < Number(rows); i++) lines.push(`Person ${i},p${i}@crash.example,CR-${i}`);
  writeFileSync(path, lines.join('\n'));
  const created = await imports.create(
    { path, originalname: 'people.csv', size: statSync(path).size },
    { kind: 'people' },
    actor,
  );
  const checked = await imports.waitWhile(created.id, 'checking', 120_000);
  process.stdout.write(`CHECKED ${checked.counts.new}\n`);
  await imports.commit(created.id, {}, actor);
  setInterval(() => {
    const progress = imports.progressOf(created.id);
    if (progress) process.stdout.write(`PROGRESS ${progress.done}\n`);
  }, 20);
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
