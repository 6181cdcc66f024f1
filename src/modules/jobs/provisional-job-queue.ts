import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JobHandlers } from './job-handlers';
import { JOBS, JobQueue, type AddJobOptions, type JobName, type JobPayloads, type JobView } from './jobs';

/**
 * PROVISIONAL, replaced by the jobs issue (7): runs each job once, in this process, right after it
 * is added, and keeps its state in memory. Lets features be built against JobQueue meanwhile.
 */
@Injectable()
export class ProvisionalJobQueue extends JobQueue {
  private readonly logger = new Logger('Jobs');
  private readonly jobs = new Map<string, JobView>();
  private readonly byKey = new Map<string, string>();

  constructor(private readonly handlers: JobHandlers) {
    super();
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], options: AddJobOptions = {}): Promise<string> {
    const existing = options.key ? this.byKey.get(options.key) : undefined;
    if (existing) return existing;
    const id = randomUUID();
    const view: JobView = {
      id,
      name,
      queue: JOBS[name].queue,
      state: 'waiting',
      progress: null,
      attemptsMade: 0,
      error: null,
      createdAt: new Date(),
      finishedAt: null,
    };
    this.jobs.set(id, view);
    if (options.key) this.byKey.set(options.key, id);
    setImmediate(() => void this.run(view, payload));
    return id;
  }

  async get(id: string): Promise<JobView | undefined> {
    return this.jobs.get(id);
  }

  private async run<N extends JobName>(view: JobView, payload: JobPayloads[N]): Promise<void> {
    view.state = 'active';
    view.attemptsMade = 1;
    try {
      await this.handlers.get(view.name as N)(payload, {
        id: view.id,
        attempt: 1,
        progress: async (done, total) => {
          view.progress = { done, total };
        },
      });
      view.state = 'completed';
    } catch (error) {
      view.state = 'failed';
      view.error = error instanceof Error ? error.message : String(error);
      this.logger.error(`Job ${view.name} ${view.id} failed: ${view.error}`);
    } finally {
      view.finishedAt = new Date();
    }
  }
}
