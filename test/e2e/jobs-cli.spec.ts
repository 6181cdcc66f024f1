import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { count, credential, credentialType } from '../helpers/expiry';

// `npm run cli -- jobs:run …`: the compiled command line against the test's database, for a chosen date.
describeEachEngine('jobs:run on the command line', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { env: { JOBS_IN_WEB: 'off' } });
  });
  afterAll(() => t?.close());

  const cli = (...args: string[]) => cliWith({}, ...args);
  const cliWith = (extraEnv: Record<string, string>, ...args: string[]) => {
    const path = resolve(__dirname, '../../dist/src/cli.js');
    if (!existsSync(path))
      throw new Error(`${path} is missing: run "npm run build" first (npm test's pretest does it)`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: t.config.dataDir,
      NODE_ENV: 'development',
    };
    if (t.config.database.type === 'postgres') env.DATABASE_URL = t.config.database.url;
    return spawnSync(process.execPath, [path, ...args], {
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  it('runs the expiry scan for a given date, once in effect however often it is run', async () => {
    const peer = await t.person(['peer']);
    const type = await credentialType(t);
    await credential(t, peer.id, type, '2027-04-30');
    const first = cli('jobs:run', 'expiry-scan', '--date', '2027-04-23');
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toMatch(
      /^Expiry scan for 2027-04-23: \d+ credentials due, \d+ status changes, 1 reminders, 0 clearance changes, 1 e-mails queued\.$/m,
    );
    const again = cli('jobs:run', 'expiry-scan', '--date=2027-04-23');
    expect(again.stdout).toContain('0 reminders');
    expect(await count(t, `SELECT COUNT(*) AS n FROM notifications WHERE person_id = $1`, [peer.id])).toBe(1);
    // Queued for the app's (or a worker's) runner, not sent by the short-lived command.
    expect(
      await count(t, `SELECT COUNT(*) AS n FROM jobs WHERE name = 'notification.deliver' AND state = 'waiting'`),
    ).toBe(1);
  }, 90_000);

  it('runs the supervisor digest, and refuses a bad date or an unknown job with a clear message', async () => {
    const digest = cli('jobs:run', 'supervisor-digest', '--date', '2027-04-26');
    expect(digest.status).toBe(0);
    expect(digest.stdout).toMatch(/^Supervisor digest for 2027-04-26: \d+ supervisors, \d+ e-mails queued\.$/m);
    const badDate = cli('jobs:run', 'expiry-scan', '--date', '2027-02-30');
    expect(badDate.status).toBe(1);
    expect(badDate.stderr).toContain('--date must be a calendar date YYYY-MM-DD, not "2027-02-30"');
    const unknown = cli('jobs:run', 'cleanup');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('jobs:run needs a job: expiry-scan or supervisor-digest');
  }, 90_000);

  // Parsing does not depend on the engine: checked once.
  (engine === 'sqlite' ? it : it.skip)(
    "prints the list of commands and each command's own --help, and checks options before running",
    () => {
      const help = cli('--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run cli -- <command> \[options\]/);
      for (const name of ['migrate', 'seed:catalog', 'seed:demo', 'create-admin', 'jobs:run', 'audit:verify'])
        expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
      const jobsHelp = cli('jobs:run', '--help');
      expect(jobsHelp.status).toBe(0);
      expect(jobsHelp.stdout).toContain('Usage: npm run cli -- jobs:run [options] [job]');
      expect(jobsHelp.stdout).toMatch(/--date <YYYY-MM-DD> +the day to run it for/);
      const noName = cli('create-admin', '--email', 'jo@example.org');
      expect(noName.status).toBe(1);
      expect(noName.stderr).toContain("required option '--name <full name>' not specified");
      const badEmail = cli('create-admin', '--email', 'jo.example.org', '--name', 'Jo Ashby');
      expect(badEmail.status).toBe(1);
      expect(badEmail.stderr).toContain(
        '--email must be an e-mail address such as jo@example.org, not "jo.example.org"',
      );
    },
    90_000,
  );

  it('prints invitation links at the port or address the app serves on, and says which setting it used', () => {
    const onPort = cliWith(
      { PORT: '8123' },
      'create-admin',
      '--email',
      `port-${engine}@example.org`,
      '--name',
      'Jo Ashby',
    );
    expect({ status: onPort.status, stderr: onPort.stderr }).toEqual({ status: 0, stderr: '' });
    expect(onPort.stdout).toContain('Links use http://localhost:8123, from PORT=8123 (PUBLIC_BASE_URL is not set)');
    expect(onPort.stdout).toMatch(/^http:\/\/localhost:8123\/invitation\/\S+$/m);
    const public_ = cliWith(
      { PORT: '8123', PUBLIC_BASE_URL: 'https://lms.example.org' },
      'create-admin',
      '--email',
      `port-${engine}@example.org`,
      '--name',
      'Jo Ashby',
    );
    expect(public_.stdout).toContain('Links use PUBLIC_BASE_URL: https://lms.example.org');
    expect(public_.stdout).toMatch(/^https:\/\/lms\.example\.org\/invitation\/\S+$/m);
    const unset = cliWith({}, 'create-admin', '--email', `port-${engine}@example.org`, '--name', 'Jo Ashby');
    expect(unset.stdout).toContain('Links use http://localhost:3000: neither PUBLIC_BASE_URL nor PORT is set here');
  }, 120_000);
});
