import { Injectable } from '@nestjs/common';
import { CertificateAddresses } from '../certificates/certificate-addresses.service';
import { JobQueue } from '../jobs/jobs';
import { SubmissionsService } from '../submissions/submissions.service';

/**
 * The admin home's "Needs attention": each item a count and the page that deals with it, and only the items that
 * are not zero (the template says "nothing" when none is left). Lapsed people come from the home's own credential
 * rows, which the caller already has.
 */
@Injectable()
export class AdminHomeViews {
  constructor(
    private readonly queue: JobQueue,
    private readonly addresses: CertificateAddresses,
    private readonly submissions: SubmissionsService,
  ) {}

  async build(lapsed: ReadonlyArray<{ personId: string }>) {
    const [counts, local, waiting] = await Promise.all([
      this.queue.counts(),
      this.addresses.localSummary(),
      this.submissions.waitingCount(),
    ]);
    const failedJobs = Object.values(counts).reduce((sum, c) => sum + c.failed, 0);
    const items = [
      {
        key: 'lapsed',
        count: new Set(lapsed.map((r) => r.personId)).size,
        href: '#lapsed-h',
        one: 'person has a lapsed or expired credential',
        many: 'people have a lapsed or expired credential',
      },
      {
        key: 'failed-jobs',
        count: failedJobs,
        href: '/admin/jobs?state=failed',
        one: 'job failed',
        many: 'jobs failed',
      },
      {
        key: 'local-certificates',
        count: local.total,
        href: '/certificates#local-address-heading',
        one: 'certificate points at a local address',
        many: 'certificates point at a local address',
      },
      {
        key: 'pending-reviews',
        count: waiting,
        href: '/admin/submissions',
        one: 'submission waits for review',
        many: 'submissions wait for review',
      },
    ];
    return { attention: items.filter((i) => i.count > 0) };
  }
}
