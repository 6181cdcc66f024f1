import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ColumnPlan } from './import-columns';
import type { PassResult } from './import-run';
import type { ImportTable } from './import-table';
import type { DateFormatWatch } from './import-values';
import type { DataImport } from './import.entity';

/** What a pass found, as the import's record keeps it. */
export function resultFields(result: PassResult): Partial<DataImport> {
  return {
    rows: result.rows,
    rowsDone: result.rows,
    counts: result.counts,
    errors: result.errors,
    errorCount: result.errorCount,
    conflictCount: result.conflictCount,
  };
}

/** How the file was read and its columns matched, for the preview. */
export function readingOf(table: ImportTable, plan: ColumnPlan, dates: DateFormatWatch) {
  return {
    format: table.format,
    encoding: table.encoding,
    delimiter: table.delimiter,
    sheet: table.sheet,
    sheets: table.sheets,
    dateFormat: dates.description(),
    columns: plan.columns,
    unmatched: plan.unmatched,
    missing: plan.missing,
  };
}

/** Why the rows cannot be checked yet: columns to map or ignore, fields no column gives. */
export function mappingFailure(plan: ColumnPlan): string {
  const parts: string[] = [];
  if (plan.unmatched.length)
    parts.push(
      `map or ignore ${plan.unmatched.length === 1 ? 'the column' : 'the columns'} ${plan.unmatched.map((h) => `"${h}"`).join(', ')}`,
    );
  if (plan.missing.length) parts.push(`give a column for ${plan.missing.join(', ')}`);
  if (plan.badMapping.length) parts.push(`fix the mapping ${plan.badMapping.join(', ')}`);
  return `Before the rows can be checked: ${parts.join('; ')}.`;
}

export async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
