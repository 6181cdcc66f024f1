import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { writeDashboardPdf } from './dashboard-pdf';
import { ClearanceService } from '../clearance/clearance.service';
import { DashboardService } from './dashboard.service';
import { DashboardQueryDto, ReportFiltersDto } from './dto/report-filters.dto';
import { writeCsv, writeXlsx } from './report-export';
import { ReportsService } from './reports.service';
import { reportFileName, reportKey, ReportsViews } from './reports.views';

/** The dashboard and the report pages with their downloads: admins see the program, supervisors their team. */
@ApiExcludeController()
@Roles('supervisor', 'admin')
@Controller('reports')
export class ReportsPagesController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly clearance: ClearanceService,
    private readonly reports: ReportsService,
    private readonly views: ReportsViews,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async page(@CurrentUser() user: AuthUser, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const { status, model } = await this.views.dashboardPage(user, raw);
    return res.status(status).render('reports/dashboard', model);
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
    res.setHeader('Content-Disposition', `attachment; filename="${reportFileName(table)}.csv"`);
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
    res.setHeader('Content-Disposition', `attachment; filename="${reportFileName(table)}.xlsx"`);
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
    const { status, model } = await this.views.reportPage(key, user, raw);
    return res.status(status).render('reports/report', model);
  }
}
