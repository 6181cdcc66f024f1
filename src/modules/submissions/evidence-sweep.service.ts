import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { systemActor } from '../../common/auth/actor';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { HandlesJob } from '../jobs/handles-job';
import type { JobPayloads } from '../jobs/jobs';
import { EvidenceStorage } from './evidence/evidence-storage';
import { Submission } from './submission.entity';

/** An unreferenced file younger than this may belong to an upload whose submission row has not committed yet. */
const ORPHAN_MIN_AGE_MS = 86_400_000;

export interface EvidenceSweepResult {
  /** Submissions whose files were let go. */
  expired: number;
  /** Files removed from the store. */
  deleted: number;
  /** Files of expired submissions kept because a live submission holds the same bytes. */
  shared: number;
}

const CLOSED_WITHOUT_RECORD: ReadonlyArray<Submission['state']> = ['returned', 'withdrawn'];

/**
 * Retention of evidence ('maintenance.evidence-sweep', daily). A returned or withdrawn submission keeps its files
 * SUBMISSION_EVIDENCE_DAYS after it closed; then the row (and its history) stays with its files marked deleted.
 * An approved submission's files are never touched: they are the evidence of the credential's record. Files in
 * the store that no submission refers to (a crash between storing and committing) go once they are a day old.
 */
@Injectable()
export class EvidenceSweepService {
  private readonly logger = new Logger('EvidenceSweep');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly storage: EvidenceStorage,
  ) {}

  @HandlesJob('maintenance.evidence-sweep')
  async handleEvidenceSweep(_payload: JobPayloads['maintenance.evidence-sweep']): Promise<void> {
    const result = await this.sweep();
    this.logger.log(
      `Evidence sweep: ${result.expired} submission(s) past retention, ${result.deleted} file(s) deleted, ${result.shared} kept for a live submission.`,
    );
  }

  /** `now` is the clock the ages are measured against (tests move it forward). */
  async sweep(now = new Date()): Promise<EvidenceSweepResult> {
    const cutoff = now.getTime() - this.config.submissionEvidenceDays * 86_400_000;
    const all = await this.dataSource.getRepository(Submission).find({
      select: { id: true, personId: true, state: true, files: true, reviewedAt: true, updatedAt: true },
    });
    const withFiles = all.filter((s) => s.files.length > 0);
    const expired = withFiles.filter(
      (s) => CLOSED_WITHOUT_RECORD.includes(s.state) && (s.reviewedAt ?? s.updatedAt).getTime() < cutoff,
    );
    const expiredIds = new Set(expired.map((s) => s.id));
    // Every key a submission still holds: waiting, approved, or closed within the retention time.
    const live = new Set(withFiles.filter((s) => !expiredIds.has(s.id)).flatMap((s) => s.files.map((f) => f.key)));
    let shared = 0;
    for (const submission of expired) {
      const keys = submission.files.map((f) => f.key);
      const kept = keys.filter((k) => live.has(k));
      shared += kept.length;
      await this.dataSource.transaction(async (tx) => {
        // Only if it is still closed as read: nothing reopens a submission today, but the row says so, not us.
        const changed = await tx
          .getRepository(Submission)
          .update({ id: submission.id, state: In([...CLOSED_WITHOUT_RECORD]) }, { files: [] });
        if (!changed.affected) return;
        await this.audit.record(tx, systemActor('evidence sweep'), {
          action: 'submission.evidence_deleted',
          entityType: 'person',
          entityId: submission.personId,
          before: { submissionId: submission.id, files: submission.files.map((f) => ({ key: f.key, name: f.name })) },
          after: { submissionId: submission.id, state: submission.state, keptForAnotherSubmission: kept },
        });
      });
    }
    // The expired submissions' own files are now unreferenced too, so one pass over the store removes both.
    let deleted = 0;
    for await (const key of this.storage.keys()) {
      if (live.has(key)) continue;
      const storedAt = await this.storage.storedAt(key);
      if (!storedAt || now.getTime() - storedAt.getTime() < ORPHAN_MIN_AGE_MS) continue;
      await this.storage.delete(key);
      deleted++;
    }
    return { expired: expired.length, deleted, shared };
  }
}
