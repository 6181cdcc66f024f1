import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { dateInZone, type IsoDate } from '../common/dates';
import { ROOT_DIR } from '../root-dir';
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
export interface CertificateConfig {
  /** Printed under the program director's signature line; the line is left for a hand signature when unset. */
  directorName: string;
  directorTitle: string;
  /** The organisation's logo (PNG or JPEG bytes), read once at start-up. */
  logo: Buffer | null;
  /** The organisation's Ed25519 key that signs Open Badges credentials and the status list. */
  signingKey: KeyObject;
  templatesDir: string;
  storageDir: string;
  /** Verification lookups per minute from one address. */
  verifyRateLimit: number;
}

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
    readonly certificates: CertificateConfig,
    /** Which setting made `publicBaseUrl`: a command line run in another shell than the app's may not share it. */
    readonly publicBaseUrlFrom: 'PUBLIC_BASE_URL' | 'PORT' | 'default',
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
      e.DATABASE_URL
        ? { type: 'postgres', url: e.DATABASE_URL }
        : { type: 'sqlite', path: join(dataDir, 'lms.sqlite') },
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
      {
        directorName: e.CERTIFICATE_DIRECTOR_NAME ?? '',
        directorTitle: e.CERTIFICATE_DIRECTOR_TITLE,
        logo: e.CERTIFICATE_LOGO ? certificateLogo(resolve(process.cwd(), e.CERTIFICATE_LOGO)) : null,
        signingKey: signingKey(
          e.CERTIFICATE_SIGNING_KEY_FILE ? resolve(process.cwd(), e.CERTIFICATE_SIGNING_KEY_FILE) : null,
          dataDir,
        ),
        templatesDir: e.CERTIFICATE_TEMPLATES_DIR
          ? resolve(process.cwd(), e.CERTIFICATE_TEMPLATES_DIR)
          : join(ROOT_DIR, 'templates', 'certificates'),
        storageDir: join(dataDir, 'certificates'),
        verifyRateLimit: e.VERIFY_RATE_LIMIT,
      },
      e.PUBLIC_BASE_URL ? 'PUBLIC_BASE_URL' : env.PORT?.trim() ? 'PORT' : 'default',
    );
  }
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseSchedule(expiryScanAt: string, digestAt: string): ScheduleConfig {
  const [h, m] = expiryScanAt.split(':').map(Number);
  const [day, time] = digestAt.toLowerCase().split(' ');
  const [dh, dm] = time.split(':').map(Number);
  return {
    expiryScan: { hour: h, minute: m },
    supervisorDigest: { weekday: WEEKDAYS.indexOf(day), hour: dh, minute: dm },
  };
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
    throw new ConfigError(
      `Invalid configuration: ${file} holds a session secret shorter than 32 characters; delete it to generate a new one`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The logo must be a PNG or JPEG that exists: checked by its first bytes, not its name. */
function certificateLogo(file: string): Buffer {
  if (!existsSync(file))
    throw new ConfigError(`Invalid configuration: CERTIFICATE_LOGO names ${file}, which does not exist`);
  const bytes = readFileSync(file);
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg)
    throw new ConfigError(`Invalid configuration: CERTIFICATE_LOGO ${file} is not a PNG or JPEG image`);
  return bytes;
}

/**
 * The certificate signing key: the configured PEM file (an Ed25519 private key), or one generated
 * on first start into the data folder (mode 0600) and kept, so published credentials stay verifiable.
 */
function signingKey(configured: string | null, dataDir: string): KeyObject {
  const file = configured ?? join(dataDir, 'certificate-signing-key.pem');
  if (!configured && !existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another instance starting at the same moment wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (!existsSync(file))
    throw new ConfigError(`Invalid configuration: CERTIFICATE_SIGNING_KEY_FILE names ${file}, which does not exist`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch {
    throw new ConfigError(`Invalid configuration: ${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(
      `Invalid configuration: ${file} holds a ${key.asymmetricKeyType} key; certificates are signed with an Ed25519 key`,
    );
  }
  return key;
}

export { ConfigError };
