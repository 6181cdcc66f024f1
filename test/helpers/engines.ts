import { randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Client } from 'pg';

// The TEST_* variables are set by test/helpers/global-setup.js, which probes the services once per run.

export type Engine = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL when global setup found it reachable. */
export function engines(): Engine[] {
  return process.env.TEST_POSTGRES === '1' ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Declares the same `describe` block once per available engine. */
export function describeEachEngine(title: string, fn: (engine: Engine) => void): void {
  for (const engine of engines()) {
    describe(`${title} [${engine}]`, () => {
      fn(engine);
    });
  }
}

export interface TestDatabase {
  /** Environment variables to hand to the app's configuration. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A fresh, empty database for one test file: its own SQLite file or its own PostgreSQL database. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const dataDir = mkdtempSync(`${tmpdir()}/lms-test-`);
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  if (engine === 'sqlite') {
    // The app creates <DATA_DIR>/lms.sqlite on start.
    return { env: { DATA_DIR: dataDir }, cleanup: removeDataDir };
  }

  const adminUrl = fromGlobalSetup('TEST_POSTGRES_URL');
  // The run id prefix lets global teardown drop whatever a crashed test file left behind.
  const name = `lms_test_${fromGlobalSetup('TEST_RUN_ID')}_${randomId(8)}`;
  try {
    await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl.toString() },
    cleanup: async () => {
      try {
        // FORCE ends connections the app under test may still hold.
        await withAdminClient(adminUrl, (client) =>
          client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
        );
      } finally {
        await removeDataDir();
      }
    },
  };
}

export function redisAvailable(): boolean {
  return process.env.TEST_REDIS === '1';
}

export function redisUrl(): string {
  return fromGlobalSetup('TEST_REDIS_URL');
}

function fromGlobalSetup(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through Jest, whose globalSetup sets it.`);
  return value;
}

function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

async function withAdminClient(url: string, work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
