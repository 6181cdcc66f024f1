import { availableParallelism } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateIf,
  IsUrl,
  IsNotEmpty,
  ValidateBy,
} from 'class-validator';
import { isValidTimeZone } from '../common/dates';

function IsTimeZone() {
  return ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidTimeZone(value),
      defaultMessage: () => 'must be an IANA time zone such as America/Denver',
    },
  });
}

const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the application reads, with its rule. Nothing else in the code base
 * reads `process.env`: the validated `AppConfig` built from this class is injected where needed.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number between 1 and 65535' })
  @Min(1, { message: 'must be a whole number between 1 and 65535' })
  @Max(65535, { message: 'must be a whole number between 1 and 65535' })
  PORT: number = 3000;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'must be a PostgreSQL URL such as postgres://user@host:5432/dbname (leave it unset for SQLite)',
  })
  DATABASE_URL?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, {
    message: 'must be a Redis URL such as redis://127.0.0.1:6379 (leave it unset for in-process jobs)',
  })
  REDIS_URL?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, {
    message: 'must be an SMTP URL such as smtp://user:pass@mail.example.org:587 (leave it unset to write .eml files)',
  })
  SMTP_URL?: string;

  @Transform(blankToUndefined)
  @ValidateIf((env: Environment) => env.NODE_ENV === 'production' || env.SESSION_SECRET !== undefined)
  @IsString({ message: 'is required in production: at least 32 random characters' })
  @MinLength(32, { message: 'must be at least 32 characters long' })
  SESSION_SECRET?: string;

  // Certificates and their QR codes print this address for ever: in production it must be said, not guessed.
  @Transform(blankToUndefined)
  @ValidateIf((env: Environment) => env.NODE_ENV === 'production' || env.PUBLIC_BASE_URL !== undefined)
  @IsString({ message: 'is required in production: the address people use, such as https://lms.example.org' })
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an absolute http(s) URL such as https://lms.example.org' },
  )
  PUBLIC_BASE_URL?: string;

  @Transform(blankToUndefined)
  @IsTimeZone()
  PROGRAM_TIMEZONE: string = 'America/Denver';

  @Transform(blankToUndefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(120, { message: 'must be at most 120 characters' })
  ORG_NAME: string = 'Peer Support Training Program';

  @Transform(blankToUndefined)
  @IsString()
  @IsNotEmpty()
  DATA_DIR: string = 'data';

  @Transform(blankToUndefined)
  @IsIn(['auto', 'off'], { message: 'must be "auto" (seed demo data into an empty database) or "off"' })
  DEMO_DATA: 'auto' | 'off' = 'auto';

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number of days between 1 and 365' })
  @Min(1, { message: 'must be a whole number of days between 1 and 365' })
  @Max(365, { message: 'must be a whole number of days between 1 and 365' })
  SUPERVISION_GAP_DAYS: number = 30;

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number of days between 1 and 3650' })
  @Min(1, { message: 'must be a whole number of days between 1 and 3650' })
  @Max(3650, { message: 'must be a whole number of days between 1 and 3650' })
  SUBMISSION_EVIDENCE_DAYS: number = 90;

  @Transform(blankToUndefined)
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, {
    message: 'must be 1 to 40 letters, digits, "-" or "_" (it starts every Redis key the job queues use)',
  })
  REDIS_PREFIX: string = 'lms';

  @Transform(blankToUndefined)
  @IsIn(['auto', 'off'], {
    message:
      'must be "auto" (the web app runs jobs itself without Redis; with Redis only `npm run worker` does) or "off"',
  })
  JOBS_IN_WEB: 'auto' | 'off' = 'auto';

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number between 1 and 50' })
  @Min(1, { message: 'must be a whole number between 1 and 50' })
  @Max(50, { message: 'must be a whole number between 1 and 50' })
  JOB_CONCURRENCY: number = 4;

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number of web processes between 1 and 32' })
  @Min(1, { message: 'must be a whole number of web processes between 1 and 32' })
  @Max(32, { message: 'must be a whole number of web processes between 1 and 32' })
  WEB_CONCURRENCY: number = 1;

  @Transform(blankToUndefined)
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a local time HH:MM (24-hour), such as 06:00' })
  EXPIRY_SCAN_AT: string = '06:00';

  @Transform(blankToUndefined)
  @Matches(/^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):[0-5]\d$/i, {
    message: 'must be a weekday and a local time, such as "mon 07:00"',
  })
  SUPERVISOR_DIGEST_AT: string = 'mon 07:00';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(120, { message: 'must be at most 120 characters' })
  CERTIFICATE_DIRECTOR_NAME?: string;

  @Transform(blankToUndefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(80, { message: 'must be at most 80 characters' })
  CERTIFICATE_DIRECTOR_TITLE: string = 'Program Director';

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/\.(png|jpe?g)$/i, { message: 'must be the path of a PNG or JPEG file' })
  CERTIFICATE_LOGO?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  CERTIFICATE_SIGNING_KEY_FILE?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  CERTIFICATE_TEMPLATES_DIR?: string;

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number of lookups per minute between 1 and 10000' })
  @Min(1, { message: 'must be a whole number of lookups per minute between 1 and 10000' })
  @Max(10000, { message: 'must be a whole number of lookups per minute between 1 and 10000' })
  VERIFY_RATE_LIMIT: number = 30;

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number of threads between 0 and 16 (0 draws on the main thread)' })
  @Min(0, { message: 'must be a whole number of threads between 0 and 16 (0 draws on the main thread)' })
  @Max(16, { message: 'must be a whole number of threads between 0 and 16 (0 draws on the main thread)' })
  CERTIFICATE_RENDER_THREADS: number = Math.min(4, availableParallelism());

  // Single sign-on (OpenID Connect): the three together, or none of them.
  @Transform(blankToUndefined)
  @ValidateIf((env: Environment) => oidcWanted(env))
  @IsString({ message: 'is required for single sign-on (with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET)' })
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: "must be the identity provider's issuer URL, such as https://login.example.org" },
  )
  OIDC_ISSUER?: string;

  @Transform(blankToUndefined)
  @ValidateIf((env: Environment) => oidcWanted(env))
  @IsString({ message: 'is required for single sign-on (with OIDC_ISSUER and OIDC_CLIENT_SECRET)' })
  @MaxLength(300, { message: 'must be at most 300 characters' })
  OIDC_CLIENT_ID?: string;

  @Transform(blankToUndefined)
  @ValidateIf((env: Environment) => oidcWanted(env))
  @IsString({ message: 'is required for single sign-on (with OIDC_ISSUER and OIDC_CLIENT_ID)' })
  @MaxLength(1000, { message: 'must be at most 1000 characters' })
  OIDC_CLIENT_SECRET?: string;

  @Transform(blankToUndefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(60, { message: 'must be at most 60 characters, such as "Sign in with Microsoft"' })
  OIDC_LABEL: string = 'Sign in with your organisation';

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^\s*[a-z0-9.-]+\.[a-z]{2,}\s*(,\s*[a-z0-9.-]+\.[a-z]{2,}\s*)*$/i, {
    message: 'must be a comma list of e-mail domains, such as example.org,staff.example.org',
  })
  OIDC_ALLOWED_DOMAINS?: string;

  @Transform(blankToUndefined)
  @IsIn(['on', 'off'], { message: 'must be "on" or "off" (off: only single sign-on and the CLI sign in)' })
  PASSWORD_SIGNIN: 'on' | 'off' = 'on';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  BACKUP_DIR?: string;

  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt({ message: 'must be a whole number of backups to keep between 1 and 365' })
  @Min(1, { message: 'must be a whole number of backups to keep between 1 and 365' })
  @Max(365, { message: 'must be a whole number of backups to keep between 1 and 365' })
  BACKUP_KEEP: number = 14;

  @Transform(blankToUndefined)
  @IsIn(['error', 'warn', 'log', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' = 'log';
}

/** Any one of the three OIDC variables asks for single sign-on, and then needs the other two. */
function oidcWanted(env: Environment): boolean {
  return env.OIDC_ISSUER !== undefined || env.OIDC_CLIENT_ID !== undefined || env.OIDC_CLIENT_SECRET !== undefined;
}

export class ConfigError extends Error {}

/** Validates the environment; throws one `ConfigError` whose message names each bad variable. */
export function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const known = Object.keys(new Environment());
  const picked: Record<string, unknown> = {};
  for (const key of [
    ...known,
    'DATABASE_URL',
    'REDIS_URL',
    'SMTP_URL',
    'SESSION_SECRET',
    'PUBLIC_BASE_URL',
    'CERTIFICATE_DIRECTOR_NAME',
    'CERTIFICATE_LOGO',
    'CERTIFICATE_SIGNING_KEY_FILE',
    'CERTIFICATE_TEMPLATES_DIR',
    'OIDC_ISSUER',
    'OIDC_CLIENT_ID',
    'OIDC_CLIENT_SECRET',
    'OIDC_ALLOWED_DOMAINS',
    'BACKUP_DIR',
  ]) {
    if (env[key] !== undefined) picked[key] = env[key];
  }
  const parsed = plainToInstance(Environment, picked, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const constraints = e.constraints ?? {};
      // A missing variable fails every rule at once; its "is required" rule says why best.
      const message =
        (e.value === undefined ? constraints.isString : undefined) ?? Object.values(constraints)[0] ?? 'is invalid';
      return `${e.property} ${message}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return parsed;
}
