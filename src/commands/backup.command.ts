import { Command, CommandRunner, Option } from 'nest-commander';
import { resolve } from 'node:path';
import { BackupService } from '../modules/backup/backup.service';

@Command({
  name: 'backup',
  description: 'write a consistent, dated backup (database, stored files, signing keys, manifest) into a folder',
})
export class BackupCommand extends CommandRunner {
  constructor(private readonly backups: BackupService) {
    super();
  }

  @Option({
    flags: '--to <folder>',
    description: 'where the dated backup folder goes, e.g. /srv/backups',
    required: true,
  })
  parseTo(value: string): string {
    if (!value.trim()) throw new Error('--to must name a folder, e.g. --to /srv/backups');
    return resolve(value.trim());
  }

  async run(_params: string[], options: { to: string }): Promise<void> {
    const { dir, manifest } = await this.backups.backup(options.to);
    const rows = Object.values(manifest.rowCounts).reduce((a, b) => a + b, 0);
    console.log(`Backup written to ${dir}`);
    console.log(`  database: ${manifest.engine}, ${rows} rows in ${Object.keys(manifest.rowCounts).length} tables`);
    console.log(`  files: ${manifest.files.length}`);
    console.log(
      `  audit log head: ${manifest.audit.head ? `entry ${manifest.audit.head.sequence}, ${manifest.audit.head.hash}` : 'empty'}`,
    );
  }
}
