import { Injectable } from '@nestjs/common';
import type { JobHandler, JobName } from './jobs';

/**
 * The method that does each job, by job name: features mark it `@HandlesJob(name)` and
 * JobHandlerDiscovery registers it here at start-up. Both drivers look handlers up here, so a job
 * runs the same code in Redis mode and in-process.
 */
@Injectable()
export class JobHandlers {
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    if (this.handlers.has(name)) throw new Error(`A handler for job "${name}" is already registered.`);
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  get<N extends JobName>(name: N): JobHandler<N> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler is registered for job "${name}".`);
    return handler as unknown as JobHandler<N>;
  }
}
