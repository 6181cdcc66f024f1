import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { formatDate, isIsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../auth/auth-user';
import { whereVisibleTo } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { ClearanceEngine, type ClearanceStatus } from './clearance-engine';
import { ClearanceService } from './clearance.service';

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

  async check(csv: string, viewer: AuthUser): Promise<{ rows: ServiceCheckRow[]; fileError: string | null }> {
    let records: string[][];
    try {
      records = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true });
    } catch (e) {
      return { rows: [], fileError: `The file is not readable CSV: ${(e as Error).message}` };
    }
    if (records.length === 0) return { rows: [], fileError: 'The file is empty.' };
    const header = records[0].map((h) => h.toLowerCase().replace(/\s+/g, '_'));
    const index = Object.fromEntries(
      Object.entries(COLUMNS).map(([key, names]) => [key, header.findIndex((h) => names.includes(h))]),
    ) as Record<keyof typeof COLUMNS, number>;
    const missing = Object.entries(index)
      .filter(([, i]) => i < 0)
      .map(([key]) => key);
    if (missing.length)
      return {
        rows: [],
        fileError: `The first line must name the columns; missing: ${missing.join(', ')} (e.g. "email,date,role").`,
      };

    const roles = await this.clearance.roles();
    const roleByKey = new Map(
      roles.flatMap((r) => [[r.code.toUpperCase(), r] as const, [r.name.toUpperCase(), r] as const]),
    );
    const wanted = records.slice(1).map((r, i) => ({
      line: i + 2,
      person: r[index.person] ?? '',
      date: r[index.date] ?? '',
      role: r[index.role] ?? '',
    }));

    const people = await this.findPeople(
      wanted.map((w) => w.person),
      viewer,
    );
    const facts = await this.clearance.factsFor([...new Set([...people.values()].map((p) => p.id))]);
    const engine = new ClearanceEngine(roles);
    const rows = wanted.map((w): ServiceCheckRow => {
      const base = { ...w, status: null, personName: null, reason: '' };
      const person = people.get(w.person.toLowerCase());
      const role = roleByKey.get(w.role.toUpperCase());
      const problems = [
        !w.person ? 'no person' : !person ? `no person you can see is "${w.person}"` : null,
        !isIsoDate(w.date) ? `"${w.date}" is not a date (YYYY-MM-DD)` : null,
        !role ? `"${w.role}" is not a practice role` : null,
      ].filter((p): p is string => p !== null);
      if (problems.length) return { ...base, error: problems.join('; ') };
      const result = engine.evaluate(role!.code, w.date, facts.get(person!.id)!);
      const reason =
        result.status === 'not_cleared'
          ? (result.requirements?.reason ?? '')
          : result.warnings.length
            ? result.warnings.join(' ')
            : `Cleared as ${role!.name} on ${formatDate(w.date)}.`;
      return { ...base, status: result.status, personName: person!.displayName, reason, error: null };
    });
    return { rows, fileError: null };
  }

  /** The people named in the file, by e-mail (any capitals) or id, that the viewer may see. */
  private async findPeople(keys: string[], viewer: AuthUser): Promise<Map<string, Person>> {
    const ids = [...new Set(keys.filter((k) => UUID.test(k)).map((k) => k.toLowerCase()))];
    const emails = [...new Set(keys.filter((k) => k.includes('@')).map((k) => k.toLowerCase()))];
    const found = new Map<string, Person>();
    const today = this.config.today();
    for (const [column, values] of [['p.id', ids] as const, ['lower(p.email)', emails] as const]) {
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
          found.set(p.email.toLowerCase(), p);
        }
      }
    }
    return found;
  }
}
