import { BadRequestException, Injectable } from '@nestjs/common';
import { addDays, addMonths, isIsoDate, type IsoDate } from '../../common/dates';
import type { FieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/auth/auth-user';
import type { RequirementNode } from '../catalog/requirement-node';
import type { RoleRule } from '../clearance/clearance-engine';
import { ClearanceService, rolesNamed } from '../clearance/clearance.service';
import type { ReportFiltersDto } from './dto/report-filters.dto';
import { REPORTS, type FilterName, type ReportKey, type ReportTable } from './report-definitions';
import { clearanceTable, readinessTable, rosterTable, supervisionTable, trainingActivityTable } from './report-tables';
import { CredentialReportsRepository } from './credential-reports.repository';
import { PeopleReportsRepository } from './people-reports.repository';
import type { PeopleFilter } from './report-scope';
import { TrainingReportsRepository, type CohortFilter } from './training-reports.repository';

export { REPORT_KEYS, REPORTS, type ReportKey, type ReportTable, type ReportCell } from './report-definitions';

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

/** The reports: each one a table of columns and rows, scoped to what the viewer may see, for the page, the API, CSV and XLSX alike. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly training: TrainingReportsRepository,
    private readonly credentials: CredentialReportsRepository,
    private readonly people: PeopleReportsRepository,
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
      this.training.courses(),
      this.people.supervisors(),
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
      cohort.courseIds = (await this.training.courses())
        .filter((c) => c.awardsCode && codes.has(c.awardsCode) && (!f.course || c.id === f.course))
        .map((c) => c.id);
    }
    const range = { from: f.from, to: f.to };
    const [attended, completions] = await Promise.all([
      this.training.attended(people, range, cohort),
      this.training.completions(people, range, cohort),
    ]);
    return trainingActivityTable(attended, completions);
  }

  private async roster(f: Resolved, people: PeopleFilter) {
    const typeCodes = await this.typeCodes(f);
    const rows = await this.credentials.roster(people, {
      typeCodes,
      expiresFrom: f.rangeGiven ? f.from : undefined,
      expiresTo: f.rangeGiven ? f.to : undefined,
    });
    return rosterTable(rows, f.date);
  }

  private async readiness(f: Resolved, people: PeopleFilter) {
    const typeCodes = await this.typeCodes(f);
    const held = (await this.credentials.roster(people, { typeCodes, withCeHoursOnly: true })).filter(
      (c) => c.issuedOn <= f.date,
    );
    const ce = await this.credentials.ceHours([...new Set(held.map((c) => c.personId))]);
    return readinessTable(held, ce, f.date);
  }

  private async supervisionSummary(f: Resolved, people: PeopleFilter) {
    const rows = await this.people.supervisionByMonth(people, { from: f.from, to: f.to }, f.supervisor);
    return supervisionTable(rows);
  }

  private async clearanceOn(f: Resolved, people: PeopleFilter, viewer: AuthUser) {
    const board = await this.clearance.briefBoard(viewer, f.date, f.role ? [f.role.code] : undefined, {
      reasons: true,
    });
    const team = f.supervisor
      ? new Set((await this.people.visiblePeers(people, { from: f.date, to: f.date })).map((p) => p.id))
      : null;
    return clearanceTable(board, team);
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
      if (q[name] && !isIsoDate(q[name])) errors.push({ field: name, message: 'must be a real date (YYYY-MM-DD)' });
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
      [resolved.role] = rolesNamed(await this.clearance.roles(), [q.role]);
      if (!resolved.role) errors.push({ field: 'role', message: 'is not a practice role code' });
    }
    const choices = q.course || q.credentialType || q.supervisor ? await this.choices() : null;
    if (q.course && allowed.has('course')) {
      if (!choices!.courses.some((c) => c.id === q.course))
        errors.push({ field: 'course', message: 'is not a course' });
      resolved.course = q.course;
    }
    if (q.credentialType && allowed.has('credentialType')) {
      const known = await this.credentials.credentialTypeCodes();
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
