import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HandlesJob } from '../jobs/handles-job';
import type { JobPayloads } from '../jobs/jobs';
import { Certificate } from './certificate.entity';
import { CertificateStorage } from './certificate-storage';

/** A stored file younger than this may belong to a certificate whose row has not committed yet. */
const ORPHAN_MIN_AGE_MS = 86_400_000;

export interface FileSweepResult {
  /** Keys of the files removed (or, in a dry run, that would be). */
  orphans: string[];
  /** Files kept: referenced by a certificate, or too young to tell. */
  kept: number;
}

/**
 * Issued PDFs no certificate refers to ('maintenance.file-sweep', daily; `npm run cli -- files:sweep --dry-run`
 * shows what it would remove). A PDF is stored before its row is written, so a transaction rolled back or a
 * process killed in between leaves a file behind; once it is a day old, nothing can still claim it. Superseded
 * and revoked certificates keep their files: they are the record of what was issued.
 */
@Injectable()
export class CertificateFileSweep {
  private readonly logger = new Logger('FileSweep');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: CertificateStorage,
  ) {}

  @HandlesJob('maintenance.file-sweep')
  async handleFileSweep(_payload: JobPayloads['maintenance.file-sweep']): Promise<void> {
    const result = await this.sweep();
    this.logger.log(
      `File sweep: ${result.orphans.length} certificate file(s) no certificate refers to removed${result.orphans.length ? ` (${result.orphans.join(', ')})` : ''}; ${result.kept} kept.`,
    );
  }

  async sweep(options: { dryRun?: boolean; now?: Date } = {}): Promise<FileSweepResult> {
    const now = options.now ?? new Date();
    const rows = await this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .select('DISTINCT c.storage_key', 'key')
      .getRawMany<{ key: string }>();
    const referenced = new Set(rows.map((r) => r.key));
    const result: FileSweepResult = { orphans: [], kept: 0 };
    for await (const file of this.storage.list()) {
      if (referenced.has(file.key) || now.getTime() - file.storedAt.getTime() < ORPHAN_MIN_AGE_MS) {
        result.kept++;
        continue;
      }
      result.orphans.push(file.key);
      if (!options.dryRun) await this.storage.remove(file.key);
    }
    return result;
  }
}
