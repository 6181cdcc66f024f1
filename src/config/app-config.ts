import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { dateInZone, type IsoDate } from '../common/dates';
import { ConfigError, parseEnvironment } from './environment';

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };
/** When the scheduled jobs run, in the program's time zone. */
export interface ScheduleConfig {
  /** Daily expiry scan, local time. */
  expiryScan: { hour: number; minute: number };
  /** Weekly supervisor digest: weekday (0 = Sunday) and local time. */
  supervisorDigest: { weekday: number; hour: number; minute: number };
}

export interface JobsConfig {
  /** Starts every Redis key of the job queues (tests use one per run). */
  redisPrefix: string;
  /** Whether the web process runs jobs itself: without Redis it must (auto); with Redis, `npm run worker` does. */
  inWeb: 'auto' | 'off';
  /** Jobs one process runs at once, per queue. */
  concurrency: number;
  schedule: ScheduleConfig;
}

export type MailConfig = { transport: 'smtp'; url: string } | { transport: 'file'; dir: string };

/**
 * The validated, typed configuration. Built once at start-up from the environment and injected
 * (it is its own DI token); nothing else reads `process.env`.
 */
export class AppConfig {
  constructor(
    readonly nodeEnv: 'development' | 'production' | 'test',
    readonly port: number,
    readonly dataDir: string,
    readonly database: DatabaseConfig,
    readonly redisUrl: string | undefined,
    readonly mail: MailConfig,
    readonly sessionSecret: string,
    readonly publicBaseUrl: string,
    readonly timeZone: string,
    readonly orgName: string,
    readonly demoData: 'auto' | 'off',
    readonly logLevel: 'error' | 'warn' | 'log' | 'debug',
    /** A peer with no logged supervision session for this many days is flagged. */
    readonly supervisionGapDays: number,
    readonly jobs: JobsConfig,
  ) {}

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  /** Today's calendar date in the program's time zone. */
  today(): IsoDate {
    return dateInZone(new Date(), this.timeZone);
  }

  /** Throws `ConfigError` naming every bad variable. */
  static fromEnvironment(env: Record<string, string | undefined>): AppConfig {
    const e = parseEnvironment(env);
    const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(process.cwd(), e.DATA_DIR);
    return new AppConfig(
      e.NODE_ENV,
      e.PORT,
      dataDir,
      e.DATABASE_URL ? { type: 'postgres', url: e.DATABASE_URL } : { type: 'sqlite', path: join(dataDir, 'lms.sqlite') },
      e.REDIS_URL,
      e.SMTP_URL ? { transport: 'smtp', url: e.SMTP_URL } : { transport: 'file', dir: join(dataDir, 'mail') },
      e.SESSION_SECRET ?? developmentSessionSecret(dataDir),
      (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      e.PROGRAM_TIMEZONE,
      e.ORG_NAME,
      e.DEMO_DATA,
      e.LOG_LEVEL,
      e.SUPERVISION_GAP_DAYS,
      {
        redisPrefix: e.REDIS_PREFIX,
        inWeb: e.JOBS_IN_WEB,
        concurrency: e.JOB_CONCURRENCY,
        schedule: parseSchedule(e.EXPIRY_SCAN_AT, e.SUPERVISOR_DIGEST_AT),
      },
    );
  }
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseSchedule(expiryScanAt: string, digestAt: string): ScheduleConfig {
  const [h, m] = expiryScanAt.split(':').map(Number);
  const [day, time] = digestAt.toLowerCase().split(' ');
  const [dh, dm] = time.split(':').map(Number);
  return { expiryScan: { hour: h, minute: m }, supervisorDigest: { weekday: WEEKDAYS.indexOf(day), hour: dh, minute: dm } };
}

/**
 * Outside production a missing SESSION_SECRET is generated once and kept in the data folder, so
 * sessions survive restarts without a secret ever living in the code. (Production requires it.)
 */
function developmentSessionSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
    throw new ConfigError(`Invalid configuration: ${file} holds a session secret shorter than 32 characters; delete it to generate a new one`);
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export { ConfigError };
