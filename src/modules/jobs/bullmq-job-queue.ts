import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker, type Job, type JobType } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { JobExecutor } from './job-executor';
import {
  JOB_STATES,
  JOBS,
  JobQueue,
  JobRunner,
  KEEP_COMPLETED_MS,
  KEEP_FAILED_MS,
  QUEUE_NAMES,
  type AddJobOptions,
  type JobCounts,
  type JobListFilter,
  type JobName,
  type JobPayloads,
  type JobState,
  type JobView,
  type QueueName,
} from './jobs';

type StoredData = { payload: JobPayloads[JobName]; key: string | null };
type BullJob = Job<StoredData, void, JobName>;

/** A job's public id is "<queue>.<BullMQ job id>", so get(id) knows which queue to ask. */
function publicId(queue: QueueName, jobId: string): string {
  return `${queue}.${jobId}`;
}

function parseId(id: string): { queue: QueueName; jobId: string } | undefined {
  const dot = id.indexOf('.');
  const queue = id.slice(0, dot) as QueueName;
  if (dot < 1 || !QUEUE_NAMES.includes(queue)) return undefined;
  return { queue, jobId: id.slice(dot + 1) };
}

/** BullMQ job ids may not contain ":" (nor be integers); a key becomes an id that is neither. */
export function jobIdForKey(key: string): string {
  return `k-${encodeURIComponent(key)}`;
}

/**
 * The Redis driver: one BullMQ queue per queue name, every key under `<REDIS_PREFIX>:jobs`.
 * Plain bullmq classes rather than @nestjs/bullmq's decorators: the mode is chosen at start-up
 * from REDIS_URL, handlers are registered at run time by features, and only `npm run worker`
 * (or a web process told to) starts Workers — three things the decorator wiring fixes at compile time.
 * A key becomes the BullMQ job id, which BullMQ de-duplicates for as long as the job is kept.
 */
@Injectable()
export class BullmqJobQueue extends JobQueue implements JobRunner, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly mode = 'redis' as const;
  private readonly logger = new Logger('Jobs');
  private readonly queues = new Map<QueueName, Queue<StoredData, void, JobName>>();
  private workers: Worker<StoredData, void, JobName>[] = [];
  readonly prefix: string;

  constructor(
    private readonly config: AppConfig,
    private readonly executor: JobExecutor,
  ) {
    super();
    this.prefix = `${config.jobs.redisPrefix}:jobs`;
  }

  private get connection() {
    return { url: this.config.redisUrl!, maxRetriesPerRequest: null };
  }

  queue(name: QueueName): Queue<StoredData, void, JobName> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<StoredData, void, JobName>(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (error) => this.logger.error(`Queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], options: AddJobOptions = {}): Promise<string> {
    const definition = JOBS[name];
    const jobId = options.key ? jobIdForKey(options.key) : randomUUID();
    const job = await this.queue(definition.queue).add(
      name,
      { payload, key: options.key ?? null },
      { jobId, ...this.jobOptions(name) },
    );
    return publicId(definition.queue, job.id ?? jobId);
  }

  /** Attempts, backoff and retention of a job, from JOBS (job schedulers use them too). */
  jobOptions(name: JobName) {
    const definition = JOBS[name];
    return {
      attempts: definition.attempts,
      backoff: { type: 'exponential' as const, delay: definition.backoffMs },
      removeOnComplete: { age: KEEP_COMPLETED_MS / 1000 },
      removeOnFail: { age: KEEP_FAILED_MS / 1000 },
    };
  }

  async get(id: string): Promise<JobView | undefined> {
    const parsed = parseId(id);
    if (!parsed) return undefined;
    return this.view(parsed.queue, parsed.jobId);
  }

  async counts(): Promise<Record<QueueName, JobCounts>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const raw = await this.queue(name).getJobCounts(
          'waiting',
          'prioritized',
          'waiting-children',
          'delayed',
          'active',
          'completed',
          'failed',
        );
        const counts: JobCounts = {
          waiting: (raw.waiting ?? 0) + (raw.prioritized ?? 0) + (raw['waiting-children'] ?? 0),
          delayed: raw.delayed ?? 0,
          active: raw.active ?? 0,
          completed: raw.completed ?? 0,
          failed: raw.failed ?? 0,
        };
        return [name, counts] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueName, JobCounts>;
  }

  async list(filter: JobListFilter = {}): Promise<JobView[]> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const states: JobType[] = filter.state
      ? filter.state === 'waiting'
        ? ['waiting', 'prioritized']
        : [filter.state]
      : [...JOB_STATES];
    const queues = filter.queue ? [filter.queue] : [...QUEUE_NAMES];
    const views: JobView[] = [];
    for (const name of queues) {
      const jobs = (await this.queue(name).getJobs(states, 0, limit - 1, false)) as BullJob[];
      for (const job of jobs) {
        const view = job && (await this.view(name, job.id!));
        if (view) views.push(view);
      }
    }
    const when = (v: JobView) => (v.finishedAt ?? v.createdAt).getTime();
    return views.sort((a, b) => when(b) - when(a)).slice(0, limit);
  }

  async retry(id: string): Promise<boolean> {
    const parsed = parseId(id);
    const job = parsed && (await this.queue(parsed.queue).getJob(parsed.jobId));
    if (!job || (await job.getState()) !== 'failed') return false;
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  }

  async promote(id: string): Promise<boolean> {
    const parsed = parseId(id);
    const job = parsed && (await this.queue(parsed.queue).getJob(parsed.jobId));
    if (!job || (await job.getState()) !== 'delayed') return false;
    await job.promote();
    return true;
  }

  async remove(id: string): Promise<boolean> {
    const parsed = parseId(id);
    const job = parsed && (await this.queue(parsed.queue).getJob(parsed.jobId));
    if (!job || (await job.getState()) === 'active') return false;
    await job.remove();
    return true;
  }

  async start(): Promise<void> {
    if (this.workers.length) return;
    for (const name of QUEUE_NAMES) {
      const worker = new Worker<StoredData, void, JobName>(
        name,
        (job) =>
          this.executor.execute(job.name, job.data.payload, {
            id: publicId(name, job.id!),
            attempt: job.attemptsMade + 1,
            progress: (done, total) => job.updateProgress({ done, total }),
          }),
        { connection: this.connection, prefix: this.prefix, concurrency: this.config.jobs.concurrency },
      );
      worker.on('error', (error) => this.logger.error(`Worker ${name}: ${error.message}`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.logger.log(
      `BullMQ workers started on ${QUEUE_NAMES.join(', ')} (${this.config.jobs.concurrency} at a time per queue, prefix ${this.prefix}).`,
    );
  }

  /** Graceful: each worker finishes the jobs it holds before closing. */
  async stop(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.close()));
  }

  /** Before the database closes: let the running jobs finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((q) => q.close()));
  }

  /**
   * The state is read before the job's fields: a job that finishes between the two reads then
   * shows its last try as still running, never as finished with the counts of the try before
   * (a failed job with 7 of its 8 tries, or no finish time).
   */
  private async view(queue: QueueName, jobId: string): Promise<JobView | undefined> {
    const state = await this.queue(queue).getJobState(jobId);
    if (state === 'unknown') return undefined;
    const job = (await this.queue(queue).getJob(jobId)) as BullJob | undefined;
    return job ? toView(queue, job, state) : undefined;
  }
}

function toView(queue: QueueName, job: BullJob, state: string): JobView {
  const progress = job.progress as { done?: unknown; total?: unknown } | number | undefined;
  return {
    id: publicId(queue, job.id!),
    name: job.name,
    queue,
    state: toState(state),
    key: job.data.key,
    payload: job.data.payload,
    progress:
      progress &&
      typeof progress === 'object' &&
      typeof progress.done === 'number' &&
      typeof progress.total === 'number'
        ? { done: progress.done, total: progress.total }
        : null,
    attemptsMade: job.attemptsMade,
    error: job.failedReason || null,
    createdAt: new Date(job.timestamp),
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
  };
}

function toState(state: string): JobState {
  if (state === 'active' || state === 'completed' || state === 'failed' || state === 'delayed') return state;
  return 'waiting';
}
