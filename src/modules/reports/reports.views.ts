import { Injectable, NotFoundException } from '@nestjs/common';
import { formErrorsFrom } from '../../common/http/form-errors';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/auth/auth-user';
import { chartTable, type ChartModel } from './charts/chart-model';
import { renderSvg } from './charts/svg-chart';
import { ClearanceService } from '../clearance/clearance.service';
import { DashboardService } from './dashboard.service';
import { DashboardQueryDto, ReportFiltersDto } from './dto/report-filters.dto';
import { REPORT_KEYS, REPORTS, ReportsService, type ReportKey, type ReportTable } from './reports.service';

/** Rows a report page shows; the downloads carry all of them. */
const PAGE_ROWS = 500;

/** A page the reports render: its status (400 when the query had a field to refuse) and its model. */
export interface ReportsPage {
  status: number;
  model: object;
}

export function reportKey(value: string): ReportKey {
  if (!(REPORT_KEYS as readonly string[]).includes(value)) throw new NotFoundException('No report by that name.');
  return value as ReportKey;
}

export function reportFileName(table: ReportTable): string {
  const when = table.filters.date ?? [table.filters.from, table.filters.to].filter(Boolean).join('_to_');
  return `${table.report}${when ? `-${when}` : ''}`;
}

function chartView(model: ChartModel, width: number, height: number) {
  return { model, svg: renderSvg(model, { width, height, fontSize: 13 }), table: chartTable(model) };
}

const query = (filters: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  ).toString();

/**
 * The dashboard and report pages' models. A page's query is validated here rather than by the global pipe:
 * a bad filter is shown beside its field (at 400) with the rest of the page, not as an error page.
 */
@Injectable()
export class ReportsViews {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly clearance: ClearanceService,
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
  ) {}

  async dashboardPage(user: AuthUser, raw: Record<string, unknown>): Promise<ReportsPage> {
    const { value, errors: shapeErrors } = await validateForm(DashboardQueryDto, raw);
    let errors = shapeErrors;
    let date = this.config.today();
    try {
      date = this.clearance.dateOrToday(value?.date ?? undefined);
    } catch (e) {
      errors = formErrorsFrom(e);
    }
    const d = await this.dashboard.build(user, date);
    return {
      status: errors ? 400 : 200,
      model: {
        title: 'Program dashboard',
        wide: true,
        d,
        errors,
        dateValue: typeof raw.date === 'string' ? raw.date : d.date,
        pdfHref: `/reports/dashboard.pdf${errors ? '' : `?date=${d.date}`}`,
        maxExpiring: Math.max(d.expiring.in90, 1),
        charts: {
          expirations: chartView(d.charts.expirations, 640, 340),
          cleared: chartView(d.charts.cleared, 640, 340),
          pipeline: chartView(d.charts.pipeline, 640, 300),
        },
        reports: Object.values(REPORTS),
      },
    };
  }

  /** A report with its filter form; bad filters show beside their fields and nothing else is lost. */
  async reportPage(key: string, user: AuthUser, raw: Record<string, unknown>): Promise<ReportsPage> {
    const definition = REPORTS[reportKey(key)];
    const choices = await this.reports.choices();
    const { value, errors: shapeErrors } = await validateForm(ReportFiltersDto, raw);
    let errors = shapeErrors;
    let table: ReportTable | null = null;
    if (value) {
      try {
        table = await this.reports.run(definition.key, value, user);
      } catch (e) {
        errors = formErrorsFrom(e);
      }
    }
    const shown = Object.fromEntries(
      definition.filters.map((f) => [f, typeof raw[f] === 'string' ? raw[f] : (table?.filters[f] ?? '')]),
    );
    const downloads = query(table ? { ...table.filters, ...shown } : shown);
    return {
      status: errors ? 400 : 200,
      model: {
        title: definition.title,
        wide: true,
        definition,
        has: Object.fromEntries(definition.filters.map((f) => [f, true])),
        values: shown,
        choices,
        errors,
        table: table && {
          ...table,
          shownRows: table.rows
            .slice(0, PAGE_ROWS)
            .map((r) => table!.columns.map((c) => ({ value: r[c.key], type: c.type }))),
          truncated: table.rows.length > PAGE_ROWS,
          total: table.rows.length,
        },
        pageRows: PAGE_ROWS,
        csvHref: `/reports/${definition.key}.csv${downloads ? `?${downloads}` : ''}`,
        xlsxHref: `/reports/${definition.key}.xlsx${downloads ? `?${downloads}` : ''}`,
      },
    };
  }
}
