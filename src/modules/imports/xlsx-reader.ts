import ExcelJS from 'exceljs';
import { createReadStream } from 'node:fs';
import yauzl from 'yauzl';
import {
  checkRecordSize,
  formatBytes,
  ImportFileError,
  isBlankRow,
  type ImportCell,
  type ImportLimits,
  type ImportRow,
} from './import-table';

export interface WorkbookFacts {
  /** Sheet names in the workbook's tab order. */
  sheets: string[];
  /** The sheet read when none is chosen: the first one not hidden. */
  firstSheet: string | null;
  /** Serial dates count from 1904 (old Mac workbooks), which matters for formula results we convert ourselves. */
  date1904: boolean;
}

const NOT_A_WORKBOOK = 'save it from Excel as .xlsx, or as CSV (UTF-8), and upload that';
/** workbook.xml of a real workbook is a few KB; this bounds what we hold of it as text. */
const MAX_WORKBOOK_XML = 8 * 1024 * 1024;

/**
 * Checks the ZIP container before exceljs touches it, and lists its sheets. exceljs unzips as it streams and has
 * no bound on what an entry inflates to, so every entry is inflated here first with yauzl, which refuses an entry
 * that inflates past the size it declares; the declared and the real sizes both count against
 * `maxExpandedBytes`, and reading stops at the first byte over it. A zip bomb is therefore refused after at most
 * `maxExpandedBytes` of inflating, and an honest entry that declares too much before any.
 */
export async function inspectWorkbook(path: string, limits: ImportLimits): Promise<WorkbookFacts> {
  const tooBig = () =>
    new ImportFileError(
      `The workbook expands to more than ${formatBytes(limits.maxExpandedBytes)} when unpacked, which is more ` +
        'than is read: save the sheet as CSV (UTF-8) or split it into smaller workbooks.',
    );
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw new ImportFileError(`This file is not a readable Excel workbook (.xlsx): ${NOT_A_WORKBOOK}.`);
  }
  let declared = 0;
  let inflated = 0;
  let workbookXml: string | null = null;
  try {
    for await (const entry of zip.eachEntry()) {
      declared += entry.uncompressedSize;
      if (declared > limits.maxExpandedBytes) throw tooBig();
      if (entry.fileName.endsWith('/')) continue;
      const isWorkbook = entry.fileName === 'xl/workbook.xml';
      const chunks: Buffer[] = [];
      let kept = 0;
      const stream = await zip.openReadStreamPromise(entry);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        if (inflated > limits.maxExpandedBytes) {
          stream.destroy();
          throw tooBig();
        }
        if (isWorkbook && (kept += chunk.length) <= MAX_WORKBOOK_XML) chunks.push(chunk);
      }
      if (isWorkbook) workbookXml = Buffer.concat(chunks).toString('utf8');
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(
      `This workbook is damaged and cannot be read (${(error as Error).message}): ${NOT_A_WORKBOOK}.`,
    );
  } finally {
    zip.close();
  }
  if (workbookXml === null) {
    throw new ImportFileError(
      `This is a ZIP archive but not an Excel workbook (it has no xl/workbook.xml): ${NOT_A_WORKBOOK}.`,
    );
  }
  return workbookFacts(workbookXml);
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return XML_ENTITIES[name] ?? whole;
  });
}

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return match ? xmlText(match[1] ?? match[2]) : null;
}

/** The `<sheet>` and `<workbookPr>` elements are flat attribute lists, so a pattern reads them without an XML parser. */
export function workbookFacts(xml: string): WorkbookFacts {
  const sheets: string[] = [];
  let firstSheet: string | null = null;
  for (const [tag] of xml.matchAll(/<(?:\w+:)?sheet\s[^>]*>/g)) {
    const name = attribute(tag, 'name');
    if (name === null) continue;
    sheets.push(name);
    const state = attribute(tag, 'state');
    if (firstSheet === null && state !== 'hidden' && state !== 'veryHidden') firstSheet = name;
  }
  const pr = /<(?:\w+:)?workbookPr\s[^>]*>/.exec(xml)?.[0] ?? '';
  const date1904 = ['1', 'true'].includes(attribute(pr, 'date1904') ?? '');
  return { sheets, firstSheet: firstSheet ?? sheets[0] ?? null, date1904 };
}

/** As exceljs decides a number format shows a date: date letters outside quoted text and [colour] blocks. */
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhsb]/i.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** exceljs hands dates as UTC midnights (plus the time of day, if any): the calendar date is the UTC one. */
function dateCell(date: Date): ImportCell {
  return Number.isNaN(date.getTime()) ? null : { date: date.toISOString().slice(0, 10) };
}

type RichText = { richText: Array<{ text?: string }> };

/**
 * One exceljs cell value as an import cell: rich text and hyperlinks become their text, a formula its cached
 * result (never evaluated: a workbook is data here, not a program), an error its code ("#N/A").
 */
export function toImportCell(value: ExcelJS.CellValue, numFmt: string | undefined, date1904: boolean): ImportCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return dateCell(value);
  if ('richText' in value) return (value as RichText).richText.map((run) => run.text ?? '').join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    // exceljs leaves a formula's cached number as a number even under a date format; the cell shows a date.
    if (typeof result === 'number' && isDateFormat(numFmt)) return dateCell(serialToDate(result, date1904));
    return toImportCell((result ?? null) as ExcelJS.CellValue, numFmt, date1904);
  }
  if ('error' in value) return String((value as ExcelJS.CellErrorValue).error);
  if ('text' in value) return toImportCell((value as ExcelJS.CellHyperlinkValue).text, numFmt, date1904);
  return null;
}

/**
 * Every non-blank row of one sheet, header included, streamed: shared strings are cached (they are the text of
 * most cells), the sheet's rows never are. `line` is the sheet's own row number.
 */
export async function* readXlsxRows(
  path: string,
  sheet: string,
  facts: WorkbookFacts,
  limits: ImportLimits,
): AsyncGenerator<ImportRow> {
  const input = createReadStream(path);
  // Styles are needed: a date cell is a number with a date format, and only the style says so.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let found = false;
  try {
    for await (const worksheet of reader) {
      if ((worksheet as unknown as { name: string }).name !== sheet) continue;
      found = true;
      for await (const row of worksheet) {
        const cells: ImportCell[] = [];
        row.eachCell({ includeEmpty: false }, (cell, column) => {
          while (cells.length < column - 1) cells.push(null);
          cells.push(toImportCell(cell.value, cell.numFmt, facts.date1904));
        });
        if (isBlankRow(cells)) continue;
        checkRecordSize(cells, `Row ${row.number}`, limits);
        yield { line: row.number, cells };
      }
      break;
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(
      `The sheet "${sheet}" could not be read (${(error as Error).message}): ${NOT_A_WORKBOOK}.`,
    );
  } finally {
    input.destroy();
  }
  if (!found) throw new ImportFileError(`The sheet "${sheet}" could not be found in the workbook: ${NOT_A_WORKBOOK}.`);
}
