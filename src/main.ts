import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cluster from 'node:cluster';
import { AppModule } from './app.module';
import { configOrExit, startupBox, startupLogger } from './config/startup-config';
import { prepareDatabase } from './database/prepare-database';
import { startWebJobRunner } from './modules/jobs/jobs.module';
import { setupApp } from './setup-app';
import { runWebCluster, type ListeningMessage } from './web-cluster';

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  if (config.webConcurrency > 1 && cluster.isPrimary) return runWebCluster(config.webConcurrency);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    logger: startupLogger(config),
  });
  setupApp(app, config);
  app.enableShutdownHooks();
  const { demoLinks } = await prepareDatabase(app);
  await app.listen(config.port);
  // After listen(), which initialises the modules: their job handlers are registered by then.
  await startWebJobRunner(app);
  new Logger('Main').log(
    `${config.orgName} is running at ${config.publicBaseUrl} (database: ${config.database.type}, jobs: ${config.redisUrl ? 'Redis' : 'in-process'})`,
  );
  // Last, so the address and the demo's sign-in links are not lost among the start-up lines.
  const box = startupBox(config.publicBaseUrl, demoLinks);
  if (cluster.isWorker) process.send?.({ type: 'listening', box } satisfies ListeningMessage);
  else console.log(box);
}

void bootstrap();
