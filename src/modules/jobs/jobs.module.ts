import { Global, Module } from '@nestjs/common';
import { JobHandlers } from './job-handlers';
import { JobQueue } from './jobs';
import { ProvisionalJobQueue } from './provisional-job-queue';

/**
 * Global: any feature injects JobQueue to add work and JobHandlers to register what it does.
 * PROVISIONAL: binds the in-memory queue until the jobs issue (7) lands its two real drivers.
 */
@Global()
@Module({
  providers: [JobHandlers, { provide: JobQueue, useClass: ProvisionalJobQueue }],
  exports: [JobHandlers, JobQueue],
})
export class JobsModule {}
