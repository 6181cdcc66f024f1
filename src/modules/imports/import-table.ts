export type ImportCell = string | number | boolean | { date: string } | null;
export interface ImportRow {
  line: number;
  cells: ImportCell[];
}
export interface ImportTable {
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'utf-8-bom' | null;
  delimiter: ',' | ';' | '\t' | null;
  sheet: string | null;
  sheets: string[];
  header: string[];
  headerLine: number;
  rows: AsyncIterable<ImportRow>;
}

/** A file that cannot be read as a table at all; the message is a sentence for the admin. */
export class ImportFileError extends Error {}
