// Jest globalSetup: runs once, in the parent process, before any worker starts, so the
// process.env values set here reach every test file.
const { randomInt } = require('node:crypto');
const { Client } = require('pg');
const Redis = require('ioredis');

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const TIMEOUT_MS = 3000;

function randomId(length) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

/** Hides a password so the URL can go into logs and error messages. */
function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

async function postgresAnswers(url) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisAnswers(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    commandTimeout: TIMEOUT_MS, // a port that accepts but never answers would otherwise hang the ready check
    // Try once: without this ioredis keeps reconnecting in the background and Jest never exits.
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // the failure is reported below, not as an unhandled 'error' event
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else if (redis.status !== 'end') redis.disconnect(); // on 'end' it would arm a 2 s timer for a closed socket
  }
}

module.exports = async function globalSetup() {
  // Date behaviour is asserted explicitly per time zone; the process itself always runs in UTC.
  process.env.TZ = 'UTC';
  process.env.TEST_RUN_ID = randomId(6);

  const services = [
    {
      name: 'PostgreSQL',
      flag: 'TEST_POSTGRES',
      urlVar: 'TEST_POSTGRES_URL',
      fallback: DEFAULT_POSTGRES_URL,
      answers: postgresAnswers,
      skipped: 'PostgreSQL variants of database tests will be SKIPPED (SQLite only)',
    },
    {
      name: 'Redis',
      flag: 'TEST_REDIS',
      urlVar: 'TEST_REDIS_URL',
      fallback: DEFAULT_REDIS_URL,
      answers: redisAnswers,
      skipped: 'BullMQ/Redis job tests will be SKIPPED (in-process runner only)',
    },
  ];

  const results = await Promise.all(
    services.map(async (service) => {
      const url = process.env[service.urlVar] || service.fallback;
      return { ...service, url, up: await service.answers(url) };
    }),
  );

  for (const { name, flag, urlVar, url, up, skipped } of results) {
    process.env[urlVar] = url;
    process.env[flag] = up ? '1' : '0';
    if (up) continue;
    // On CI every test must run: a missing service is a broken build, not a skipped test.
    if (process.env.CI === 'true') {
      throw new Error(`${name} is not reachable at ${redact(url)} (${urlVar}); CI requires it.`);
    }
    process.stderr.write(
      `\n!!! WARNING: ${name} is not reachable at ${redact(url)}: ${skipped}. Set ${urlVar} or start it.\n`,
    );
  }
};
