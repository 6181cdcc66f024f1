import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { detectDelimiter, invalidUtf8Offset, countNewlines, NOT_UTF8_ADVICE, readCsvRecords } from './csv-reader';
import {
  formatBytes,
  formatCount,
  headerText,
  IMPORT_LIMITS,
  ImportFileError,
  type ImportLimits,
  type ImportRow,
  type ImportTable,
} from './import-table';
import { inspectWorkbook, readXlsxRows } from './xlsx-reader';

export interface ReadImportFileOptions {
  /** The name the file was uploaded under: it says which format was meant when the content leaves a choice. */
  fileName: string;
  /** The workbook sheet to read; the first visible one when left out. Ignored for CSV. */
  sheet?: string;
  limits?: Partial<ImportLimits>;
}

/** Enough of the file's start to see its magic bytes and vote on the delimiter over its first lines. */
const HEAD_BYTES = 64 * 1024;
/** The binary check looks here only: a NUL further on is a bad cell, which the row checks report by line. */
const BINARY_SNIFF_BYTES = 1024;
const CSV_ADVICE = 'save the spreadsheet as CSV (UTF-8) or upload the .xlsx itself';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const ZIP_MAGIC = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** Files people upload by mistake, named for the message. */
const OTHER_MAGIC: Array<[Buffer, string]> = [
  [Buffer.from('%PDF-', 'latin1'), 'a PDF document'],
  [Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'a PNG image'],
  [Buffer.from([0xff, 0xd8, 0xff]), 'a JPEG image'],
  [Buffer.from('GIF8', 'latin1'), 'a GIF image'],
  [Buffer.from([0x1f, 0x8b]), 'a gzip archive'],
  [Buffer.from('7z\xbc\xaf\x27\x1c', 'latin1'), 'a 7-Zip archive'],
  [Buffer.from('Rar!', 'latin1'), 'a RAR archive'],
];
const WORKBOOK_EXTENSIONS = ['.xlsx', '.xlsm'];
const TEXT_EXTENSIONS = ['.csv', '.txt', '.tsv', '.tab'];

/**
 * Opens an uploaded spreadsheet for the import: decides CSV or XLSX from its content (and its name where the
 * content allows both readings), finds the header, and refuses, before answering, a file the import could never
 * read: empty, binary, too large, a zip bomb, a header with nothing under it. The rows themselves stream from
 * disk each time `rows` is iterated.
 */
export async function readImportFile(path: string, options: ReadImportFileOptions): Promise<ImportTable> {
  const limits: ImportLimits = { ...IMPORT_LIMITS, ...options.limits };
  const { size } = await stat(path);
  if (size === 0) throw new ImportFileError('This file is empty.');
  if (size > limits.maxBytes)
    throw new ImportFileError(`The file is larger than the ${formatBytes(limits.maxBytes)} limit.`);
  const head = await readHead(path);
  const extension = extname(options.fileName).toLowerCase();

  if (head.subarray(0, 8).equals(OLE2_MAGIC) || extension === '.xls') {
    throw new ImportFileError(
      'This is an old-style Excel workbook (.xls) or a password-protected one: save it in Excel as .xlsx ' +
        '(without a password) or as CSV (UTF-8), and upload that.',
    );
  }
  if (ZIP_MAGIC.some((magic) => startsWith(head, magic))) {
    if (TEXT_EXTENSIONS.includes(extension)) {
      throw new ImportFileError(
        `This looks like a binary file (a ZIP archive, perhaps a workbook renamed ${extension}), not a CSV: ${CSV_ADVICE}.`,
      );
    }
    return readWorkbook(path, options.sheet, limits);
  }
  if (WORKBOOK_EXTENSIONS.includes(extension)) {
    throw new ImportFileError(
      `This file is named ${extension} but is not an Excel workbook: save it from Excel as .xlsx, or as CSV (UTF-8).`,
    );
  }
  return readCsv(path, head, limits);
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

function refuseBinaryCsv(head: Buffer): void {
  for (const [magic, kind] of OTHER_MAGIC) {
    if (startsWith(head, magic))
      throw new ImportFileError(`This looks like a binary file (${kind}), not a CSV: ${CSV_ADVICE}.`);
  }
  if (head[0] === 0xff && head[1] === 0xfe) {
    throw new ImportFileError(`This file is saved as UTF-16 text ("Unicode Text"), not UTF-8: ${NOT_UTF8_ADVICE}.`);
  }
  if (head[0] === 0xfe && head[1] === 0xff) {
    throw new ImportFileError(`This file is saved as UTF-16 text, not UTF-8: ${NOT_UTF8_ADVICE}.`);
  }
  const sniff = head.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.includes(0)) throw new ImportFileError(`This looks like a binary file, not a CSV: ${CSV_ADVICE}.`);
  const bad = invalidUtf8Offset(sniff, false);
  if (bad >= 0) {
    throw new ImportFileError(`Line ${countNewlines(sniff, bad) + 1} is not UTF-8 text: ${NOT_UTF8_ADVICE}.`);
  }
}

async function readCsv(path: string, head: Buffer, limits: ImportLimits): Promise<ImportTable> {
  refuseBinaryCsv(head);
  const bom = startsWith(head, UTF8_BOM);
  const delimiter = detectDelimiter(new TextDecoder('utf-8').decode(head));
  const records = () => readCsvRecords(path, delimiter, limits);
  const [header, first] = await peek(records());
  if (!header) throw new ImportFileError('This file is empty.');
  if (!first) throw new ImportFileError('This file has a header row but no records under it.');
  return {
    format: 'csv',
    encoding: bom ? 'utf-8-bom' : 'utf-8',
    delimiter,
    sheet: null,
    sheets: [],
    header: header.cells.map(headerText),
    headerLine: header.line,
    rows: recordsUnderHeader(records, limits),
  };
}

async function readWorkbook(path: string, wanted: string | undefined, limits: ImportLimits): Promise<ImportTable> {
  const facts = await inspectWorkbook(path, limits);
  if (facts.sheets.length === 0) throw new ImportFileError('This workbook has no sheets.');
  const sheet = wanted === undefined ? facts.firstSheet! : chooseSheet(facts.sheets, wanted);
  const records = () => readXlsxRows(path, sheet, facts, limits);
  const [header, first] = await peek(records());
  if (!header) throw new ImportFileError(`The sheet "${sheet}" is empty.`);
  if (!first) throw new ImportFileError(`The sheet "${sheet}" has a header row but no records under it.`);
  return {
    format: 'xlsx',
    encoding: null,
    delimiter: null,
    sheet,
    sheets: facts.sheets,
    header: header.cells.map(headerText),
    headerLine: header.line,
    rows: recordsUnderHeader(records, limits),
  };
}

/** The name as typed; failing that, the one sheet it matches ignoring case and spaces around it. */
function chooseSheet(sheets: string[], wanted: string): string {
  if (sheets.includes(wanted)) return wanted;
  const key = wanted.trim().toLowerCase();
  const loose = sheets.filter((s) => s.trim().toLowerCase() === key);
  if (loose.length === 1) return loose[0];
  throw new ImportFileError(`The workbook has no sheet called "${wanted}"; its sheets are: ${sheets.join(', ')}.`);
}

/** The header and the first record under it, then the reading stops and the file is closed. */
async function peek(records: AsyncGenerator<ImportRow>): Promise<[ImportRow?, ImportRow?]> {
  const taken: ImportRow[] = [];
  try {
    for await (const row of records) {
      taken.push(row);
      if (taken.length === 2) break;
    }
  } finally {
    await records.return(undefined);
  }
  return [taken[0], taken[1]];
}

/** The records under the header, each iteration a fresh read of the file, cut off past `maxRows`. */
function recordsUnderHeader(open: () => AsyncGenerator<ImportRow>, limits: ImportLimits): AsyncIterable<ImportRow> {
  return {
    async *[Symbol.asyncIterator]() {
      let seen = -1;
      for await (const row of open()) {
        if (++seen === 0) continue;
        if (seen > limits.maxRows) {
          throw new ImportFileError(
            `The file has more than ${formatCount(limits.maxRows)} records; at most ${formatCount(limits.maxRows)} ` +
              'are read in one import: split it into smaller files.',
          );
        }
        yield row;
      }
    },
  };
}
