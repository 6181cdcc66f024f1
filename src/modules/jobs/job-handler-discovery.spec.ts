import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { HandlesJob } from './handles-job';
import { JobHandlerDiscovery } from './job-handler-discovery';
import { JobHandlers } from './job-handlers';
import type { JobContext, JobPayloads } from './jobs';

const context: JobContext = { id: 'job-1', attempt: 1, progress: async () => undefined };

@Injectable()
class IssueWork {
  readonly seen: string[] = [];

  @HandlesJob('certificate.issue')
  async issue({ credentialId }: JobPayloads['certificate.issue'], job: JobContext): Promise<void> {
    // `this` is the provider: the handler is the method, not a detached copy.
    this.seen.push(`${credentialId} in ${job.id}`);
  }

  undecorated(): string {
    return 'not a job';
  }
}

@Injectable()
class SecondIssueWork {
  @HandlesJob('certificate.issue')
  async issueAgain(): Promise<void> {}
}

@Injectable()
class WrongPayload {
  // @ts-expect-error the payload of 'notification.deliver' has no credentialId
  @HandlesJob('notification.deliver')
  async deliver({ credentialId }: JobPayloads['certificate.issue']): Promise<void> {
    void credentialId;
  }
}
void WrongPayload;

/** A feature module, as the application's are: its providers are found wherever they are declared. */
@Module({ providers: [IssueWork] })
class FeatureModule {}

@Module({ providers: [SecondIssueWork] })
class OtherFeatureModule {}

const app = (...imports: Array<typeof FeatureModule>) =>
  Test.createTestingModule({ imports: [DiscoveryModule, ...imports], providers: [JobHandlers, JobHandlerDiscovery] })
    .compile()
    .then((m) => m.init());

describe('job handler discovery', () => {
  it('registers a method marked @HandlesJob at start-up, bound to its provider', async () => {
    const ctx = await app(FeatureModule);
    const handlers = ctx.get(JobHandlers);
    await handlers.get('certificate.issue')({ credentialId: 'c1' }, context);
    expect(ctx.get(IssueWork, { strict: false }).seen).toEqual(['c1 in job-1']);
    // Nothing else was marked, so nothing else is handled.
    expect(() => handlers.get('notification.deliver')).toThrow(
      'No handler is registered for job "notification.deliver"',
    );
    await ctx.close();
  });

  it('refuses to start with two handlers for one job, naming both', async () => {
    await expect(app(FeatureModule, OtherFeatureModule)).rejects.toThrow(
      'Two handlers for job "certificate.issue": IssueWork.issue and SecondIssueWork.issueAgain.',
    );
  });
});
