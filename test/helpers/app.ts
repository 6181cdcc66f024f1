import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Type } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { prepareDatabase } from '../../src/database/prepare-database';
import { startWebJobRunner } from '../../src/modules/jobs/jobs.module';
import { setupApp } from '../../src/setup-app';
import { systemActor } from '../../src/common/auth/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import { CSRF_COOKIE, csrfTokenFor, SESSION_COOKIE } from '../../src/modules/auth/csrf';
import { hashPassword } from '../../src/modules/auth/passwords';
import { randomToken } from '../../src/modules/auth/secrets';
import { SessionsService } from '../../src/modules/auth/sessions.service';
import type { CreatePersonDto } from '../../src/modules/people/dto/person.dto';
import { PeopleService } from '../../src/modules/people/people.service';
import type { Role } from '../../src/common/auth/roles';
import { Person } from '../../src/modules/people/person.entity';
import { WriteLock } from '../../src/common/db/write-lock';
import { personInput } from '../factories/people';
import { createTestDatabase, type Engine, type TestDatabase } from './engines';

export const TEST_PASSWORD = 'a long test password';

/** A signed-in browser: its cookies and the CSRF token its forms would carry. */
export interface Browser {
  person: Person;
  cookie: string[];
  csrf: string;
}

type Http = ReturnType<typeof request>;

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  http(): Http;
  /** A person with these roles and a password (TEST_PASSWORD). */
  person(roles: Role[], overrides?: Partial<CreatePersonDto>): Promise<Person>;
  /** A person with these roles, signed in through a session as a browser would be. */
  browser(roles: Role[], overrides?: Partial<CreatePersonDto>): Promise<Browser>;
  /** Requests from that browser: cookies always, and the CSRF header on state-changing ones. */
  as(browser: Browser): Pick<Http, 'get' | 'post' | 'put' | 'patch' | 'delete'>;
  /** Requests carrying an API token (no cookies, so no CSRF token needed). */
  withBearer(bearer: string): Pick<Http, 'get' | 'post' | 'put' | 'patch' | 'delete'>;
  /** An API token acting as a new person with these roles. */
  token(roles: Role[], overrides?: Partial<CreatePersonDto>): Promise<{ person: Person; bearer: string }>;
  /** Runs test set-up that writes behind the SQLite write lock, as a request's writes are (the app's jobs hold it too). */
  write<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real application on a fresh database of the given engine, migrated and seeded with the
 * catalogue (no demo data), as `npm start` would build it. Given `database`, it starts on that one
 * instead, as a restart would (with other settings, say), and leaves cleaning it up to the caller.
 */
export async function createTestApp(
  engine: Engine,
  options: { env?: Record<string, string>; controllers?: Type[]; database?: TestDatabase } = {},
): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase(engine));
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    DEMO_DATA: 'off',
    LOG_LEVEL: 'error',
    ...db.env,
    ...options.env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(config)],
    controllers: options.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['fatal'] });
  setupApp(app, config);
  await app.init();
  const dataSource = app.get(DataSource);
  await prepareDatabase(app);
  await startWebJobRunner(app);
  const http = () => request(app.getHttpServer());

  // The helpers write as a request would: behind the SQLite write lock, which the app's own jobs (started above)
  // hold while they write; without it a helper's transaction could begin inside a job's on the one connection.
  const locked = <T>(work: () => Promise<T>) => app.get(WriteLock).run(work);
  const person = async (roles: Role[], overrides: Partial<CreatePersonDto> = {}) => {
    const passwordHash = await hashPassword(TEST_PASSWORD);
    return locked(async () => {
      const created = await app.get(PeopleService).create(personInput({ roles, ...overrides }), systemActor('test'));
      await dataSource.getRepository(Person).update({ id: created.id }, { passwordHash });
      return created;
    });
  };

  return {
    app,
    config,
    dataSource,
    http,
    person,
    browser: async (roles, overrides) => {
      const p = await person(roles, overrides);
      const { token } = await locked(() =>
        app.get(SessionsService).create(dataSource.manager, p.id, '127.0.0.1', 'test'),
      );
      const csrfSeed = randomToken();
      return {
        person: p,
        cookie: [`${SESSION_COOKIE}=${token}`, `${CSRF_COOKIE}=${csrfSeed}`],
        csrf: csrfTokenFor(config.sessionSecret, csrfSeed),
      };
    },
    as: (b) =>
      ({
        get: (url: string) => http().get(url).set('Cookie', b.cookie),
        post: (url: string) => http().post(url).set('Cookie', b.cookie).set('X-CSRF-Token', b.csrf),
        put: (url: string) => http().put(url).set('Cookie', b.cookie).set('X-CSRF-Token', b.csrf),
        patch: (url: string) => http().patch(url).set('Cookie', b.cookie).set('X-CSRF-Token', b.csrf),
        delete: (url: string) => http().delete(url).set('Cookie', b.cookie).set('X-CSRF-Token', b.csrf),
      }) as Pick<Http, 'get' | 'post' | 'put' | 'patch' | 'delete'>,
    withBearer: (bearer) =>
      ({
        get: (url: string) => http().get(url).set('Authorization', bearer),
        post: (url: string) => http().post(url).set('Authorization', bearer),
        put: (url: string) => http().put(url).set('Authorization', bearer),
        patch: (url: string) => http().patch(url).set('Authorization', bearer),
        delete: (url: string) => http().delete(url).set('Authorization', bearer),
      }) as Pick<Http, 'get' | 'post' | 'put' | 'patch' | 'delete'>,
    token: async (roles, overrides) => {
      const p = await person(roles, overrides);
      const { token } = await locked(() => app.get(ApiTokensService).issue(p.id, 'test', systemActor('test')));
      return { person: p, bearer: `Bearer ${token}` };
    },
    write: locked,
    close: async () => {
      await app.close();
      if (!options.database) await db.cleanup();
    },
  };
}
