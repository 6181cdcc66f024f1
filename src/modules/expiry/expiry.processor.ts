import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { HandlesJob } from '../jobs/handles-job';
import type { JobContext, JobPayloads } from '../jobs/jobs';
import { ExpiryScanService } from './expiry-scan.service';
import { SupervisorDigestService } from './supervisor-digest.service';

/** The scheduled maintenance jobs: a job without a date runs as of today in the program's time zone. */
@Injectable()
export class ExpiryProcessor {
  constructor(
    private readonly scan: ExpiryScanService,
    private readonly digest: SupervisorDigestService,
    private readonly config: AppConfig,
  ) {}

  @HandlesJob('maintenance.expiry-scan')
  async handleExpiryScan({ date }: JobPayloads['maintenance.expiry-scan'], context: JobContext): Promise<void> {
    await this.scan.run(date ?? this.config.today(), context);
  }

  @HandlesJob('maintenance.supervisor-digest')
  async handleSupervisorDigest({ date }: JobPayloads['maintenance.supervisor-digest']): Promise<void> {
    await this.digest.run(date ?? this.config.today());
  }
}
