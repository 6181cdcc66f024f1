import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import type { DateOfServiceCheck, ServiceCheckRow } from './date-of-service.service';

const CSV_HEADER = ['line', 'person', 'date', 'role', 'name', 'result', 'why'];

function csvLines(rows: ServiceCheckRow[]): string {
  return stringify(
    rows.map((r) => [
      r.line,
      r.person,
      r.date,
      r.role,
      r.personName ?? '',
      r.error ? 'error' : r.status,
      r.error ?? r.reason,
    ]),
    { escape_formulas: true },
  );
}

/**
 * Writes the answers as they are made, a slice at a time, waiting when the client reads slower than
 * we write. A failure half-way breaks the connection, so a cut-off answer never looks complete.
 */
async function stream(
  res: Response,
  check: DateOfServiceCheck,
  open: string,
  piece: (rows: ServiceCheckRow[], first: boolean) => string,
  close: string,
): Promise<void> {
  try {
    res.write(open);
    let first = true;
    for await (const rows of check.answers()) {
      if (rows.length === 0) continue;
      if (!res.write(piece(rows, first))) await once(res, 'drain');
      first = false;
    }
    res.end(close);
  } catch (e) {
    res.destroy();
    throw e;
  }
}

/** The answers as a CSV download, one line per row of the file. */
export function sendCsv(res: Response, check: DateOfServiceCheck): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="date-of-service-check.csv"');
  return stream(res, check, stringify([CSV_HEADER]), (rows) => csvLines(rows), '');
}

/** The answers as `{ "rows": [...] }`, written a slice at a time rather than stringified at once. */
export function sendJson(res: Response, check: DateOfServiceCheck): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  return stream(res, check, '{"rows":[', (rows, first) => (first ? '' : ',') + JSON.stringify(rows).slice(1, -1), ']}');
}
