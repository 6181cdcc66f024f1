import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../../config/app-config';
import { BullmqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobExecutor } from './job-executor';
import { JobHandlerDiscovery } from './job-handler-discovery';
import { JobHandlers } from './job-handlers';
import { JobScheduler } from './job-scheduler.service';
import { JobQueue, JobRunner } from './jobs';

const pick = (config: AppConfig, inProcess: InProcessJobQueue, bullmq: BullmqJobQueue) =>
  config.redisUrl ? bullmq : inProcess;

/**
 * Global: any feature injects JobQueue to add work, and marks the methods that do it `@HandlesJob(name)`.
 * JobQueue and JobRunner are the BullMQ driver when REDIS_URL is set, the in-process one otherwise.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobHandlers,
    JobHandlerDiscovery,
    JobExecutor,
    JobScheduler,
    InProcessJobQueue,
    BullmqJobQueue,
    { provide: JobQueue, inject: [AppConfig, InProcessJobQueue, BullmqJobQueue], useFactory: pick },
    { provide: JobRunner, inject: [AppConfig, InProcessJobQueue, BullmqJobQueue], useFactory: pick },
  ],
  exports: [JobHandlers, JobQueue, JobRunner, JobScheduler],
})
export class JobsModule {}

/**
 * What the web process does about jobs once the database is ready: without Redis it runs them
 * itself (there is no one else); with Redis it leaves them to `npm run worker`. JOBS_IN_WEB=off
 * keeps it from running any (then only a worker or the CLI does). The scheduler runs where jobs
 * run: with Redis, each worker upserts the BullMQ job schedulers (Redis keeps one of each).
 */
export async function startWebJobRunner(app: INestApplicationContext): Promise<void> {
  const config = app.get(AppConfig);
  if (config.jobs.inWeb === 'auto' && !config.redisUrl) {
    await app.get(JobRunner).start();
    await app.get(JobScheduler).start();
  }
}
