import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const IMPORT_KINDS = ['people', 'attestations', 'credentials', 'completions', 'supervision', 'ce'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * checking → checked (the dry run's answer) → committing → committed. A dry run that cannot read the
 * file at all, or a refused column, ends `failed`; a commit that finds the data changed since the dry
 * run goes back to `checked` with the reason, having written nothing.
 */
export const IMPORT_STATES = ['checking', 'checked', 'committing', 'committed', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

export interface ImportCounts {
  new: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportRowError {
  line: number;
  /** The file's header of the column at fault, or null for the row as a whole. */
  column: string | null;
  message: string;
  /** A row that would overwrite a different, newer value: listed apart in the preview. */
  conflict?: boolean;
}

/** What the dry run found out about the file itself, shown above the counts. */
export interface ImportReading {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  sheets: string[];
  dateFormat: string | null;
  /** header → field name, or null for a column ignored. */
  columns: Record<string, string | null>;
  /** Headers neither matched nor mapped: the mapping step asks about them. */
  unmatched: string[];
  /** Fields the kind needs that no column gives. */
  missing: string[];
}

export interface ImportOptions {
  sendInvitations: boolean;
  drawCertificates: boolean;
  skipRejected: boolean;
}

/** One uploaded file, its dry run and, once committed, what it wrote. */
@Entity('imports')
export class DataImport {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: ImportKind;

  @Column({ type: 'varchar', length: 12 })
  state!: ImportState;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  sheet!: string | null;

  /** header → field, or null to ignore; what the admin chose on top of the automatic matching. */
  @Column({ type: 'simple-json' })
  mapping!: Record<string, string | null>;

  @Column({ type: 'simple-json' })
  options!: ImportOptions;

  @Column({ type: 'simple-json', nullable: true })
  reading!: ImportReading | null;

  @Column({ type: 'integer', default: 0 })
  rows!: number;

  @Column({ name: 'rows_done', type: 'integer', default: 0 })
  rowsDone!: number;

  @Column({ type: 'simple-json' })
  counts!: ImportCounts;

  /** The first 100 problems; the rejected-rows CSV has them all. */
  @Column({ type: 'simple-json' })
  errors!: ImportRowError[];

  @Column({ name: 'error_count', type: 'integer', default: 0 })
  errorCount!: number;

  @Column({ name: 'conflict_count', type: 'integer', default: 0 })
  conflictCount!: number;

  /** Why the whole file was refused, or why the commit did not happen. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  failure!: string | null;

  @Column({ name: 'created_by_id', type: 'uuid', nullable: true })
  createdById!: string | null;

  @Column({ name: 'started_at', type: Date, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'committed_at', type: Date, nullable: true })
  committedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}

/** A saved column mapping, offered again for the next file of the same kind. */
@Entity('import_mappings')
export class ImportMapping {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: ImportKind;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'simple-json' })
  mapping!: Record<string, string | null>;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
