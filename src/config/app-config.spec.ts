import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lms-config-'));

function configError(env: Record<string, string>): string {
  try {
    AppConfig.fromEnvironment({ DATA_DIR: dataDir(), ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('AppConfig.fromEnvironment', () => {
  it('runs on embedded defaults with nothing set', () => {
    const dir = dataDir();
    const config = AppConfig.fromEnvironment({ DATA_DIR: dir });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      database: { type: 'sqlite', path: join(dir, 'lms.sqlite') },
      redisUrl: undefined,
      mail: { transport: 'file', dir: join(dir, 'mail') },
      publicBaseUrl: 'http://localhost:3000',
      timeZone: 'America/Denver',
      demoData: 'auto',
    });
  });

  it('says which setting made the public base URL: PUBLIC_BASE_URL, else PORT, else the default port', () => {
    const from = (env: Record<string, string>) => {
      const config = AppConfig.fromEnvironment({ DATA_DIR: dataDir(), ...env });
      return [config.publicBaseUrl, config.publicBaseUrlFrom];
    };
    expect(from({ PUBLIC_BASE_URL: 'https://lms.example.org', PORT: '8080' })).toEqual([
      'https://lms.example.org',
      'PUBLIC_BASE_URL',
    ]);
    expect(from({ PORT: '8080' })).toEqual(['http://localhost:8080', 'PORT']);
    expect(from({})).toEqual(['http://localhost:3000', 'default']);
  });

  it('chooses PostgreSQL, Redis and SMTP when their URLs are set', () => {
    const config = AppConfig.fromEnvironment({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://lms@db.internal:5432/lms',
      REDIS_URL: 'redis://cache:6379',
      SMTP_URL: 'smtp://mailer:587',
      PUBLIC_BASE_URL: 'https://lms.example.org/',
      PORT: '8080',
      PROGRAM_TIMEZONE: 'America/Chicago',
      ORG_NAME: 'Big Sky Peer Network',
    });
    expect(config).toMatchObject({
      port: 8080,
      database: { type: 'postgres', url: 'postgres://lms@db.internal:5432/lms' },
      redisUrl: 'redis://cache:6379',
      mail: { transport: 'smtp', url: 'smtp://mailer:587' },
      publicBaseUrl: 'https://lms.example.org',
      timeZone: 'America/Chicago',
      orgName: 'Big Sky Peer Network',
    });
  });

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT must be a whole number between 1 and 65535$/],
    ['PORT', '70000', /PORT must be a whole number between 1 and 65535/],
    ['DATABASE_URL', 'mysql://root@localhost/lms', /DATABASE_URL must be a PostgreSQL URL/],
    ['REDIS_URL', 'http://cache:6379', /REDIS_URL must be a Redis URL/],
    ['SMTP_URL', 'mail.example.org', /SMTP_URL must be an SMTP URL/],
    ['SESSION_SECRET', 'too-short', /SESSION_SECRET must be at least 32 characters long/],
    ['PUBLIC_BASE_URL', 'lms.example.org', /PUBLIC_BASE_URL must be an absolute http\(s\) URL/],
    ['PROGRAM_TIMEZONE', 'Mars/Olympus_Mons', /PROGRAM_TIMEZONE must be an IANA time zone/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of the following values: development, production, test/],
    ['DEMO_DATA', 'yes', /DEMO_DATA must be "auto"/],
    ['LOG_LEVEL', 'verbose', /LOG_LEVEL must be one of the following values/],
    ['ORG_NAME', 'x'.repeat(121), /ORG_NAME must be at most 120 characters/],
    ['SUPERVISION_GAP_DAYS', '0', /SUPERVISION_GAP_DAYS must be a whole number of days between 1 and 365/],
    ['SUBMISSION_EVIDENCE_DAYS', 'soon', /SUBMISSION_EVIDENCE_DAYS must be a whole number of days between 1 and 3650/],
    ['WEB_CONCURRENCY', '0', /WEB_CONCURRENCY must be a whole number of web processes between 1 and 32/],
  ])('names %s when it is %p', (name, value, message) => {
    const error = configError({ [name]: value });
    expect(error).toMatch(message);
    expect(error.split('\n')).toHaveLength(1);
  });

  it('runs several web processes only on PostgreSQL, and says so in one line on SQLite', () => {
    const error = configError({ WEB_CONCURRENCY: '2' });
    expect(error).toMatch(
      /^Invalid configuration: WEB_CONCURRENCY must be 1 on SQLite.*set DATABASE_URL to PostgreSQL/,
    );
    expect(error.split('\n')).toHaveLength(1);
    const env = { DATA_DIR: dataDir(), WEB_CONCURRENCY: '2', DATABASE_URL: 'postgres://lms@db.internal:5432/lms' };
    expect(AppConfig.fromEnvironment(env).webConcurrency).toBe(2);
    expect(AppConfig.fromEnvironment({ DATA_DIR: dataDir() }).webConcurrency).toBe(1);
  });

  it('names every bad variable in one line', () => {
    const error = configError({ PORT: 'x', REDIS_URL: 'nope' });
    expect(error).toMatch(/PORT .*; REDIS_URL /);
    expect(error.split('\n')).toHaveLength(1);
  });

  it('requires SESSION_SECRET in production', () => {
    expect(configError({ NODE_ENV: 'production' })).toMatch(/SESSION_SECRET is required in production/);
    const secret = 'k'.repeat(40);
    const env = {
      DATA_DIR: dataDir(),
      NODE_ENV: 'production',
      SESSION_SECRET: secret,
      PUBLIC_BASE_URL: 'https://lms.example.org',
    };
    expect(AppConfig.fromEnvironment(env).sessionSecret).toBe(secret);
  });

  it('requires PUBLIC_BASE_URL in production, since certificates print it (issue 19)', () => {
    const secret = 'k'.repeat(40);
    expect(configError({ NODE_ENV: 'production', SESSION_SECRET: secret })).toMatch(
      /PUBLIC_BASE_URL is required in production: the address people use/,
    );
    const dev = AppConfig.fromEnvironment({ DATA_DIR: dataDir(), PORT: '3456' });
    expect(dev).toMatchObject({ publicBaseUrl: 'http://localhost:3456', publicBaseUrlFrom: 'PORT' });
  });

  it('outside production generates a session secret once, stores it privately under the data folder and reuses it', () => {
    const dir = dataDir();
    const first = AppConfig.fromEnvironment({ DATA_DIR: dir }).sessionSecret;
    const second = AppConfig.fromEnvironment({ DATA_DIR: dir }).sessionSecret;
    expect(first).toHaveLength(64);
    expect(second).toBe(first);
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, 'session-secret')).mode & 0o077).toBe(0);
    expect(AppConfig.fromEnvironment({ DATA_DIR: dataDir() }).sessionSecret).not.toBe(first);
  });

  it('treats blank optional variables as unset', () => {
    const config = AppConfig.fromEnvironment({ DATA_DIR: dataDir(), DATABASE_URL: '', REDIS_URL: ' ' });
    expect(config.database.type).toBe('sqlite');
    expect(config.redisUrl).toBeUndefined();
  });

  it('uses a configured signing key only when it is an RSA private key of 2048 bits or more (RS256)', () => {
    const dir = dataDir();
    const rsaPem = (modulusLength: number) =>
      generateKeyPairSync('rsa', { modulusLength }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const rsa = join(dir, 'rsa.pem');
    writeFileSync(rsa, rsaPem(2048));
    const config = AppConfig.fromEnvironment({ DATA_DIR: dir, CERTIFICATE_SIGNING_KEY_FILE: rsa });
    expect(config.certificates.signingKeys).toEqual({
      dir: join(dir, 'signing-keys'),
      configuredFile: rsa,
      legacyFile: join(dir, 'certificate-signing-key.pem'),
    });
    const ed = join(dir, 'ed.pem');
    writeFileSync(ed, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(configError({ CERTIFICATE_SIGNING_KEY_FILE: ed })).toMatch(
      /ed\.pem holds a ed25519 key; Open Badges credentials are signed RS256, with an RSA key/,
    );
    const small = join(dir, 'small.pem');
    writeFileSync(small, rsaPem(1024));
    expect(configError({ CERTIFICATE_SIGNING_KEY_FILE: small })).toMatch(/holds a 1024-bit RSA key; RS256 needs 2048/);
    expect(configError({ CERTIFICATE_SIGNING_KEY_FILE: join(dir, 'nope.pem') })).toMatch(
      /CERTIFICATE_SIGNING_KEY_FILE names .*nope\.pem, which does not exist/,
    );
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    expect(configError({ CERTIFICATE_SIGNING_KEY_FILE: join(dir, 'junk.pem') })).toMatch(/is not a PEM private key/);
  });

  it('reads the certificate logo once and refuses what is not a PNG or JPEG', () => {
    const dir = dataDir();
    const png = join(dir, 'logo.png');
    writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    expect(
      AppConfig.fromEnvironment({ DATA_DIR: dir, CERTIFICATE_LOGO: png })
        .certificates.logo?.subarray(0, 4)
        .toString('hex'),
    ).toBe('89504e47');
    expect(configError({ CERTIFICATE_LOGO: join(dir, 'logo.gif') })).toMatch(
      /CERTIFICATE_LOGO must be the path of a PNG or JPEG file/,
    );
    const fake = join(dir, 'fake.jpg');
    writeFileSync(fake, 'GIF89a');
    expect(configError({ CERTIFICATE_LOGO: fake })).toMatch(/is not a PNG or JPEG image/);
    expect(configError({ CERTIFICATE_LOGO: join(dir, 'missing.png') })).toMatch(/does not exist/);
    expect(configError({ VERIFY_RATE_LIMIT: '0' })).toMatch(
      /VERIFY_RATE_LIMIT must be a whole number of lookups per minute/,
    );
  });

  describe('single sign-on', () => {
    const oidc = { OIDC_ISSUER: 'https://login.example.org', OIDC_CLIENT_ID: 'lms', OIDC_CLIENT_SECRET: 'secret' };

    it('is off with nothing set, and passwords stay on', () => {
      expect(AppConfig.fromEnvironment({ DATA_DIR: dataDir() }).signIn).toEqual({ oidc: null, passwords: true });
    });

    it('takes the issuer, client, label and allowed domains (trimmed, lower case)', () => {
      const config = AppConfig.fromEnvironment({
        DATA_DIR: dataDir(),
        ...oidc,
        OIDC_LABEL: 'Sign in with Microsoft',
        OIDC_ALLOWED_DOMAINS: 'Example.org, staff.example.org',
        PASSWORD_SIGNIN: 'off',
      });
      expect(config.signIn).toEqual({
        oidc: {
          issuer: 'https://login.example.org',
          clientId: 'lms',
          clientSecret: 'secret',
          label: 'Sign in with Microsoft',
          allowedDomains: ['example.org', 'staff.example.org'],
        },
        passwords: false,
      });
    });

    it('needs the issuer, client ID and secret together', () => {
      expect(configError({ OIDC_ISSUER: 'https://login.example.org' })).toMatch(
        /OIDC_CLIENT_ID is required for single sign-on.*OIDC_CLIENT_SECRET is required/,
      );
      expect(configError({ ...oidc, OIDC_ISSUER: 'not a url' })).toMatch(/OIDC_ISSUER must be the identity provider/);
    });

    it('refuses a malformed domain list, an unknown PASSWORD_SIGNIN and a plain-http issuer in production', () => {
      expect(configError({ ...oidc, OIDC_ALLOWED_DOMAINS: 'example.org, @nope' })).toMatch(/OIDC_ALLOWED_DOMAINS must/);
      expect(configError({ PASSWORD_SIGNIN: 'no' })).toMatch(/PASSWORD_SIGNIN must be "on" or "off"/);
      expect(
        configError({
          ...oidc,
          OIDC_ISSUER: 'http://login.example.org',
          NODE_ENV: 'production',
          SESSION_SECRET: 'x'.repeat(40),
          PUBLIC_BASE_URL: 'https://lms.example.org',
        }),
      ).toMatch(/OIDC_ISSUER must be an https URL in production/);
    });
  });
});
