import { Readable } from 'node:stream';
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse } from 'csv-parse';
import { DataSource } from 'typeorm';
import { formatDate, isIsoDate } from '../../common/dates';
import { yieldToEventLoop } from '../../common/event-loop';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/auth/auth-user';
import { whereVisibleTo } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { ClearanceEngine, type ClearanceFacts, type ClearanceStatus } from './clearance-engine';
import { ClearanceService } from './clearance.service';
import { emailKey } from '../people/email-key';
import { hasControlCharacters } from '../../common/dto/free-text';

export interface ServiceCheckRow {
  line: number;
  person: string;
  date: string;
  role: string;
  /** Null when the row could not be checked; see `error`. */
  status: ClearanceStatus | null;
  personName: string | null;
  reason: string;
  error: string | null;
}

const COLUMNS: Record<'person' | 'date' | 'role', string[]> = {
  person: ['person', 'email', 'e-mail', 'person_id', 'id'],
  date: ['date', 'service_date', 'date_of_service'],
  role: ['role', 'practice_role', 'role_code'],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rows a check takes: a billing audit's month of services is far fewer; more would stall the server. */
export const DATE_OF_SERVICE_ROW_LIMIT = 20_000;
/**
 * Work between two yields to the event loop: rows answered, people whose facts are loaded, bytes
 * parsed. Each slice costs a few milliseconds, so other requests wait at most that long.
 */
const ROWS_PER_SLICE = 500;
const PEOPLE_PER_SLICE = 300;
const BYTES_PER_SLICE = 64 * 1024;

/** A file that cannot be checked, as the one error shape, on the `file` field. */
function refuseFile(message: string, status: HttpStatus = HttpStatus.BAD_REQUEST): HttpException {
  return new HttpException({ statusCode: status, message, errors: [{ field: 'file', message }] }, status);
}

/** The file in slices that end at a line break where one is near, with a yield to the event loop after each. */
async function* slicesOf(file: Buffer): AsyncGenerator<Buffer> {
  for (let start = 0; start < file.length;) {
    let end = Math.min(start + BYTES_PER_SLICE, file.length);
    const lineEnd = end < file.length ? file.lastIndexOf(0x0a, end - 1) : -1;
    if (lineEnd >= start) end = lineEnd + 1;
    yield file.subarray(start, end);
    start = end;
    await yieldToEventLoop();
  }
}

/** A file accepted for checking: its rows are answered a slice at a time, as they are read. */
export interface DateOfServiceCheck {
  /** Data rows in the file (the header line not counted). */
  rowCount: number;
  /** The answers in file order, a slice at a time, yielding to the event loop between slices. */
  answers(): AsyncGenerator<ServiceCheckRow[]>;
}

/**
 * The billing-audit question for a whole file: for each (person, date of service, practice role),
 * was the person cleared that day, and why not? Rows that cannot be read are reported by line;
 * the rest are answered. People are looked up and their records loaded in bulk.
 */
@Injectable()
export class DateOfServiceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clearance: ClearanceService,
    private readonly config: AppConfig,
  ) {}

  /** Every answer at once, or why the file cannot be checked. */
  async check(csv: string | Buffer, viewer: AuthUser): Promise<{ rows: ServiceCheckRow[]; fileError: string | null }> {
    let check: DateOfServiceCheck;
    try {
      check = await this.prepare(typeof csv === 'string' ? Buffer.from(csv) : csv, viewer);
    } catch (e) {
      if (e instanceof HttpException && e.getStatus() < 500) return { rows: [], fileError: e.message };
      throw e;
    }
    const rows: ServiceCheckRow[] = [];
    for await (const slice of check.answers()) rows.push(...slice);
    return { rows, fileError: null };
  }

  /**
   * Reads the file and loads what the answers need, yielding to the event loop between slices.
   * A file over the row limit is refused (413) while it is read, before any clearance work; a
   * file that is not CSV or lacks a column is refused with a 400.
   */
  async prepare(file: Buffer, viewer: AuthUser): Promise<DateOfServiceCheck> {
    const records = await this.readRecords(file);
    if (records.length === 0) throw refuseFile('The file is empty.');
    const header = records[0].map((h) => h.toLowerCase().replace(/\s+/g, '_'));
    const index = Object.fromEntries(
      Object.entries(COLUMNS).map(([key, names]) => [key, header.findIndex((h) => names.includes(h))]),
    ) as Record<keyof typeof COLUMNS, number>;
    const missing = Object.entries(index)
      .filter(([, i]) => i < 0)
      .map(([key]) => key);
    if (missing.length)
      throw refuseFile(
        `The first line must name the columns; missing: ${missing.join(', ')} (e.g. "email,date,role").`,
      );
    const wanted = records.slice(1).map((r, i) => ({
      line: i + 2,
      person: r[index.person] ?? '',
      date: r[index.date] ?? '',
      role: r[index.role] ?? '',
    }));

    const roles = await this.clearance.roles();
    const roleByKey = new Map(
      roles.flatMap((r) => [[r.code.toUpperCase(), r] as const, [r.name.toUpperCase(), r] as const]),
    );
    const people = await this.findPeople(
      wanted.map((w) => w.person),
      viewer,
    );
    const facts = await this.factsInSlices([...new Set([...people.values()].map((p) => p.id))]);
    const engine = new ClearanceEngine(roles);
    const answer = (w: (typeof wanted)[number]): ServiceCheckRow => {
      const base = { ...w, status: null, personName: null, reason: '' };
      const person = people.get(emailKey(w.person));
      const role = roleByKey.get(w.role.toUpperCase());
      const problems = [
        !w.person ? 'no person' : !person ? `no person you can see is "${w.person}"` : null,
        !isIsoDate(w.date) ? `"${w.date}" is not a date (YYYY-MM-DD)` : null,
        !role ? `"${w.role}" is not a practice role` : null,
      ].filter((p): p is string => p !== null);
      if (problems.length) return { ...base, error: problems.join('; ') };
      // The brief answer and, for a refusal, its reason: what the full explanation says, at a fraction of its cost.
      const personFacts = facts.get(person!.id)!;
      const result = engine.brief(role!.code, w.date, personFacts);
      const reason =
        result.status === 'not_cleared'
          ? engine.refusalReason(role!.code, w.date, personFacts)
          : result.warnings.length
            ? result.warnings.join(' ')
            : `Cleared as ${role!.name} on ${formatDate(w.date)}.`;
      return { ...base, status: result.status, personName: person!.displayName, reason, error: null };
    };
    return {
      rowCount: wanted.length,
      async *answers() {
        for (let i = 0; i < wanted.length; i += ROWS_PER_SLICE) {
          yield wanted.slice(i, i + ROWS_PER_SLICE).map(answer);
          await yieldToEventLoop();
        }
      },
    };
  }

  /**
   * The file's records (header first), parsed a slice at a time. Parsing stops at the first record
   * over the row limit, so an oversized file costs no more than the limit's worth of parsing.
   */
  private async readRecords(file: Buffer): Promise<string[][]> {
    const limit = DATE_OF_SERVICE_ROW_LIMIT;
    const parser = parse({
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      bom: true,
      to: limit + 2, // the header, the limit, and one row more to tell that there are more
    });
    const source = Readable.from(slicesOf(file));
    source.pipe(parser);
    const records: string[][] = [];
    try {
      for await (const record of parser as AsyncIterable<string[]>) records.push(record);
    } catch (e) {
      throw refuseFile(`The file is not readable CSV: ${(e as Error).message}`);
    } finally {
      source.destroy();
    }
    if (records.length > limit + 1)
      throw refuseFile(
        `The file has more than ${limit.toLocaleString('en-US')} rows, the most one check takes. Split it and check each part.`,
        HttpStatus.PAYLOAD_TOO_LARGE,
      );
    return records;
  }

  /** The engine's facts about these people, loaded a slice at a time so that no one query runs long. */
  private async factsInSlices(personIds: string[]): Promise<Map<string, ClearanceFacts>> {
    const facts = new Map<string, ClearanceFacts>();
    for (let i = 0; i < personIds.length; i += PEOPLE_PER_SLICE) {
      for (const [id, f] of await this.clearance.factsFor(personIds.slice(i, i + PEOPLE_PER_SLICE))) facts.set(id, f);
      await yieldToEventLoop();
    }
    return facts;
  }

  /** The people named in the file, by e-mail (any capitals) or id, that the viewer may see. */
  private async findPeople(keys: string[], viewer: AuthUser): Promise<Map<string, Person>> {
    const ids = [...new Set(keys.filter((k) => UUID.test(k)).map((k) => k.toLowerCase()))];
    // A NUL in a query parameter is an error on PostgreSQL; such a cell names nobody.
    const emails = [...new Set(keys.filter((k) => k.includes('@') && !hasControlCharacters(k)).map(emailKey))];
    const found = new Map<string, Person>();
    const today = this.config.today();
    for (const [column, values] of [['p.id', ids] as const, ['p.email_key', emails] as const]) {
      for (let i = 0; i < values.length; i += 900) {
        const chunk = values.slice(i, i + 900);
        const people = await whereVisibleTo(
          this.dataSource.getRepository(Person).createQueryBuilder('p'),
          'p.id',
          viewer,
          today,
        )
          .andWhere(`${column} IN (:...chunk)`, { chunk })
          .getMany();
        for (const p of people) {
          found.set(p.id.toLowerCase(), p);
          found.set(p.emailKey, p);
        }
        await yieldToEventLoop();
      }
    }
    return found;
  }
}
