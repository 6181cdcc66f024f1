import type { DataImport } from './import.entity';
import type { ImportProgress } from './imports.service';

export interface ProgressView {
  phase: 'checking' | 'committing';
  done: number;
  total: number | null;
  percent: number | null;
  rowsPerSecond: number | null;
  secondsLeft: number | null;
}

/** Rows done of total, the rate and the time left, from where a running pass is. */
export function progressView(progress: ImportProgress | null, now = Date.now()): ProgressView | null {
  if (!progress) return null;
  const seconds = (now - progress.startedAt) / 1000;
  const rate = seconds > 0.5 && progress.done > 0 ? progress.done / seconds : null;
  const total = progress.total && progress.total > 0 ? progress.total : null;
  return {
    phase: progress.phase,
    done: progress.done,
    total,
    percent: total ? Math.min(100, Math.floor((progress.done / total) * 100)) : null,
    rowsPerSecond: rate ? Math.round(rate) : null,
    secondsLeft: rate && total ? Math.max(0, Math.ceil((total - progress.done) / rate)) : null,
  };
}

/** The API's answer for an import: its state, the dry run's counts and first problems, and where a pass is. */
export function importView(found: DataImport, progress: ImportProgress | null) {
  return {
    id: found.id,
    kind: found.kind,
    state: found.state,
    fileName: found.fileName,
    sha256: found.sha256,
    sizeBytes: found.sizeBytes,
    rows: found.rows,
    counts: found.counts,
    errors: found.errors.map((e) => ({ line: e.line, column: e.column, message: e.message })),
    errorCount: found.errorCount,
    conflicts: found.errors
      .filter((e) => e.conflict)
      .map((e) => ({ line: e.line, column: e.column, message: e.message })),
    conflictCount: found.conflictCount,
    reading: found.reading,
    needsMapping: !!found.reading && (found.reading.unmatched.length > 0 || found.reading.missing.length > 0),
    failure: found.failure,
    options: found.options,
    progress: progressView(progress),
    createdAt: found.createdAt,
    committedAt: found.committedAt,
    links: {
      self: `/api/v1/imports/${found.id}`,
      rejectedCsv: found.counts.rejected > 0 ? `/api/v1/imports/${found.id}/rejected.csv` : null,
    },
  };
}
