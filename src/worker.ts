import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configOrExit, logLevelsFor } from './config/startup-config';
import { JobScheduler } from './modules/jobs/job-scheduler.service';
import { JobRunner } from './modules/jobs/jobs';

/**
 * `npm run worker`: the application's modules without HTTP, taking jobs from every queue. With
 * REDIS_URL it is a BullMQ worker (run as many as you like, on any machine); without, it takes rows
 * from the database's job table alongside the web process. SIGTERM/SIGINT finish the running jobs first.
 */
async function bootstrap(): Promise<void> {
  const config = configOrExit();
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { logger: logLevelsFor(config) });
  app.enableShutdownHooks();
  // The web app migrates at start; a worker never races it, it waits to be told.
  if (await app.get(DataSource).showMigrations()) {
    console.error(
      'The database has pending migrations: start the web app once, or run `npm run cli -- migrate`, then start the worker.',
    );
    await app.close();
    process.exit(1);
  }
  await app.get(JobRunner).start();
  await app.get(JobScheduler).start();
  new Logger('Worker').log(
    `Worker running (jobs: ${config.redisUrl ? 'Redis' : 'database table'}, database: ${config.database.type}).`,
  );
}

void bootstrap();
