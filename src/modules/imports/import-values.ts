import { isIsoDate, type IsoDate } from '../../common/dates';
import type { ImportCell } from './import-table';

/**
 * Turning spreadsheet cells into the strings and dates the single-record DTOs take. A cell's text is
 * kept as typed (a formula-looking cell stays text: nothing here evaluates anything); only what a
 * program's spreadsheets really vary in is forgiven: spaces, capitals, date formats, yes/no words.
 */

/** A cell as the text a form field would have received; null for an empty cell. */
export function cellText(cell: ImportCell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'string') {
    const text = cell.trim();
    return text === '' ? null : text;
  }
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return cell.date;
}

/** Case, spaces and punctuation squashed away: "State Cert #" and "state_cert" compare equal. */
export function squash(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9#]+/g, '');
}

export type DateOrder = 'iso' | 'us';

/**
 * Dates in one file must be read one way. ISO (2026-03-02) is never ambiguous; a slashed date is read
 * US-style, month first (3/2/2026 is March 2). A file that also has a slashed date that only makes
 * sense day first (31/12/2026) was written the other way round somewhere, so every slashed date in it
 * is in doubt: the whole file is refused rather than some of its dates read wrong.
 */
export class DateFormatWatch {
  private readonly seen = new Set<DateOrder>();
  private dayFirst: { line: number; text: string } | null = null;

  note(order: DateOrder): void {
    this.seen.add(order);
  }

  noteDayFirst(line: number, text: string): void {
    this.dayFirst ??= { line, text };
  }

  /** How the file's dates were read, for the preview ("ISO YYYY-MM-DD and US m/d/yyyy"). */
  description(): string | null {
    const names = [...this.seen].sort().map((o) => (o === 'iso' ? 'ISO YYYY-MM-DD' : 'US m/d/yyyy'));
    return names.length ? names.join(' and ') : null;
  }

  /** The file-level refusal, when the dates cannot all be read one way. */
  problem(): string | null {
    if (!this.dayFirst || !this.seen.has('us')) return null;
    return (
      `Dates in this file are written both month first and day first (line ${this.dayFirst.line} has ` +
      `${this.dayFirst.text}), so a date such as 3/4/2026 cannot be read with certainty. Write every date as ` +
      `YYYY-MM-DD, or every date month first (m/d/yyyy), and upload the file again.`
    );
  }
}

export type DateResult = { date: IsoDate } | { error: string } | null;

const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$/;

/** A date cell, read ISO or US m/d/yyyy, or a real spreadsheet date; null when empty. */
export function readDate(cell: ImportCell | undefined, line: number, watch: DateFormatWatch): DateResult {
  if (cell !== null && typeof cell === 'object') {
    watch.note('iso');
    return { date: cell.date };
  }
  const text = cellText(cell);
  if (text === null) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(text);
  if (iso) {
    const date = `${iso[1]}-${iso[2]}-${iso[3]}`;
    if (!isIsoDate(date)) return { error: `is not a real date (${text})` };
    watch.note('iso');
    return { date };
  }
  const slashed = SLASHED.exec(text);
  if (!slashed) return { error: `is not a date; write YYYY-MM-DD or m/d/yyyy (got "${clip(text)}")` };
  if (slashed[3].length !== 4) return { error: `has a two-digit year; write the year in full (got "${text}")` };
  const [first, second, year] = [Number(slashed[1]), Number(slashed[2]), slashed[3]];
  if (first > 12 && second <= 12) {
    watch.noteDayFirst(line, text);
    return { error: `is written day first (${text}); write it month first (m/d/yyyy) or as YYYY-MM-DD` };
  }
  const date = `${year}-${String(first).padStart(2, '0')}-${String(second).padStart(2, '0')}`;
  if (!isIsoDate(date)) return { error: `is not a real date (${text})` };
  watch.note('us');
  return { date };
}

const YES = new Set(['yes', 'y', 'true', '1', 'x', 'confirmed', 'active', 'verified']);
const NO = new Set(['no', 'n', 'false', '0', 'unconfirmed', 'inactive', 'pending']);

/** yes/no, y/n, true/false, 1/0, x; null when empty, undefined when it is neither. */
export function readYesNo(cell: ImportCell | undefined): boolean | null | undefined {
  if (typeof cell === 'boolean') return cell;
  const text = cellText(cell);
  if (text === null) return null;
  const word = text.toLowerCase();
  if (YES.has(word)) return true;
  if (NO.has(word)) return false;
  return undefined;
}

/** "peer; trainer", "Peer, Supervisor" or "peer|admin" as a list. */
export function readList(cell: ImportCell | undefined): string[] {
  const text = cellText(cell);
  if (text === null) return [];
  return text
    .split(/[;,|/]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A number of hours: "8", "7.5", "7,5" (comma decimal) or a numeric cell. */
export function readHours(cell: ImportCell | undefined): number | null | undefined {
  if (typeof cell === 'number') return cell;
  const text = cellText(cell);
  if (text === null) return null;
  const normal = text.replace(/\s*(h|hrs?|hours?)$/i, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(normal)) return undefined;
  return Number(normal);
}

export function clip(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
