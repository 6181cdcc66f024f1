import { Injectable, Logger } from '@nestjs/common';

/**
 * What training needs from certificates: "these credentials were just awarded; make their
 * certificates". Completing a cohort calls it after the awards commit. The certificates feature
 * provides the real implementation (a job per credential) by binding its own class to this token in
 * TrainingModule; until then awards are recorded and the request is logged, and every course
 * credential without a certificate can be found later (credentials with a cohort_id).
 */
export abstract class CertificateRequests {
  abstract requestFor(credentialIds: string[]): Promise<void>;
}

@Injectable()
export class LoggedCertificateRequests extends CertificateRequests {
  private readonly logger = new Logger('Certificates');

  async requestFor(credentialIds: string[]): Promise<void> {
    if (credentialIds.length) this.logger.log(`${credentialIds.length} credential(s) awarded; certificate generation is not built yet`);
  }
}
