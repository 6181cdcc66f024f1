/**
 * What the spreadsheet reader hands the import: a header and a stream of rows, the same shape whether the
 * file was a CSV or an XLSX, so the checks that follow never care which it was.
 */

/** A date cell of a workbook is a calendar date; CSV cells are always strings. */
export type ImportCell = string | number | boolean | { date: string /* YYYY-MM-DD */ } | null;

export interface ImportRow {
  /** 1-based line (CSV) or sheet row number (XLSX) where the record starts, for error messages. */
  line: number;
  cells: ImportCell[];
}

export interface ImportTable {
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'utf-8-bom' | null;
  delimiter: ',' | ';' | '\t' | null;
  sheet: string | null;
  sheets: string[];
  /** Header cells, trimmed, BOM removed. */
  header: string[];
  headerLine: number;
  /**
   * The records under the header, blank rows left out. Each iteration reads the file again from disk, so a dry
   * run and a commit can both walk it without holding it in memory. Errors found while reading (a line that is
   * not UTF-8, too many rows or columns) are thrown from the iterator as `ImportFileError`.
   */
  rows: AsyncIterable<ImportRow>;
}

export interface ImportLimits {
  /** Size of the uploaded file. */
  maxBytes: number;
  /** Records under the header. */
  maxRows: number;
  /** Cells in any one record. */
  maxColumns: number;
  /** Characters in any one cell. */
  maxCellChars: number;
  /** What an XLSX inflates to, all its entries together: the bound on a zip bomb. */
  maxExpandedBytes: number;
}

const MiB = 1024 * 1024;

export const IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxBytes: 25 * MiB,
  maxRows: 100_000,
  maxColumns: 100,
  maxCellChars: 10_000,
  maxExpandedBytes: 200 * MiB,
});

/** A file the import cannot read at all; the message is a sentence for the program admin who uploaded it. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** "25 MB", "512 KB", "900 bytes": limits are round numbers of MiB in practice, smaller ones in tests. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${Number((bytes / MiB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A row whose every cell is empty or only spaces: spreadsheets leave these between blocks of records. */
export function isBlankRow(cells: readonly ImportCell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

/**
 * The checks both readers make on every record, header included. `where` is "Line 7" for a CSV, "Row 7" for a
 * sheet, so the admin can find it in the program they opened the file with.
 */
export function checkRecordSize(cells: readonly ImportCell[], where: string, limits: ImportLimits): void {
  if (cells.length > limits.maxColumns) {
    throw new ImportFileError(
      `${where} has ${formatCount(cells.length)} columns; at most ${formatCount(limits.maxColumns)} are read.`,
    );
  }
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (typeof cell === 'string' && cell.length > limits.maxCellChars) {
      throw new ImportFileError(
        `${where}, column ${i + 1} holds ${formatCount(cell.length)} characters; a cell may hold at most ` +
          `${formatCount(limits.maxCellChars)}.`,
      );
    }
  }
}

/** Header cells as the mapping step matches them: text, trimmed, with no byte order mark left in. */
export function headerText(cell: ImportCell): string {
  let text: string;
  if (cell === null) text = '';
  else if (typeof cell === 'object') text = cell.date;
  else text = String(cell);
  return text.replace(/\uFEFF/g, '').trim();
}
