import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';
import { CertificatesService } from '../modules/certificates/certificates.service';

@Command({
  name: 'certificates:issue-missing',
  description:
    'make the certificate of every program-issued credential that has none (e.g. awarded before certificates existed)',
})
export class CertificatesIssueMissingCommand extends CommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly certificates: CertificatesService,
  ) {
    super();
  }

  async run(): Promise<void> {
    await this.dataSource.runMigrations({ transaction: 'each' });
    const missing = await this.certificates.findMissing();
    let made = 0;
    // Here, not through the queue: this process is the worker, and it should not exit with jobs half done.
    for (const credentialId of missing) if (await this.certificates.issue(credentialId, null)) made++;
    console.log(
      `Certificates: ${made} made, ${missing.length - made} skipped (${missing.length} credentials had none).`,
    );
  }
}
