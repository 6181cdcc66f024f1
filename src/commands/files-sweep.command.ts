import { Command, CommandRunner, Option } from 'nest-commander';
import { CertificateFileSweep } from '../modules/certificates/certificate-file-sweep';

@Command({
  name: 'files:sweep',
  description:
    'remove issued PDFs no certificate refers to (a day old or more); --dry-run lists them and removes nothing',
})
export class FilesSweepCommand extends CommandRunner {
  constructor(private readonly sweep: CertificateFileSweep) {
    super();
  }

  @Option({ flags: '--dry-run', description: 'only list what would be removed' })
  parseDryRun(): boolean {
    return true;
  }

  async run(_params: string[], options: { dryRun?: boolean }): Promise<void> {
    const result = await this.sweep.sweep({ dryRun: options.dryRun });
    const verb = options.dryRun ? 'Would remove' : 'Removed';
    console.log(`${verb} ${result.orphans.length} certificate file(s) no certificate refers to; ${result.kept} kept.`);
    for (const key of result.orphans) console.log(`  ${key}`);
  }
}
