import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { AppConfig, ConfigError } from './config/app-config';
import { prepareDatabase } from './database/prepare-database';
import { startWebJobRunner } from './modules/jobs/jobs.module';
import { setupApp } from './setup-app';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnvironment(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const logLevels = (['error', 'warn', 'log', 'debug'] as const).slice(0, ['error', 'warn', 'log', 'debug'].indexOf(config.logLevel) + 1);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { logger: [...logLevels, 'fatal'] });
  setupApp(app, config);
  app.enableShutdownHooks();
  await prepareDatabase(app);
  await app.listen(config.port);
  // After listen(), which initialises the modules: their job handlers are registered by then.
  await startWebJobRunner(app);
  new Logger('Main').log(
    `${config.orgName} is running at ${config.publicBaseUrl} (database: ${config.database.type}, jobs: ${config.redisUrl ? 'Redis' : 'in-process'})`,
  );
}

void bootstrap();
