import Redis from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { AccountLinksService, RESETS_PER_ADDRESS_PER_HOUR } from '../../src/modules/auth/account-links.service';
import { RateLimitStore } from '../../src/modules/auth/rate-limit-store';
import { createTestApp, type TestApp } from '../helpers/app';
import { createTestDatabase, engines, redisAvailable, redisUrl, type TestDatabase } from '../helpers/engines';
import { freePort } from '../helpers/free-port';

const MAIN = join(resolve(__dirname, '../..'), 'dist/src/main.js');
const postgres = engines().includes('postgres');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The live child processes of `pid`, read from /proc (no `ps` needed on a bare machine). */
const childrenOf = (pid: number) =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // Fields after the command's closing parenthesis: state, then the parent's pid.
        const [state, ppid] = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ').pop()!.split(' ');
        return Number(ppid) === pid && state !== 'Z';
      } catch {
        return false; // it ended while we looked
      }
    })
    .map(Number);

/**
 * WEB_CONCURRENCY=2 as `npm start` runs it on PostgreSQL: two web processes behind one port, one schedule, a
 * process that dies replaced, and SIGTERM stopping them all.
 */
(postgres ? describe : describe.skip)('Several web processes on one host (node:cluster)', () => {
  let db: TestDatabase;
  let app: ChildProcess | undefined;
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it first)`);
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    if (app?.exitCode === null) app.kill('SIGKILL');
    await db?.cleanup();
  });

  it('serves from two processes on one port, queues each scheduled run once, replaces a dead process and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        TZ: 'UTC',
        ...db.env,
        PORT: String(port),
        WEB_CONCURRENCY: '2',
        DEMO_DATA: 'off',
        // Already past today, whatever the time: both processes' schedulers find the day's scan due at once.
        EXPIRY_SCAN_AT: '00:00',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app = child;
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));

    await until('both processes to listen', () => output.includes('2 web processes share the port'));
    expect(output.match(/Open http:\/\/localhost:\d+/g)).toHaveLength(1);
    const workers = childrenOf(child.pid!);
    expect(workers).toHaveLength(2);
    for (let i = 0; i < 10; i++) expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    const pg = new Client({ connectionString: db.env.DATABASE_URL });
    await pg.connect();
    try {
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM jobs WHERE dedupe_key LIKE 'expiry-scan:%'`);
      expect(rows[0].n).toBe(1);
    } finally {
      await pg.end();
    }

    process.kill(workers[0], 'SIGKILL');
    const replaced = await until('a replacement process', () => {
      const now = childrenOf(child.pid!);
      return now.length === 2 && !now.includes(workers[0]) ? now : null;
    });
    expect(replaced).toContain(workers[1]);
    await until('the replacement to answer', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
      return res?.status === 200;
    });

    child.kill('SIGTERM');
    const code = await until('the primary to exit', () => (child.exitCode !== null ? { code: child.exitCode } : null));
    expect(code).toEqual({ code: 0 });
    for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
  }, 120_000);
});

/**
 * The verify limit counted in one place however many instances answer: the database on PostgreSQL without Redis,
 * Redis when REDIS_URL is set. Two app instances share the database (and the Redis), as two hosts would.
 */
describe.each([
  ['PostgreSQL', postgres, false],
  ['Redis', postgres && redisAvailable(), true],
])('The verify rate limit across two instances, shared through %s', (_name, available, withRedis) => {
  const d = available ? describe : describe.skip;
  d('', () => {
    let db: TestDatabase;
    let a: TestApp;
    let b: TestApp;
    const prefix = `rate-test-${randomUUID().slice(0, 8)}`;
    beforeAll(async () => {
      db = await createTestDatabase('postgres');
      const env: Record<string, string> = { VERIFY_RATE_LIMIT: '5' };
      if (withRedis) Object.assign(env, { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix });
      a = await createTestApp('postgres', { database: db, env });
      b = await createTestApp('postgres', { database: db, env });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await db?.cleanup();
      if (withRedis) {
        const redis = new Redis(redisUrl());
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }
    });

    it('refuses the sixth lookup on either instance after five spread over both, page and API alike', async () => {
      const page = '/verify/ZZZZZ-ZZZZZ-ZZZZZ';
      const api = '/api/v1/verify/ZZZZZ-ZZZZZ-ZZZZZ';
      for (const [t, path] of [
        [a, page],
        [b, api],
        [a, api],
        [b, page],
        [a, page],
      ] as const)
        await t.http().get(path).expect(404);
      await b.http().get(api).expect(429);
      await a.http().get(page).expect(429);
      // Another public route keeps its own counter.
      await a.http().get('/issuer').expect(200);
    });

    it('holds the forgot-password limit per address across both, whichever accounts are named', async () => {
      const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
      const ask = (t: TestApp, i: number) => t.app.get(AccountLinksService).requestReset(`nobody.${i}@example.org`, ip);
      for (let i = 0; i < RESETS_PER_ADDRESS_PER_HOUR; i++) await ask(i % 2 ? a : b, i);
      await expect(ask(a, 99)).rejects.toMatchObject({ status: 429 });
      await expect(ask(b, 98)).rejects.toMatchObject({ status: 429 });
      await expect(
        a.app.get(AccountLinksService).requestReset('nobody@example.org', '198.51.100.7'),
      ).resolves.toBeUndefined();
    });

    it('starts a new window once the old one ends', async () => {
      const store = a.app.get(RateLimitStore);
      const key = `window-${randomUUID()}`;
      const hits = async (t: TestApp) =>
        (await t.app.get(RateLimitStore).increment(key, 300, 2, 300, 'test')).totalHits;
      expect(await hits(a)).toBe(1);
      expect(await hits(b)).toBe(2);
      const over = await store.increment(key, 300, 2, 300, 'test');
      expect(over).toMatchObject({ totalHits: 3, isBlocked: true });
      expect(over.timeToExpire).toBeLessThanOrEqual(1);
      await sleep(350);
      expect(await store.increment(key, 300, 2, 300, 'test')).toMatchObject({ totalHits: 1, isBlocked: false });
    });
  });
});
