import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { ReportCell, ReportTable } from './reports.service';

/**
 * A report table as CSV, the way the audit log and the clearance board write theirs: csv-stringify
 * with `escape_formulas`, so a name typed as "=HYPERLINK(...)" never runs when the file is opened.
 * Piped with back-pressure; a client that goes away ends the writing (that is not an error).
 */
export async function writeCsv(table: ReportTable, out: Writable): Promise<void> {
  const csv = stringify({
    header: true,
    escape_formulas: true,
    columns: table.columns.map((c) => ({ key: c.key, header: c.key })),
  });
  try {
    await pipeline(Readable.from(table.rows), csv, out);
  } catch (e) {
    if (!out.destroyed) throw e;
  }
}

/** `YYYY-MM-DD` as a spreadsheet date (midnight UTC, so no time zone can move it to another day). */
function cellValue(value: ReportCell, type: 'text' | 'number' | 'date'): string | number | Date | null {
  if (value === null || value === '') return null;
  if (type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return new Date(`${value}T00:00:00Z`);
  return value;
}

/**
 * The report as an XLSX workbook through ExcelJS's streaming writer: rows are committed as they are
 * written, so a 100,000-row roster never sits in memory as a whole workbook. Cells are plain values
 * (strings stay strings, never formulas); dates are real dates; the filters go on a second sheet.
 */
export async function writeXlsx(table: ReportTable, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Peer-support LMS';
  const sheet = workbook.addWorksheet(table.title.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({
    header: c.label,
    key: c.key,
    width: Math.min(40, Math.max(10, c.label.length + 2)),
    style: c.type === 'date' ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const row of table.rows) {
    sheet.addRow(Object.fromEntries(table.columns.map((c) => [c.key, cellValue(row[c.key] ?? null, c.type)]))).commit();
  }
  sheet.commit();
  const about = workbook.addWorksheet('About');
  about.addRow(['Report', table.title]).commit();
  about.addRow(['About', table.description]).commit();
  for (const [name, value] of Object.entries(table.filters)) about.addRow([name, value]).commit();
  about.addRow(['Rows', table.rows.length]).commit();
  about.commit();
  await workbook.commit();
}
