import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
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
  /** Sheet name to its ZIP entry; chart sheets, which hold no cells, have none. */
  sheetEntries: Record<string, string>;
}

const NOT_A_WORKBOOK = 'save it from Excel as .xlsx, or as CSV (UTF-8), and upload that';
/** workbook.xml and its relationships are a few KB in a real workbook; this bounds what we hold of them. */
const MAX_WORKBOOK_XML = 8 * 1024 * 1024;
const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';

function damaged(error: unknown): ImportFileError {
  if (error instanceof ImportFileError) return error;
  return new ImportFileError(
    `This workbook is damaged and cannot be read (${(error as Error).message}): ${NOT_A_WORKBOOK}.`,
  );
}

async function openZip(path: string): Promise<yauzl.ZipFile> {
  try {
    // validateEntrySizes makes an entry that inflates past its declared size fail at the first byte over.
    return await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch {
    throw new ImportFileError(`This file is not a readable Excel workbook (.xlsx): ${NOT_A_WORKBOOK}.`);
  }
}

async function entriesOf(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
  return entries;
}

/** An entry's text, decoded across chunk boundaries (exceljs decodes each chunk alone and garbles split characters). */
async function* entryText(zip: yauzl.ZipFile, entry: yauzl.Entry, opened: Readable[]): AsyncGenerator<string> {
  const stream = await zip.openReadStreamPromise(entry);
  opened.push(stream);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

async function smallEntry(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<string | null> {
  if (!entry) return null;
  if (entry.uncompressedSize > MAX_WORKBOOK_XML) throw damaged(new Error(`${entry.fileName} is too large`));
  const parts: string[] = [];
  const opened: Readable[] = [];
  for await (const text of entryText(zip, entry, opened)) parts.push(text);
  return parts.join('');
}

/**
 * Checks the ZIP container before any sheet is read, and lists its sheets. Every entry's declared size counts
 * against `maxExpandedBytes`, so a zip bomb is refused before a byte of it is inflated; and since all reading
 * goes through yauzl, which stops an entry the moment it inflates past its declared size, no entry can lie its
 * way past the sum.
 */
export async function inspectWorkbook(path: string, limits: ImportLimits): Promise<WorkbookFacts> {
  const zip = await openZip(path);
  try {
    let entries: Map<string, yauzl.Entry>;
    try {
      entries = await entriesOf(zip);
    } catch (error) {
      throw damaged(error);
    }
    let declared = 0;
    for (const entry of entries.values()) declared += entry.uncompressedSize;
    if (declared > limits.maxExpandedBytes) {
      throw new ImportFileError(
        `The workbook expands to more than ${formatBytes(limits.maxExpandedBytes)} when unpacked, which is more ` +
          'than is read: save the sheet as CSV (UTF-8) or split it into smaller workbooks.',
      );
    }
    const workbookXml = await smallEntry(zip, entries.get(WORKBOOK)).catch((error: unknown) => {
      throw damaged(error);
    });
    if (workbookXml === null) {
      throw new ImportFileError(
        `This is a ZIP archive but not an Excel workbook (it has no ${WORKBOOK}): ${NOT_A_WORKBOOK}.`,
      );
    }
    const relsXml = await smallEntry(zip, entries.get(WORKBOOK_RELS)).catch((error: unknown) => {
      throw damaged(error);
    });
    return workbookFacts(workbookXml, relsXml ?? '', new Set(entries.keys()));
  } finally {
    zip.close();
  }
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

/** A relationship's target, relative to xl/ unless it starts with a slash, as the ZIP entry it names. */
function entryName(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`.replace(/\/\.\//g, '/');
}

/**
 * Reads sheet names and their entries from workbook.xml and its relationships. Their `<sheet>`, `<workbookPr>`
 * and `<Relationship>` elements are flat attribute lists, so a pattern reads them without an XML parser.
 */
export function workbookFacts(xml: string, relsXml: string, entries: ReadonlySet<string>): WorkbookFacts {
  const targets = new Map<string, string>();
  for (const [tag] of relsXml.matchAll(/<(?:\w+:)?Relationship\s[^>]*>/g)) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (id !== null && target !== null) targets.set(id, entryName(target));
  }
  const sheets: string[] = [];
  const sheetEntries: Record<string, string> = {};
  let firstSheet: string | null = null;
  for (const [tag] of xml.matchAll(/<(?:\w+:)?sheet\s[^>]*>/g)) {
    const name = attribute(tag, 'name');
    if (name === null) continue;
    sheets.push(name);
    const entry = targets.get(attribute(tag, 'r:id') ?? '');
    if (entry && entries.has(entry) && entry.startsWith('xl/worksheets/')) sheetEntries[name] = entry;
    const state = attribute(tag, 'state');
    if (firstSheet === null && state !== 'hidden' && state !== 'veryHidden') firstSheet = name;
  }
  const pr = /<(?:\w+:)?workbookPr\s[^>]*>/.exec(xml)?.[0] ?? '';
  const date1904 = ['1', 'true'].includes(attribute(pr, 'date1904') ?? '');
  return { sheets, firstSheet: firstSheet ?? sheets[0] ?? null, date1904, sheetEntries };
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

/** The parts of exceljs's streaming WorkbookReader that read one ZIP entry each; we hand it the entries. */
interface WorkbookReaderParts {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseWorksheet(
    text: AsyncIterable<string>,
    sheetNo: string,
  ): Iterable<{ eventType: string; value: ExcelJS.stream.xlsx.WorksheetReader }>;
}

/**
 * Every non-blank row of one sheet, header included, streamed: shared strings are cached (they are the text of
 * most cells), the sheet's rows never are. `line` is the sheet's own row number.
 *
 * exceljs's WorkbookReader parses the XML, but the ZIP is read here with yauzl: exceljs would unzip with no bound
 * on an entry's real size, and Excel writes shared strings after the sheets, which makes exceljs copy every sheet
 * to a temporary file that it leaves behind when reading stops early. Reading entries in the order they are
 * needed avoids both.
 */
export async function* readXlsxRows(
  path: string,
  sheet: string,
  facts: WorkbookFacts,
  limits: ImportLimits,
): AsyncGenerator<ImportRow> {
  const sheetEntry = facts.sheetEntries[sheet];
  if (!sheetEntry)
    throw new ImportFileError(`The sheet "${sheet}" holds no cells (it is a chart sheet): choose another.`);
  const zip = await openZip(path);
  const opened: Readable[] = [];
  try {
    const entries = await entriesOf(zip);
    const stream = (name: string) => {
      const entry = entries.get(name);
      return entry ? Readable.from(entryText(zip, entry, opened)) : null;
    };
    // Styles are needed: a date cell is a number with a date format, and only the style says so.
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    }) as unknown as WorkbookReaderParts;
    const rels = stream(WORKBOOK_RELS);
    if (rels) await reader._parseRels(rels);
    await reader._parseWorkbook(stream(WORKBOOK)!);
    const styles = stream('xl/styles.xml');
    if (styles) await reader._parseStyles(styles);
    const sharedStrings = stream('xl/sharedStrings.xml');
    // With sharedStrings: 'cache' this yields nothing: it fills the reader's table, which the sheet reads from.
    if (sharedStrings) for await (const _ of reader._parseSharedStrings(sharedStrings));
    const sheetNo = /(\d+)\.xml$/.exec(sheetEntry)?.[1] ?? '1';
    const [event] = reader._parseWorksheet(entryText(zip, entries.get(sheetEntry)!, opened), sheetNo);
    for await (const row of event.value) {
      const cells: ImportCell[] = [];
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        while (cells.length < column - 1) cells.push(null);
        cells.push(toImportCell(cell.value, cell.numFmt, facts.date1904));
      });
      if (isBlankRow(cells)) continue;
      checkRecordSize(cells, `Row ${row.number}`, limits);
      yield { line: row.number, cells };
    }
  } catch (error) {
    throw damaged(error);
  } finally {
    for (const s of opened) s.destroy();
    zip.close();
  }
}
