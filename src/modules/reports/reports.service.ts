import { BadRequestException, Injectable } from '@nestjs/common';
import { addDays, addMonths, isIsoDate, type IsoDate } from '../../common/dates';
import type { FieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../auth/auth-user';
import type { RequirementNode } from '../catalog/requirement-node';
import { renewalReadiness } from '../ce/renewal-readiness';
import type { RoleRule } from '../clearance/clearance-engine';
import { ClearanceService } from '../clearance/clearance.service';
import { credentialStanding } from '../credentials/credential-status';
import type { ReportFiltersDto } from './dto/report-filters.dto';
import { ReportsRepository, type CohortFilter, type PeopleFilter } from './reports.repository';

export const REPORT_KEYS = [
  'training-activity',
  'credential-roster',
  'renewal-readiness',
  'supervision-summary',
  'clearance',
] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];
type FilterName = Exclude<keyof ReportFiltersDto, never>;

export interface ReportDefinition {
  key: ReportKey;
  title: string;
  description: string;
  filters: FilterName[];
}

export const REPORTS: Record<ReportKey, ReportDefinition> = {
  'training-activity': {
    key: 'training-activity',
    title: 'Training activity',
    description:
      'People trained, hours delivered and completions, by course and setting (clinic, community, jail), for sessions held in the period.',
    filters: ['from', 'to', 'course', 'setting', 'location', 'role', 'supervisor'],
  },
  'credential-roster': {
    key: 'credential-roster',
    title: 'Credential roster',
    description:
      'Every credential with its dates and its status on the as-of date; a period limits it to credentials expiring in that period.',
    filters: ['date', 'from', 'to', 'credentialType', 'role', 'supervisor'],
  },
  'renewal-readiness': {
    key: 'renewal-readiness',
    title: 'Renewal readiness',
    description:
      'Confirmed continuing-education hours against what each upcoming (or in-grace) renewal requires, on the as-of date.',
    filters: ['date', 'credentialType', 'role', 'supervisor'],
  },
  'supervision-summary': {
    key: 'supervision-summary',
    title: 'Supervision log summary',
    description:
      'Supervision sessions and minutes per peer per month in the period. Session content is never included.',
    filters: ['from', 'to', 'supervisor'],
  },
  clearance: {
    key: 'clearance',
    title: 'Clearance on a date',
    description: 'Every active peer × practice role: cleared or not on the as-of date, and until when.',
    filters: ['date', 'role', 'supervisor'],
  },
};

export interface ReportColumn {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date';
}

export type ReportCell = string | number | null;

export interface ReportTable {
  report: ReportKey;
  title: string;
  description: string;
  /** The filters as applied, defaults filled in. */
  filters: Partial<Record<FilterName, string>>;
  columns: ReportColumn[];
  rows: Array<Record<string, ReportCell>>;
  /** A few totals to read before the rows. */
  summary: Array<{ label: string; value: number }>;
}

/** Filters checked against the catalogue and the report, defaults filled in. */
interface Resolved {
  from: IsoDate;
  to: IsoDate;
  date: IsoDate;
  rangeGiven: boolean;
  course?: string;
  credentialType?: string;
  role?: RoleRule;
  supervisor?: string;
  setting?: string;
  location?: string;
}

const text = (key: string, label: string): ReportColumn => ({ key, label, type: 'text' });
const num = (key: string, label: string): ReportColumn => ({ key, label, type: 'number' });
const day = (key: string, label: string): ReportColumn => ({ key, label, type: 'date' });
const round2 = (n: number) => Math.round(n * 100) / 100;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The reports: each one a table of columns and rows, scoped to what the viewer may see, for the page, the API, CSV and XLSX alike. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repository: ReportsRepository,
    private readonly clearance: ClearanceService,
    private readonly config: AppConfig,
  ) {}

  async run(key: ReportKey, query: ReportFiltersDto, viewer: AuthUser): Promise<ReportTable> {
    const f = await this.resolve(key, query);
    const people: PeopleFilter = {
      viewer,
      today: this.config.today(),
      supervisorId: f.supervisor,
      from: f.rangeGiven ? f.from : f.date,
      to: f.rangeGiven ? f.to : f.date,
    };
    // The filters as applied, defaults included; the roster's period is a filter only when one was given.
    const value: Partial<Record<FilterName, string | undefined>> = { ...f, role: f.role?.code };
    const applied: ReportTable['filters'] = {};
    for (const name of REPORTS[key].filters) {
      const rangeOnRequest = key === 'credential-roster' && (name === 'from' || name === 'to') && !f.rangeGiven;
      if (value[name] !== undefined && !rangeOnRequest) applied[name] = value[name];
    }
    const head = { report: key, title: REPORTS[key].title, description: REPORTS[key].description, filters: applied };
    switch (key) {
      case 'training-activity':
        return { ...head, ...(await this.trainingActivity(f, people)) };
      case 'credential-roster':
        return { ...head, ...(await this.roster(f, people)) };
      case 'renewal-readiness':
        return { ...head, ...(await this.readiness(f, people)) };
      case 'supervision-summary':
        return { ...head, ...(await this.supervisionSummary(f, people)) };
      case 'clearance':
        return { ...head, ...(await this.clearanceOn(f, people, viewer)) };
    }
  }

  /** Options for the filter form. */
  async choices() {
    const [courses, supervisors, roles] = await Promise.all([
      this.repository.courses(),
      this.repository.supervisors(),
      this.clearance.roles(),
    ]);
    return {
      courses,
      supervisors,
      roles: roles.map((r) => ({ code: r.code, name: r.name })),
      settings: ['clinic', 'community', 'jail'],
    };
  }

  private async trainingActivity(f: Resolved, people: PeopleFilter) {
    const cohort: CohortFilter = { setting: f.setting, location: f.location };
    if (f.course) cohort.courseIds = [f.course];
    if (f.role) {
      const codes = new Set(await this.credentialCodesOf(f.role));
      cohort.courseIds = (await this.repository.courses())
        .filter((c) => c.awardsCode && codes.has(c.awardsCode) && (!f.course || c.id === f.course))
        .map((c) => c.id);
    }
    const range = { from: f.from, to: f.to };
    const [attended, completions] = await Promise.all([
      this.repository.attended(people, range, cohort),
      this.repository.completions(people, range, cohort),
    ]);
    type Group = {
      code: string;
      title: string;
      setting: string;
      cohorts: Set<string>;
      sessions: Set<string>;
      people: Set<string>;
      hours: number;
      completions: number;
    };
    const groups = new Map<string, Group>();
    const group = (r: { courseId: string; code: string; title: string; setting: string }) => {
      const k = `${r.code}|${r.setting}|${r.courseId}`;
      let g = groups.get(k);
      if (!g)
        groups.set(
          k,
          (g = {
            code: r.code,
            title: r.title,
            setting: r.setting,
            cohorts: new Set(),
            sessions: new Set(),
            people: new Set(),
            hours: 0,
            completions: 0,
          }),
        );
      return g;
    };
    for (const a of attended) {
      const g = group(a);
      g.cohorts.add(a.cohortId);
      g.sessions.add(a.sessionId);
      g.people.add(a.personId);
      g.hours += a.hours;
    }
    for (const c of completions) {
      const g = group(c);
      g.cohorts.add(c.cohortId);
      g.completions++;
    }
    const rows = [...groups.values()]
      .sort((a, b) => a.code.localeCompare(b.code) || a.setting.localeCompare(b.setting))
      .map((g) => ({
        course_code: g.code,
        course: g.title,
        setting: g.setting,
        cohorts: g.cohorts.size,
        sessions: g.sessions.size,
        people_trained: g.people.size,
        hours_delivered: round2(g.hours),
        completions: g.completions,
      }));
    return {
      columns: [
        text('course_code', 'Course code'),
        text('course', 'Course'),
        text('setting', 'Setting'),
        num('cohorts', 'Cohorts'),
        num('sessions', 'Sessions attended'),
        num('people_trained', 'People trained'),
        num('hours_delivered', 'Hours delivered (person-hours)'),
        num('completions', 'Completions'),
      ],
      rows,
      summary: [
        { label: 'People trained', value: new Set(attended.map((a) => a.personId)).size },
        { label: 'Hours delivered', value: round2(attended.reduce((n, a) => n + a.hours, 0)) },
        { label: 'Completions', value: completions.length },
        {
          label: 'People trained in jail cohorts',
          value: new Set(attended.filter((a) => a.setting === 'jail').map((a) => a.personId)).size,
        },
      ],
    };
  }

  private async roster(f: Resolved, people: PeopleFilter) {
    const typeCodes = await this.typeCodes(f);
    const rows = await this.repository.roster(people, {
      typeCodes,
      expiresFrom: f.rangeGiven ? f.from : undefined,
      expiresTo: f.rangeGiven ? f.to : undefined,
    });
    const out = rows.map((c) => {
      const standing = credentialStanding(c, c, f.date);
      const suspended =
        c.suspendedFrom !== null &&
        c.suspendedFrom <= f.date &&
        (c.suspendedUntil === null || f.date <= c.suspendedUntil);
      const status =
        c.issuedOn > f.date
          ? 'not yet issued'
          : c.revokedOn !== null && c.revokedOn <= f.date
            ? 'revoked'
            : suspended
              ? 'suspended'
              : c.renewed
                ? 'renewed'
                : standing.standing;
      return {
        person: c.personName,
        person_id: c.personId,
        credential_code: c.code,
        credential: c.typeName,
        licence_number: c.licenceNumber,
        source: c.source,
        issued_on: c.issuedOn,
        expires_on: c.expiresOn,
        status,
        days_to_expiry: status === 'renewed' || status === 'revoked' ? null : standing.daysToExpiry,
        revoked_on: c.revokedOn,
        verified_on: c.verifiedOn,
      };
    });
    const count = (s: string) => out.filter((r) => r.status === s).length;
    return {
      columns: [
        text('person', 'Person'),
        text('person_id', 'Person id'),
        text('credential_code', 'Code'),
        text('credential', 'Credential'),
        text('licence_number', 'Licence number'),
        text('source', 'Source'),
        day('issued_on', 'Issued'),
        day('expires_on', 'Expires'),
        text('status', 'Status'),
        num('days_to_expiry', 'Days to expiry'),
        day('revoked_on', 'Revoked'),
        day('verified_on', 'Verified'),
      ],
      rows: out,
      summary: [
        { label: 'Credentials', value: out.length },
        { label: 'Current', value: count('current') },
        { label: 'Expiring within 90 days', value: count('expiring') },
        { label: 'Lapsed (in grace)', value: count('grace') },
        { label: 'Expired or terminated', value: count('expired') + count('terminated') },
      ],
    };
  }

  private async readiness(f: Resolved, people: PeopleFilter) {
    const typeCodes = await this.typeCodes(f);
    const held = (await this.repository.roster(people, { typeCodes, withCeHoursOnly: true })).filter(
      (c) => c.issuedOn <= f.date,
    );
    const ce = await this.repository.ceHours([...new Set(held.map((c) => c.personId))]);
    const cePerPerson = groupBy(ce, (e) => e.personId);
    // Periods of one credential type for one person, oldest first (the roster is ordered by issue date).
    const perPersonType = groupBy(held, (c) => `${c.personId}|${c.code}`);
    const rows = [...perPersonType.values()]
      .map((periods) => {
        const current = periods[periods.length - 1];
        // Only a renewal still ahead, or one in its grace period, is something to get ready for.
        if (addDays(current.expiresOn!, current.graceDays) < f.date) return null;
        const r = renewalReadiness(
          current.code,
          current.renewalCeHours!,
          periods.map((p) => ({ issuedOn: p.issuedOn, expiresOn: p.expiresOn! })),
          cePerPerson.get(current.personId) ?? [],
          f.date,
        );
        return {
          person: current.personName,
          person_id: current.personId,
          credential_code: current.code,
          period_from: r.period.from,
          period_to: r.period.to,
          renewal_number: r.period.number,
          hours_needed: r.hoursNeeded,
          carried_forward: r.carriedForward,
          hours_done: r.hoursDone,
          hours_short: round2(Math.max(0, r.hoursNeeded - r.carriedForward - r.hoursDone)),
          days_left: r.daysLeft,
          ready: r.ready ? 'yes' : 'no',
          missing: r.missing.join('; '),
        };
      })
      .filter((r) => r !== null);
    return {
      columns: [
        text('person', 'Person'),
        text('person_id', 'Person id'),
        text('credential_code', 'Credential'),
        day('period_from', 'Period from'),
        day('period_to', 'Renewal due'),
        num('renewal_number', 'Period number'),
        num('hours_needed', 'CE hours required'),
        num('carried_forward', 'Carried forward'),
        num('hours_done', 'CE hours confirmed'),
        num('hours_short', 'Hours short'),
        num('days_left', 'Days left'),
        text('ready', 'Ready'),
        text('missing', 'Still missing'),
      ],
      rows,
      summary: [
        { label: 'Renewals ahead', value: rows.length },
        { label: 'Ready', value: rows.filter((r) => r.ready === 'yes').length },
        { label: 'Not ready', value: rows.filter((r) => r.ready === 'no').length },
      ],
    };
  }

  private async supervisionSummary(f: Resolved, people: PeopleFilter) {
    const rows = await this.repository.supervisionByMonth(people, { from: f.from, to: f.to }, f.supervisor);
    return {
      columns: [
        text('peer', 'Peer'),
        text('peer_id', 'Peer id'),
        text('month', 'Month'),
        num('sessions', 'Sessions'),
        num('minutes', 'Minutes'),
        num('hours', 'Hours'),
      ],
      rows: rows.map((r) => ({
        peer: r.peerName,
        peer_id: r.peerId,
        month: r.month,
        sessions: r.sessions,
        minutes: r.minutes,
        hours: round2(r.minutes / 60),
      })),
      summary: [
        { label: 'Peers supervised', value: new Set(rows.map((r) => r.peerId)).size },
        { label: 'Sessions', value: rows.reduce((n, r) => n + r.sessions, 0) },
        { label: 'Hours', value: round2(rows.reduce((n, r) => n + r.minutes, 0) / 60) },
      ],
    };
  }

  private async clearanceOn(f: Resolved, people: PeopleFilter, viewer: AuthUser) {
    const board = await this.clearance.briefBoard(viewer, f.date, f.role ? [f.role.code] : undefined, {
      reasons: true,
    });
    const team = f.supervisor ? new Set((await this.repository.visiblePeers(people)).map((p) => p.id)) : null;
    const rows = board.rows
      .filter((row) => !team || team.has(row.person.id))
      .flatMap((row) =>
        row.results.map((r) => ({
          person: row.person.name,
          person_id: row.person.id,
          role_code: r.role.code,
          role: r.role.name,
          status: r.status,
          cleared_until: r.clearedUntil,
          warning_until: r.warningUntil,
          why: r.status === 'not_cleared' ? (r.reason ?? '') : r.warnings.join(' '),
          last_supervision: row.lastSupervisionOn,
        })),
      );
    return {
      columns: [
        text('person', 'Person'),
        text('person_id', 'Person id'),
        text('role_code', 'Role code'),
        text('role', 'Practice role'),
        text('status', 'Status'),
        day('cleared_until', 'Cleared until'),
        day('warning_until', 'With a warning until'),
        text('why', 'Why'),
        day('last_supervision', 'Last supervision'),
      ],
      rows,
      summary: board.roles.map((role) => ({
        label: `Cleared: ${role.name}`,
        value: rows.filter((r) => r.role_code === role.code && r.status !== 'not_cleared').length,
      })),
    };
  }

  /** The credential types a report covers: the one asked for, and/or those a practice role's rule names. */
  private async typeCodes(f: Resolved): Promise<string[] | undefined> {
    const fromRole = f.role ? await this.credentialCodesOf(f.role) : undefined;
    if (f.credentialType && fromRole)
      return fromRole.filter((c) => c.toUpperCase() === f.credentialType!.toUpperCase());
    return f.credentialType ? [f.credentialType] : fromRole;
  }

  /** Every credential type a role's rule mentions, through "cleared as" roles too. */
  private async credentialCodesOf(role: RoleRule): Promise<string[]> {
    const roles = new Map((await this.clearance.roles()).map((r) => [r.code.toUpperCase(), r]));
    const codes = new Set<string>();
    const seen = new Set<string>();
    const walk = (node: RequirementNode | null) => {
      if (!node) return;
      if (node.kind === 'credential' && node.credentialTypeCode) codes.add(node.credentialTypeCode);
      if (node.kind === 'practice_role' && node.practiceRoleCode && !seen.has(node.practiceRoleCode.toUpperCase())) {
        seen.add(node.practiceRoleCode.toUpperCase());
        walk(roles.get(node.practiceRoleCode.toUpperCase())?.rule ?? null);
      }
      node.children?.forEach(walk);
    };
    seen.add(role.code.toUpperCase());
    walk(role.rule);
    return [...codes].sort();
  }

  /** Checks the filters beyond their shape (real dates, an order, known codes, that they apply to this report); every problem at once. */
  private async resolve(key: ReportKey, q: ReportFiltersDto): Promise<Resolved> {
    const errors: FieldError[] = [];
    const allowed = new Set<string>(REPORTS[key].filters);
    for (const [name, value] of Object.entries(q))
      if (value !== undefined && value !== null && value !== '' && !allowed.has(name))
        errors.push({ field: name, message: `does not apply to the ${REPORTS[key].title.toLowerCase()} report` });
    for (const name of ['from', 'to', 'date'] as const)
      if (q[name] && !isIsoDate(q[name])) errors.push({ field: name, message: 'must be a real calendar date' });
    const today = this.config.today();
    const date = q.date && isIsoDate(q.date) ? q.date : today;
    const to = q.to && isIsoDate(q.to) ? q.to : q.from && isIsoDate(q.from) && q.from > today ? q.from : today;
    const from = q.from && isIsoDate(q.from) ? q.from : addDays(addMonths(to, -12), 1);
    if (q.from && q.to && isIsoDate(q.from) && isIsoDate(q.to) && q.from > q.to)
      errors.push({ field: 'to', message: 'must be on or after the start date' });
    const resolved: Resolved = {
      from,
      to,
      date,
      rangeGiven: !!(q.from || q.to),
      supervisor: q.supervisor ?? undefined,
      setting: q.setting ?? undefined,
      location: q.location ?? undefined,
    };
    if (q.role && allowed.has('role')) {
      resolved.role = (await this.clearance.roles()).find((r) => r.code.toUpperCase() === q.role!.toUpperCase());
      if (!resolved.role) errors.push({ field: 'role', message: 'is not a practice role code' });
    }
    const choices = q.course || q.credentialType || q.supervisor ? await this.choices() : null;
    if (q.course && allowed.has('course')) {
      if (!choices!.courses.some((c) => c.id === q.course))
        errors.push({ field: 'course', message: 'is not a course' });
      resolved.course = q.course;
    }
    if (q.credentialType && allowed.has('credentialType')) {
      const known = await this.repository.credentialTypeCodes();
      const match = known.find((c) => c.toUpperCase() === q.credentialType!.toUpperCase());
      if (!match) errors.push({ field: 'credentialType', message: 'is not a credential type code' });
      resolved.credentialType = match;
    }
    if (q.supervisor && allowed.has('supervisor') && !choices!.supervisors.some((s) => s.id === q.supervisor))
      errors.push({ field: 'supervisor', message: 'is not a supervisor' });
    if (errors.length)
      throw new BadRequestException({
        statusCode: 400,
        message:
          errors.length === 1 ? `${errors[0].field}: ${errors[0].message}` : `${errors.length} filters are invalid`,
        errors,
      });
    return resolved;
  }
}
