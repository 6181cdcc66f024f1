import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { ImportCounts, ImportRowError } from './import.entity';
import type { ColumnPlan } from './import-columns';
import { REJECTED_ERROR_COLUMN, REJECTED_LINE_COLUMN } from './import-columns';
import type { ImportCell, ImportTable } from './import-table';
import { cellText } from './import-values';
import type { ImportChecker, ImportEnv, ImportRowInput, RowProblem } from './kinds/import-kind';

/** The preview lists this many problems; the rejected-rows CSV has every one. */
export const ERRORS_SHOWN = 100;
/** Rows written to the database per batch during a commit. */
const WRITE_BATCH = 1000;
/** A pass gives the event loop a turn this often, so pages keep answering during a long file. */
const YIELD_EVERY = 250;

export interface PassResult {
  rows: number;
  counts: ImportCounts;
  errors: ImportRowError[];
  errorCount: number;
  conflictCount: number;
}

/** A commit that meets a row it may not write: everything is rolled back and the import goes back to its preview. */
export class CommitRefused extends Error {}

export interface PassOptions {
  table: ImportTable;
  plan: ColumnPlan;
  env: ImportEnv;
  checker: ImportChecker;
  /** With a transaction, the pass writes what it accepts; without, it only checks. */
  commit?: { tx: EntityManager; audit: AuditService; skipRejected: boolean };
  /** Where the rejected rows go, as CSV with the file's own columns and two more: line and reason. */
  rejectedPath?: string;
  progress?: (done: number) => void;
}

/**
 * One streaming pass over the file: each row is read, checked (and in a commit, written in batches),
 * and forgotten. The dry run and the commit are the same pass, so the commit writes exactly what the
 * preview promised, or refuses when the data changed in between.
 */
export async function runPass(options: PassOptions): Promise<PassResult> {
  const { table, plan, env, checker, commit } = options;
  const result: PassResult = {
    rows: 0,
    counts: { new: 0, updated: 0, unchanged: 0, rejected: 0 },
    errors: [],
    errorCount: 0,
    conflictCount: 0,
  };
  const rejected = options.rejectedPath ? rejectedWriter(options.rejectedPath, table.header) : null;
  const columnOf = new Map<string, number>();
  plan.fieldOf.forEach((field, i) => field && columnOf.set(field, i));
  let pending: unknown[] = [];
  const flush = async () => {
    if (!commit || pending.length === 0) return;
    const events = await checker.write(commit.tx, pending);
    await commit.audit.recordMany(commit.tx, env.actor, events);
    pending = [];
  };
  try {
    for await (const { line, cells } of table.rows) {
      result.rows++;
      const row = rowInput(line, cells, columnOf, table.header);
      const outcome = await checker.check(row);
      if (outcome.result === 'rejected') {
        result.counts.rejected++;
        if (commit && !commit.skipRejected)
          throw new CommitRefused(`Line ${line}: ${describe(outcome.problems[0])}. Nothing was imported.`);
        for (const p of outcome.problems) {
          result.errorCount++;
          if (p.conflict) result.conflictCount++;
          if (result.errors.length < ERRORS_SHOWN)
            result.errors.push({
              line,
              column: p.column,
              message: p.message,
              ...(p.conflict ? { conflict: true } : {}),
            });
        }
        rejected?.write(cells, line, outcome.problems.map(describe).join('; '));
      } else {
        result.counts[outcome.result]++;
        if (commit && outcome.result !== 'unchanged') {
          pending.push(outcome.write);
          if (pending.length >= WRITE_BATCH) await flush();
        }
      }
      if (result.rows % YIELD_EVERY === 0) {
        options.progress?.(result.rows);
        await new Promise((resume) => setImmediate(resume));
      }
    }
    await flush();
    if (commit) await checker.finish?.(commit.tx);
  } finally {
    await rejected?.close();
  }
  options.progress?.(result.rows);
  return result;
}

function rowInput(line: number, cells: ImportCell[], columnOf: Map<string, number>, header: string[]): ImportRowInput {
  return {
    line,
    value: (field) => {
      const i = columnOf.get(field);
      return i === undefined ? undefined : cells[i];
    },
    text: (field) => {
      const i = columnOf.get(field);
      return i === undefined ? null : cellText(cells[i]);
    },
    has: (field) => columnOf.has(field),
    column: (field) => {
      const i = columnOf.get(field);
      return i === undefined ? null : (header[i] ?? null);
    },
  };
}

function describe(p: RowProblem): string {
  return p.column ? `${p.column} ${p.message}` : p.message;
}

/**
 * The rejected rows as a CSV to fix and upload again: the file's columns as they were, then the line
 * and the reason (the import ignores those two columns when the file comes back). Formulas are
 * escaped, since a cell such as =HYPERLINK(…) must not run when the file is opened in a spreadsheet.
 */
function rejectedWriter(path: string, header: string[]) {
  const out = createWriteStream(path);
  const csv = stringify({
    header: true,
    columns: [...header, REJECTED_LINE_COLUMN, REJECTED_ERROR_COLUMN],
    escape_formulas: true,
  });
  csv.pipe(out);
  return {
    write(cells: ImportCell[], line: number, reason: string) {
      const values = header.map((_h, i) => cellText(cells[i]) ?? '');
      csv.write([...values, String(line), reason]);
    },
    async close() {
      csv.end();
      await finished(out);
    },
  };
}
