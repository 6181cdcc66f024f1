import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../src/config/app-config';
import { WriteLock } from '../../src/common/db/write-lock';
import { BullmqJobQueue } from '../../src/modules/jobs/bullmq-job-queue';
import { InProcessJobQueue } from '../../src/modules/jobs/in-process-job-queue';
import { JobExecutor } from '../../src/modules/jobs/job-executor';
import { JobHandlers } from '../../src/modules/jobs/job-handlers';
import { QUEUE_NAMES, type JobQueue, type JobRunner, type JobView } from '../../src/modules/jobs/jobs';
import { redisAvailable, redisUrl } from './engines';
import type { TestApp } from './app';

export type Driver = 'in-process' | 'bullmq';
export type TestQueue = JobQueue & JobRunner & { close(): Promise<void> };

/** The drivers a job test runs on: in-process always, BullMQ when global setup found Redis. */
export function drivers(): Driver[] {
  return redisAvailable() ? ['in-process', 'bullmq'] : ['in-process'];
}

/** A Redis key prefix no other test (or test run) shares. */
export function uniqueRedisPrefix(): string {
  return `lmstest-${randomUUID().slice(0, 12)}`;
}

/**
 * A driver of the given kind over the test app's database, running the handlers in `handlers`
 * (not the app's), as a second process would. BullMQ ones share `prefix`, so two of them are two
 * workers on the same queues.
 */
export function makeQueue(kind: Driver, t: TestApp, handlers: JobHandlers, prefix: string): TestQueue {
  const lock = t.app.get(WriteLock);
  const executor = new JobExecutor(handlers);
  if (kind === 'in-process') {
    const queue = new InProcessJobQueue(t.dataSource, lock, executor, t.config) as InProcessJobQueue & {
      close(): Promise<void>;
    };
    queue.close = () => queue.stop();
    return queue;
  }
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    DATA_DIR: t.config.dataDir,
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: prefix,
  });
  const queue = new BullmqJobQueue(config, executor) as BullmqJobQueue & { close(): Promise<void> };
  queue.close = async () => {
    await queue.stop();
    // Leave nothing behind in the shared Redis.
    for (const name of QUEUE_NAMES) {
      await queue.queue(name).pause();
      await queue.queue(name).obliterate({ force: true });
    }
    await queue.onApplicationShutdown();
  };
  return queue;
}

/**
 * Waits until the job has finished (completed or failed), running each retry at once instead of
 * after its backoff: the test controls time, it never sleeps through a delay.
 */
export async function settle(queue: JobQueue, id: string, timeoutMs = 20_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await queue.get(id);
    if (view && (view.state === 'completed' || view.state === 'failed')) return view;
    if (view?.state === 'delayed') await queue.promote(id);
    if (Date.now() > deadline)
      throw new Error(`Job ${id} did not finish in ${timeoutMs} ms (state ${view?.state ?? 'gone'})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
