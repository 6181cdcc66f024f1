import { Injectable, Logger } from '@nestjs/common';
import { JobHandlers } from './job-handlers';
import type { JobContext, JobName, JobPayloads } from './jobs';

/**
 * Both drivers run a job through here. It does not take SQLite's write lock: a job can run for
 * minutes (hundreds of certificate PDFs) and every web form post would wait behind it. Each
 * handler takes the lock itself around its own writes, as briefly as it can.
 */
@Injectable()
export class JobExecutor {
  private readonly logger = new Logger('Jobs');

  constructor(private readonly handlers: JobHandlers) {}

  async execute<N extends JobName>(name: N, payload: JobPayloads[N], context: JobContext): Promise<void> {
    const handler = this.handlers.get(name);
    const started = Date.now();
    try {
      await handler(payload, context);
      this.logger.debug(`${name} ${context.id} done in ${Date.now() - started} ms (try ${context.attempt})`);
    } catch (error) {
      this.logger.warn(`${name} ${context.id} failed on try ${context.attempt}: ${errorText(error)}`);
      throw error;
    }
  }
}

export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 2000);
}

/** Wait before retry number `retry` (1 = the first retry): backoff, doubled each time. */
export function backoffDelay(backoffMs: number, retry: number): number {
  return backoffMs * 2 ** (retry - 1);
}
