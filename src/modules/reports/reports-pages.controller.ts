import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { formErrorsFrom } from '../../common/http/form-errors';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { chartTable, type ChartModel } from './charts/chart-model';
import { renderSvg } from './charts/svg-chart';
import { writeDashboardPdf } from './dashboard-pdf';
import { ClearanceService } from '../clearance/clearance.service';
import { DashboardService } from './dashboard.service';
import { DashboardQueryDto, ReportFiltersDto } from './dto/report-filters.dto';
import { writeCsv, writeXlsx } from './report-export';
import { REPORT_KEYS, REPORTS, ReportsService, type ReportKey, type ReportTable } from './reports.service';

/** Rows a report page shows; the downloads carry all of them. */
const PAGE_ROWS = 500;

function reportKey(value: string): ReportKey {
  if (!(REPORT_KEYS as readonly string[]).includes(value)) throw new NotFoundException('No report by that name.');
  return value as ReportKey;
}

function chartView(model: ChartModel, width: number, height: number) {
  return { model, svg: renderSvg(model, { width, height, fontSize: 13 }), table: chartTable(model) };
}

const query = (filters: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  ).toString();

/** The dashboard and the report pages with their downloads: admins see the program, supervisors their team. */
@ApiExcludeController()
@Roles('supervisor', 'admin')
@Controller('reports')
export class ReportsPagesController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly clearance: ClearanceService,
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async page(@CurrentUser() user: AuthUser, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const { value, errors: shapeErrors } = await validateForm(DashboardQueryDto, raw);
    let errors = shapeErrors;
    let date = this.config.today();
    try {
      date = this.clearance.dateOrToday(value?.date ?? undefined);
    } catch (e) {
      errors = formErrorsFrom(e);
    }
    const d = await this.dashboard.build(user, date);
    return res.status(errors ? 400 : 200).render('reports/dashboard', {
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
    });
  }

  @Get('dashboard.pdf')
  async pdf(@CurrentUser() user: AuthUser, @Query() q: DashboardQueryDto, @Res() res: Response) {
    const d = await this.dashboard.build(user, this.clearance.dateOrToday(q.date ?? undefined));
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="dashboard-${d.date}.pdf"`);
    await writeDashboardPdf(d, this.config.orgName, res);
  }

  @Get(':report.csv')
  async csv(
    @Param('report') key: string,
    @CurrentUser() user: AuthUser,
    @Query() q: ReportFiltersDto,
    @Res() res: Response,
  ) {
    const table = await this.reports.run(reportKey(key), q, user);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${fileName(table)}.csv"`);
    await writeCsv(table, res);
  }

  @Get(':report.xlsx')
  async xlsx(
    @Param('report') key: string,
    @CurrentUser() user: AuthUser,
    @Query() q: ReportFiltersDto,
    @Res() res: Response,
  ) {
    const table = await this.reports.run(reportKey(key), q, user);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${fileName(table)}.xlsx"`);
    await writeXlsx(table, res);
  }

  /** A report with its filter form; bad filters show beside their fields and nothing else is lost. */
  @Get(':report')
  async report(
    @Param('report') key: string,
    @CurrentUser() user: AuthUser,
    @Query() raw: Record<string, unknown>,
    @Res() res: Response,
  ) {
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
    return res.status(errors ? 400 : 200).render('reports/report', {
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
    });
  }
}

function fileName(table: ReportTable): string {
  const when = table.filters.date ?? [table.filters.from, table.filters.to].filter(Boolean).join('_to_');
  return `${table.report}${when ? `-${when}` : ''}`;
}
