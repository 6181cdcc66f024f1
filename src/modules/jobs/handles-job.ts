import { SetMetadata } from '@nestjs/common';
import type { JobContext, JobName, JobPayloads } from './jobs';

/** The metadata key under which a method names the job it handles. */
export const HANDLES_JOB = 'jobs:handles';

/**
 * Marks a provider's method as the handler of one job: `@HandlesJob('certificate.issue')`. At start-up
 * JobHandlerDiscovery finds every marked method and registers it, so both drivers run it. The method
 * takes the job's payload (and its context, if it wants progress or the try number); two methods for
 * one job stop the start.
 */
export function HandlesJob<N extends JobName>(name: N) {
  return <M extends (payload: JobPayloads[N], context: JobContext) => Promise<unknown>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    SetMetadata(HANDLES_JOB, name)(target, key, descriptor);
  };
}
