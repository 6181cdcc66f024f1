import { Injectable } from '@nestjs/common';
import { JobQueue } from '../jobs/jobs';
import { CertificateRequests } from '../training/certificate-requests';

/** Completing a cohort asks for its awards' certificates: one 'certificate.issue' job per credential, de-duplicated by credential. */
@Injectable()
export class JobCertificateRequests extends CertificateRequests {
  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async requestFor(credentialIds: string[]): Promise<void> {
    for (const credentialId of credentialIds)
      await this.jobs.add('certificate.issue', { credentialId }, { key: `certificate.issue:${credentialId}` });
  }
}
