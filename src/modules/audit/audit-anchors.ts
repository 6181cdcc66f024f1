import { Inject, Injectable } from '@nestjs/common';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppConfig } from '../../config/app-config';

/** The audit log's newest entry as it stood at a moment: what a later walk of the chain must still reach. */
export interface AuditAnchor {
  sequence: number;
  hash: string;
  at: string;
}

/**
 * The audit log's head written down outside the database: one JSON line per day appended to
 * `$DATA_DIR/audit-anchors.log` (and copied into every backup's manifest). The hash chain shows an entry edited
 * or removed in the middle; only a record kept elsewhere shows the newest entries removed, since a chain cut
 * short is still a valid chain. The file is only ever appended to.
 */
@Injectable()
export class AuditAnchors {
  readonly file: string;

  constructor(@Inject(AppConfig) config: Pick<AppConfig, 'dataDir'>) {
    this.file = join(config.dataDir, 'audit-anchors.log');
  }

  /** Appends the head unless the last anchor already says the same; returns what the file now ends with. */
  async append(head: { sequence: number; hash: string } | null, at = new Date()): Promise<AuditAnchor | null> {
    const last = await this.last();
    if (!head || (last && last.sequence === head.sequence && last.hash === head.hash)) return last;
    const anchor = { sequence: head.sequence, hash: head.hash, at: at.toISOString() };
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
    return anchor;
  }

  /** The newest anchor that reads as one (a line cut short by a crash is skipped); null when none was written. */
  async last(): Promise<AuditAnchor | null> {
    const text = await readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const a = JSON.parse(lines[i]) as AuditAnchor;
        if (Number.isInteger(a.sequence) && typeof a.hash === 'string') return a;
      } catch {
        // Not a whole line: keep looking back.
      }
    }
    return null;
  }
}
