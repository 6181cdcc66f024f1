import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../helpers/free-port';

/**
 * The built app as `npm start` runs it (`npm test` builds first): a fresh data folder must come
 * up on SQLite with the demo program, and bad configuration must stop it with one clear line.
 */
const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');
const CLI = join(ROOT, 'dist/src/cli.js');

/** fetch with cookies kept between requests, and redirects left to the caller, like a minimal browser. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // Only what a person starting the app would have; none of the test runner's variables.
  return { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', NODE_ENV: 'development', ...extra };
}

describe('Starting the built application', () => {
  let dataDir: string;
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it first)`);
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'lms-start-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'eighty', 'PORT must be a whole number between 1 and 65535'],
    ['DATABASE_URL', 'mysql://root@localhost/lms', 'DATABASE_URL must be a PostgreSQL URL'],
    ['PROGRAM_TIMEZONE', 'Montana/Missoula', 'PROGRAM_TIMEZONE must be an IANA time zone'],
    ['WEB_CONCURRENCY', '2', 'WEB_CONCURRENCY must be 1 on SQLite, which has one writer'],
  ])('stops with one line naming %s when it is bad', (name, value, message) => {
    const run = spawnSync(process.execPath, [MAIN], {
      env: cleanEnv({ DATA_DIR: dataDir, [name]: value }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(run.stdout).toBe('');
  });

  it('comes up on SQLite with the demo program and its sign-in links, lets the admin in through one, and stops cleanly', async () => {
    const port = await freePort();
    const app = spawn(process.execPath, [MAIN], {
      env: cleanEnv({ DATA_DIR: dataDir, PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout.on('data', (chunk) => (output += chunk));
    app.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
      app.on('exit', (code, signal) => done({ code, signal })),
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 45_000;
      let health: Response | undefined;
      while (Date.now() < deadline) {
        health = await fetch(`${base}/health`).catch(() => undefined);
        if (health) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(health?.status).toBe(200);
      expect(output).toContain('adding the DEMO program');
      expect(output).toMatch(/Demo data added: \d+ people, \d+ credentials/);
      expect(existsSync(join(dataDir, 'lms.sqlite'))).toBe(true);
      expect(existsSync(join(dataDir, 'session-secret'))).toBe(true);

      // Signed out, only the public front page and sign-in are there; records need a session.
      expect((await fetch(`${base}/`, { redirect: 'manual' })).status).toBe(200);
      expect((await fetch(`${base}/people`, { redirect: 'manual' })).headers.get('location')).toBe(
        '/login?next=%2Fpeople',
      );
      expect((await fetch(`${base}/api/v1/people`)).status).toBe(401);

      // The demo prints a single-use link per role; the admin's sets a password and is signed in by it.
      for (const role of ['admin', 'trainer', 'supervisor', 'peer'])
        expect(output).toMatch(new RegExp(`${role}\\s+.+: http://localhost:${port}/invitation/[\\w-]{43}`));
      const link = new RegExp(`admin\\s+Jolene Ashby: (http://localhost:${port}/invitation/[\\w-]{43})`)
        .exec(output)![1]
        .replace('localhost', '127.0.0.1');
      const browser = new CookieJar();
      const form = await browser.fetch(link);
      const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(await form.text())![1];
      const password = 'a long demo password';
      const set = await browser.fetch(link, {
        method: 'POST',
        body: new URLSearchParams({ _csrf: csrf, password, confirm: password }),
      });
      expect(set.headers.get('location')).toBe('/?notice=welcome');
      const home = await browser.fetch(`${base}/`);
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toMatch(/<strong>[34]\d<\/strong> active peers/);
      const people = (await (await browser.fetch(`${base}/api/v1/people?pageSize=100`)).json()) as { total: number };
      expect(people.total).toBeGreaterThanOrEqual(25);
      const docs = await browser.fetch(`${base}/api/docs/openapi.json`);
      expect(((await docs.json()) as { paths: object }).paths).toHaveProperty('/api/v1/people');
      // The link was single-use.
      expect((await browser.fetch(link)).status).toBe(404);
    } finally {
      app.kill('SIGTERM');
    }
    // Nest closes the app on SIGTERM, then re-raises the signal so the process ends as a signalled one would.
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(output).not.toMatch(/ERROR|Unhandled|Exception/);
  }, 60_000);

  it('runs the CLI: migrations and a catalogue seed that a second run leaves alone', () => {
    const env = cleanEnv({ DATA_DIR: dataDir });
    const first = spawnSync(process.execPath, [CLI, 'seed:catalog'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(first.stdout).toContain('Catalogue: 39 added, 0 already present.');
    const second = spawnSync(process.execPath, [CLI, 'seed:catalog'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(second.stdout).toContain('Catalogue: 0 added, 0 already present.');
    const migrate = spawnSync(process.execPath, [CLI, 'migrate'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(migrate.stdout).toContain('The database is up to date.');
    const unknown = spawnSync(process.execPath, [CLI, 'frobnicate'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain('seed:demo');
  });
});
