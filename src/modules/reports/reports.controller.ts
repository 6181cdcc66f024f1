import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { ClearanceService } from '../clearance/clearance.service';
import { DashboardService } from './dashboard.service';
import { DashboardQueryDto, ReportFiltersDto } from './dto/report-filters.dto';
import { REPORT_KEYS, ReportsService, type ReportKey } from './reports.service';

/** The dashboard's figures and the reports as JSON: the same numbers the pages, CSV, XLSX and PDF show. */
@ApiTags('reports')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly clearance: ClearanceService,
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
  ) {}

  @Get('dashboard')
  @ApiOperation({
    summary:
      'Program dashboard figures as of a date: cleared per practice role, expirations, lapsed, supervision gaps, training pipeline, and the chart series',
    description: 'Admins get the whole program; supervisors their own team.',
  })
  dashboardFigures(@CurrentUser() user: AuthUser, @Query() q: DashboardQueryDto) {
    return this.dashboard.build(user, this.clearance.dateOrToday(q.date ?? undefined));
  }

  @Get(':report')
  @ApiOperation({
    summary: 'A report as columns and rows, with the filters as applied',
    description: 'Each report accepts only the filters that apply to it; others are a 400.',
  })
  @ApiParam({ name: 'report', enum: REPORT_KEYS })
  report(@Param('report') report: string, @CurrentUser() user: AuthUser, @Query() q: ReportFiltersDto) {
    if (!(REPORT_KEYS as readonly string[]).includes(report)) throw new NotFoundException('No report by that name.');
    return this.reports.run(report as ReportKey, q, user);
  }
}
