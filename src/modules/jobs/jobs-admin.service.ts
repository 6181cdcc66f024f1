import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import {
  JOB_STATES,
  JobQueue,
  KEEP_COMPLETED_MS,
  JobRunner,
  QUEUE_NAMES,
  type JobState,
  type JobView,
  type QueueName,
} from './jobs';

export type JobAction = 'retry' | 'remove' | 'promote';

/**
 * A running job cannot be removed, and neither can a completed one: it holds its de-duplication key, so removing it
 * would let the same work (a certificate drawn, a reminder sent) be queued and done again. It goes by itself after
 * KEEP_COMPLETED_MS. Waiting, delayed and failed jobs can be removed.
 */
export function isRemovable(state: JobState): boolean {
  return state !== 'active' && state !== 'completed';
}

/** What the admin jobs page and /api/v1/jobs show and do, in either mode; every action is audited. */
@Injectable()
export class JobsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly runner: JobRunner,
    private readonly audit: AuditService,
  ) {}

  async overview(filter: { queue?: string; state?: string; limit?: number } = {}) {
    const queue = this.parseQueue(filter.queue);
    const state = this.parseState(filter.state);
    const [counts, jobs, failures] = await Promise.all([
      this.queue.counts(),
      this.queue.list({ queue, state, limit: filter.limit ?? 50 }),
      this.queue.list({ state: 'failed', limit: 20 }),
    ]);
    return {
      mode: this.runner.mode,
      counts: QUEUE_NAMES.map((name) => ({ queue: name, ...counts[name] })),
      jobs,
      failures,
      filter: { queue, state },
    };
  }

  async get(id: string): Promise<JobView> {
    const job = await this.queue.get(id);
    if (!job) throw new NotFoundException({ statusCode: 404, message: 'There is no job with that id.', errors: [] });
    return job;
  }

  async act(id: string, action: JobAction, actor: Actor): Promise<JobView | { id: string; removed: true }> {
    const job = await this.get(id);
    if (action === 'remove' && job.state === 'completed')
      throw new BadRequestException({
        statusCode: 400,
        message:
          'A completed job cannot be removed: it keeps its de-duplication key so the same work is not done twice. ' +
          `It is cleared by itself ${KEEP_COMPLETED_MS / 86_400_000} days after it finished.`,
        errors: [{ field: 'state', message: 'is completed' }],
      });
    const done =
      action === 'retry'
        ? await this.queue.retry(id)
        : action === 'promote'
          ? await this.queue.promote(id)
          : await this.queue.remove(id);
    if (!done) {
      const why = {
        retry: 'Only a failed job can be retried.',
        promote: 'Only a delayed job can be run now.',
        remove: 'A running job cannot be removed.',
      }[action];
      throw new BadRequestException({
        statusCode: 400,
        message: `${why} This one is ${job.state}.`,
        errors: [{ field: 'state', message: `is ${job.state}` }],
      });
    }
    await this.dataSource.transaction((tx) =>
      this.audit.record(tx, actor, {
        action: `job.${action}`,
        entityType: 'job',
        entityId: id,
        before: { name: job.name, state: job.state, error: job.error },
      }),
    );
    return action === 'remove' ? { id, removed: true } : this.get(id);
  }

  private parseQueue(value: string | undefined): QueueName | undefined {
    if (value === undefined || value === '') return undefined;
    if (!QUEUE_NAMES.includes(value as QueueName))
      throw new BadRequestException({
        statusCode: 400,
        message: `queue must be one of ${QUEUE_NAMES.join(', ')}.`,
        errors: [{ field: 'queue', message: 'is not a queue' }],
      });
    return value as QueueName;
  }

  private parseState(value: string | undefined): JobState | undefined {
    if (value === undefined || value === '') return undefined;
    if (!JOB_STATES.includes(value as JobState))
      throw new BadRequestException({
        statusCode: 400,
        message: `state must be one of ${JOB_STATES.join(', ')}.`,
        errors: [{ field: 'state', message: 'is not a job state' }],
      });
    return value as JobState;
  }
}
