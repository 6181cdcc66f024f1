import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Type } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { prepareDatabase } from '../../src/database/prepare-database';
import { setupApp } from '../../src/setup-app';
import { createTestDatabase, type Engine } from './engines';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * The real application on a fresh database of the given engine, migrated and seeded with the
 * catalogue (no demo data), as `npm start` would build it.
 */
export async function createTestApp(engine: Engine, options: { env?: Record<string, string>; controllers?: Type[] } = {}): Promise<TestApp> {
  const db = await createTestDatabase(engine);
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', DEMO_DATA: 'off', LOG_LEVEL: 'error', ...db.env, ...options.env });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)], controllers: options.controllers ?? [] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['fatal'] });
  setupApp(app, config);
  await app.init();
  const dataSource = app.get(DataSource);
  await prepareDatabase(dataSource, config);
  return {
    app,
    config,
    dataSource,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await db.cleanup();
    },
  };
}
