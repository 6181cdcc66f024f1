import type { AuditAnchor } from '../audit/audit-anchors';

export const BACKUP_FORMAT = 'peer-support-lms-backup/1';

/**
 * What a backup holds, under `$DATA_DIR`: the issued PDFs, evidence files, director's signatures, signing keys,
 * the development session secret and the audit anchors. Not the uploaded spreadsheets (kept a week, then swept)
 * nor the development mail folder.
 */
export const DATA_FILES = [
  'certificates',
  'evidence',
  'signatures',
  'signing-keys',
  'session-secret',
  'audit-anchors.log',
];

export interface ManifestFile {
  /** Relative to the backup's folder. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  engine: 'sqlite' | 'postgres';
  database: ManifestFile;
  /** Paths under `files/`, each as it sits under `$DATA_DIR`. */
  files: ManifestFile[];
  rowCounts: Record<string, number>;
  audit: { head: { sequence: number; hash: string } | null; lastAnchor: AuditAnchor | null };
}
