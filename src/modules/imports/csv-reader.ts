import { parse, type CsvError } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import {
  checkRecordSize,
  formatCount,
  ImportFileError,
  isBlankRow,
  type ImportLimits,
  type ImportRow,
} from './import-table';

export type CsvDelimiter = ',' | ';' | '\t';
const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];
/** Lines of the file's start that vote on the delimiter: enough to outvote a header with a stray comma. */
const DELIMITER_SAMPLE_LINES = 20;
const NEWLINE = 0x0a;

export const NOT_UTF8_ADVICE = 'save the spreadsheet as "CSV UTF-8" or upload the .xlsx itself';

/**
 * Where the first byte that cannot be UTF-8 sits in `bytes`, or -1. A sequence cut off at the end is not
 * an error (the next chunk completes it), nor, when `midStream`, are up to three continuation bytes at the
 * start (the previous chunk began them). Validity of a prefix only shrinks as it grows, so a binary search over prefix lengths
 * with the built-in strict decoder finds it without a hand-written UTF-8 validator.
 */
export function invalidUtf8Offset(bytes: Uint8Array, midStream = true): number {
  let start = 0;
  while (midStream && start < 3 && start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
  const validUpTo = (end: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (validUpTo(bytes.length)) return -1;
  let good = start;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (validUpTo(mid)) good = mid;
    else bad = mid;
  }
  return bad - 1;
}

/** Line feeds in bytes or text (before `end`): a CR LF is one line break, and so is a lone LF. */
export function countNewlines(data: Uint8Array | string, end = data.length): number {
  const next =
    typeof data === 'string'
      ? (from: number) => data.indexOf('\n', from)
      : (from: number) => data.indexOf(NEWLINE, from);
  let n = 0;
  for (let i = next(0); i !== -1 && i < end; i = next(i + 1)) n++;
  return n;
}

/** Line breaks as an editor counts them: CR LF, LF or a lone CR, each one. */
export function lineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a || (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) n++;
  }
  return n;
}

/**
 * Picks the delimiter from the file's first lines, counting only characters outside quotes (a quoted
 * "Smith, Jane" says nothing). The winner is the one the most lines use as often as the header does, so a
 * semicolon file with commas in its values still reads as semicolons; a file with one column reads as commas.
 */
export function detectDelimiter(sample: string): CsvDelimiter {
  const lines: Array<Record<CsvDelimiter, number>> = [];
  let counts = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  let blank = true;
  for (let i = 0; i < sample.length && lines.length < DELIMITER_SAMPLE_LINES; i++) {
    const ch = sample[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === '\n') {
      if (!blank) lines.push(counts);
      counts = { ',': 0, ';': 0, '\t': 0 };
      blank = true;
      continue;
    } else if (!inQuotes && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
    if (ch.trim() !== '') blank = false;
  }
  if (!blank && lines.length < DELIMITER_SAMPLE_LINES) lines.push(counts);
  if (lines.length === 0) return ',';
  let best: CsvDelimiter = ',';
  let bestScore = [0, 0];
  for (const d of DELIMITERS) {
    const inHeader = lines[0][d];
    if (inHeader === 0) continue;
    const agreeing = lines.filter((l) => l[d] === inHeader).length;
    if (agreeing > bestScore[0] || (agreeing === bestScore[0] && inHeader > bestScore[1])) {
      best = d;
      bestScore = [agreeing, inHeader];
    }
  }
  return best;
}

/**
 * Decodes the byte stream as strict UTF-8, so a byte the decoder would silently turn into U+FFFD stops the read
 * with the line it is on instead. A leading BOM is dropped here (the decoder does that by default).
 */
class StrictUtf8Decoder extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** Newlines in the bytes before the current chunk: the line number of an error is this plus those before it. */
  private newlines = 0;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      const at = invalidUtf8Offset(chunk);
      return done(notUtf8(this.newlines + countNewlines(chunk, at < 0 ? 0 : at) + 1));
    }
    this.newlines += countNewlines(chunk);
    if (text) this.push(text);
    done();
  }

  override _flush(done: TransformCallback): void {
    try {
      const rest = this.decoder.decode();
      if (rest) this.push(rest);
      done();
    } catch {
      done(notUtf8(this.newlines + 1));
    }
  }
}

function notUtf8(line: number): ImportFileError {
  return new ImportFileError(`Line ${line} is not UTF-8 text: ${NOT_UTF8_ADVICE}.`);
}

/** csv-parse's errors, said for someone who opened the file in a spreadsheet program. */
function csvProblem(error: CsvError, startLine: number, limits: ImportLimits): ImportFileError {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ImportFileError(
        `The quoted field that starts on line ${startLine} is never closed: a closing quote (") is missing.`,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new ImportFileError(
        `The record that starts on line ${startLine} is longer than ${formatCount(recordCharLimit(limits))} ` +
          'characters; most likely a quote (") is missing its closing quote.',
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new ImportFileError(
        `Line ${Number(error.lines ?? startLine)} has text right after a closing quote ("); put the whole value in ` +
          'quotes and double any quote inside it ("").',
      );
    default:
      return new ImportFileError(`Line ${Number(error.lines ?? startLine)} could not be read as CSV: ${error.message}`);
  }
}

/** Bounds what one unclosed quote can make the parser hold: as much as the largest record allowed. */
function recordCharLimit(limits: ImportLimits): number {
  return limits.maxColumns * (limits.maxCellChars + 1);
}

/**
 * Every non-blank record of the CSV, header included, streamed from disk. Cells are the raw strings; `line` is
 * where the record starts, which for a record with line breaks in quotes is not where csv-parse ends it.
 */
export async function* readCsvRecords(
  path: string,
  delimiter: CsvDelimiter,
  limits: ImportLimits,
): AsyncGenerator<ImportRow> {
  const source = createReadStream(path, { highWaterMark: 64 * 1024 });
  const parser = parse({
    delimiter,
    // csv-parse's own line count takes the CR and the LF of a quoted CRLF as two lines, so lines are counted
    // here from each record's raw text instead, which ends with the first character of its record delimiter.
    raw: true,
    // Ragged rows and quotes inside unquoted values ("5" pipe") are the row checks' business, not a reason to refuse the file.
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: recordCharLimit(limits),
  });
  // Errors reach the loop below through the parser, which pipeline destroys with the first one.
  pipeline(source, new StrictUtf8Decoder(), parser, () => undefined);
  let nextLine = 1;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = nextLine;
      nextLine += lineBreaks(raw);
      if (isBlankRow(record)) continue;
      checkRecordSize(record, `Line ${line}`, limits);
      yield { line, cells: record };
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    if ((error as CsvError).code?.startsWith('CSV_')) throw csvProblem(error as CsvError, nextLine, limits);
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
}
