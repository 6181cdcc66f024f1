import { Injectable } from '@nestjs/common';
import { isRemovable, JobsAdminService } from './jobs-admin.service';
import { QUEUE_NAMES } from './jobs';

const NOTICES: Record<string, string | undefined> = {
  retry: 'The job is queued again.',
  remove: 'The job is removed.',
  promote: 'The job runs now.',
};
const STATES = ['waiting', 'delayed', 'active', 'completed', 'failed'];

/** The admin jobs page's model: the overview with its filters as select options. */
@Injectable()
export class JobsAdminViews {
  constructor(private readonly jobs: JobsAdminService) {}

  async page(filter: { queue?: string; state?: string }, notice: string | undefined) {
    const overview = await this.jobs.overview({ ...filter, limit: 25 });
    return {
      title: 'Jobs',
      wide: true,
      ...overview,
      jobs: overview.jobs.map((job) => ({ ...job, removable: isRemovable(job.state) })),
      notice: NOTICES[notice ?? ''],
      queues: QUEUE_NAMES.map((q) => ({ value: q, selected: q === overview.filter.queue })),
      states: STATES.map((s) => ({ value: s, selected: s === overview.filter.state })),
    };
  }
}
