import type { FormErrors } from '../../common/http/form-post';
import { IMPORT_FIELDS } from './import-columns';
import { IMPORT_KINDS, type DataImport, type ImportKind, type ImportMapping } from './import.entity';
import type { ImportProgress } from './imports.service';
import { importView } from './imports.views';

/** What each kind of file holds, in the admin's words. */
export const KIND_LABELS: Record<ImportKind, string> = {
  people: 'People (staff and peers)',
  attestations: 'Lived-experience attestations',
  credentials: 'Credentials held',
  completions: 'Training completions',
  supervision: 'Supervision hours',
  ce: 'Continuing education hours',
};

const DELIMITERS: Record<string, string> = {
  ',': 'comma (,)',
  ';': 'semicolon (;)',
  '\t': 'tab',
  '|': 'vertical bar (|)',
};

/** The mapping step's answer for a column the admin chose to leave out. */
export const IGNORE_COLUMN = '__ignore';

const STATE_BADGES: Record<string, string> = {
  checking: 'grace',
  committing: 'grace',
  checked: '',
  committed: 'current',
  failed: 'expired',
};

/** The upload form and the past imports. */
export function importListModel(
  imports: DataImport[],
  mappings: ImportMapping[],
  errors: FormErrors = {},
  draft: Record<string, unknown> = {},
) {
  return {
    title: 'Imports',
    errors,
    draft,
    kinds: IMPORT_KINDS.map((value) => ({ value, label: KIND_LABELS[value], selected: draft.kind === value })),
    mappings: mappings.map((m) => ({
      label: `${m.name} (${KIND_LABELS[m.kind]})`,
      value: JSON.stringify(m.mapping),
      selected: draft.mapping === JSON.stringify(m.mapping),
    })),
    imports: imports.map((i) => ({
      id: i.id,
      createdAt: i.createdAt,
      fileName: i.fileName,
      kindLabel: KIND_LABELS[i.kind],
      state: i.state,
      badge: STATE_BADGES[i.state],
      rows: i.rows,
      counts: i.counts,
    })),
  };
}

/** One import, shaped for the step its state is at. */
export function importPageModel(found: DataImport, progress: ImportProgress | null, errors: FormErrors = {}) {
  const view = importView(found, progress);
  const running = found.state === 'checking' || found.state === 'committing';
  const rejected = found.errors
    .filter((e) => !e.conflict)
    .map((e) => ({ line: e.line, column: e.column, message: e.message }));
  const fields = IMPORT_FIELDS[found.kind];
  const labelOf = (field: string | null) => fields.find((f) => f.field === field)?.label ?? field;
  const reading = view.reading;
  const step = running
    ? 'running'
    : found.state === 'checked' && view.needsMapping
      ? 'mapping'
      : found.state === 'checked'
        ? 'preview'
        : found.state;
  return {
    title: `Import: ${found.fileName}`,
    imp: view,
    kindLabel: KIND_LABELS[found.kind],
    badge: STATE_BADGES[found.state],
    running,
    step,
    errors,
    percent: view.progress?.percent ?? 0,
    // For the shared progress partial (views/partials/job-progress.hbs).
    progressUrl: `/api/v1/imports/${found.id}`,
    progressWhat: found.state === 'committing' ? 'rows written' : 'rows checked',
    delimiterLabel: reading?.delimiter ? (DELIMITERS[reading.delimiter] ?? `"${reading.delimiter}"`) : null,
    unmatched: (reading?.unmatched ?? []).map((header) => ({
      header,
      options: fields.map((f) => ({ value: f.field, label: f.label })),
    })),
    ignoreValue: IGNORE_COLUMN,
    missing: (reading?.missing ?? []).map(labelOf),
    matched: Object.entries(reading?.columns ?? {}).map(([header, field]) => ({
      header,
      label: field === null ? null : labelOf(field),
    })),
    rejected,
    moreRejected: Math.max(0, view.errorCount - view.conflictCount - rejected.length),
    moreConflicts: Math.max(0, view.conflictCount - view.conflicts.length),
    canCommit: found.state === 'checked' && !view.needsMapping && !found.failure && (found.rows ?? 0) > 0,
  };
}
