import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { dateInZone, type IsoDate } from '../common/dates';
import { signingKeyProblem } from '../common/signing-key-check';
import { ROOT_DIR } from '../common/root-dir';
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
  /**
   * Where the keys that sign Open Badges credentials and the status lists live: the configured RSA
   * key file (CERTIFICATE_SIGNING_KEY_FILE) or one generated into `dir`, and the public half of every
   * key ever used; `legacyFile` is where earlier versions kept their Ed25519 key.
   */
  signingKeys: { dir: string; configuredFile: string | null; legacyFile: string };
  templatesDir: string;
  storageDir: string;
  /** Verification lookups per minute from one address. */
  verifyRateLimit: number;
  /** Worker threads that draw certificates (0: the main thread draws them). */
  renderThreads: number;
}

/** OpenID Connect single sign-on, when OIDC_ISSUER and its client are set. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The sign-in button's words, e.g. "Sign in with Microsoft". */
  label: string;
  /** Lower-case e-mail domains allowed to sign in; empty: any domain. */
  allowedDomains: string[];
}

export interface SignInConfig {
  oidc: OidcConfig | null;
  /** PASSWORD_SIGNIN=off: no password form anywhere; SSO and the CLI's sign-in links only. */
  passwords: boolean;
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
    /** A returned or withdrawn submission's evidence files are deleted this many days after it closed. */
    readonly submissionEvidenceDays: number = 90,
    /** Web processes `npm start` runs on one host (node:cluster, sharing the port); more than 1 needs PostgreSQL. */
    readonly webConcurrency: number = 1,
    readonly signIn: SignInConfig = { oidc: null, passwords: true },
    /** Nightly backups go here when it is set, the newest `keep` kept. */
    readonly backup: { dir: string | null; keep: number } = { dir: null, keep: 14 },
  ) {}

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  /** Whether people reach the app over https (PUBLIC_BASE_URL says so): then browsers are told to keep to it (HSTS). */
  get servesHttps(): boolean {
    return this.publicBaseUrl.startsWith('https:');
  }

  /** Today's calendar date in the program's time zone. */
  today(): IsoDate {
    return dateInZone(new Date(), this.timeZone);
  }

  /** Throws `ConfigError` naming every bad variable. */
  static fromEnvironment(env: Record<string, string | undefined>): AppConfig {
    const e = parseEnvironment(env);
    if (e.WEB_CONCURRENCY > 1 && !e.DATABASE_URL)
      throw new ConfigError(
        'Invalid configuration: WEB_CONCURRENCY must be 1 on SQLite, which has one writer: set DATABASE_URL to PostgreSQL to run several web processes',
      );
    if (e.NODE_ENV === 'production' && e.OIDC_ISSUER?.startsWith('http:'))
      throw new ConfigError('Invalid configuration: OIDC_ISSUER must be an https URL in production');
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
        signingKeys: {
          dir: join(dataDir, 'signing-keys'),
          configuredFile: e.CERTIFICATE_SIGNING_KEY_FILE
            ? configuredSigningKey(resolve(process.cwd(), e.CERTIFICATE_SIGNING_KEY_FILE))
            : null,
          legacyFile: join(dataDir, 'certificate-signing-key.pem'),
        },
        templatesDir: e.CERTIFICATE_TEMPLATES_DIR
          ? resolve(process.cwd(), e.CERTIFICATE_TEMPLATES_DIR)
          : join(ROOT_DIR, 'templates', 'certificates'),
        storageDir: join(dataDir, 'certificates'),
        verifyRateLimit: e.VERIFY_RATE_LIMIT,
        renderThreads: e.CERTIFICATE_RENDER_THREADS,
      },
      e.PUBLIC_BASE_URL ? 'PUBLIC_BASE_URL' : env.PORT?.trim() ? 'PORT' : 'default',
      e.SUBMISSION_EVIDENCE_DAYS,
      e.WEB_CONCURRENCY,
      {
        oidc:
          e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
            ? {
                issuer: e.OIDC_ISSUER,
                clientId: e.OIDC_CLIENT_ID,
                clientSecret: e.OIDC_CLIENT_SECRET,
                label: e.OIDC_LABEL,
                allowedDomains: (e.OIDC_ALLOWED_DOMAINS ?? '')
                  .split(',')
                  .map((d) => d.trim().toLowerCase())
                  .filter(Boolean),
              }
            : null,
        passwords: e.PASSWORD_SIGNIN === 'on',
      },
      { dir: e.BACKUP_DIR ? resolve(process.cwd(), e.BACKUP_DIR) : null, keep: e.BACKUP_KEEP },
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
 * A configured signing key must be an RSA private key of 2048 bits or more (RS256, as Open Badges 3.0
 * asks). Without one, the key is generated into the data folder on first start and kept.
 */
function configuredSigningKey(file: string): string {
  if (!existsSync(file))
    throw new ConfigError(`Invalid configuration: CERTIFICATE_SIGNING_KEY_FILE names ${file}, which does not exist`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch {
    throw new ConfigError(`Invalid configuration: ${file} is not a PEM private key`);
  }
  const problem = signingKeyProblem(key);
  if (problem) throw new ConfigError(`Invalid configuration: CERTIFICATE_SIGNING_KEY_FILE ${file} ${problem}`);
  return file;
}

export { ConfigError };
