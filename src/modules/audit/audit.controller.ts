import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import { Roles } from '../../common/auth/decorators';
import { AuditService } from './audit.service';
import { AuditViews, entryView } from './audit.views';
import { AuditQuery } from './dto/audit-query.dto';

/** The audit log: browse, filter, export, verify. Admins only. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly views: AuditViews,
    private readonly config: AppConfig,
  ) {}

  @ApiExcludeEndpoint()
  @Get('audit')
  async page(@Query() raw: Record<string, unknown>, @Res() res: Response) {
    const { status, model } = await this.views.list(raw);
    return res.status(status).render('audit/list', model);
  }

  /**
   * Recomputes the chain and answers with the page and the result. A page rather than a redirect: the result is not
   * stored anywhere to redirect to, and posting again only checks again, since checking changes nothing.
   */
  @ApiExcludeEndpoint()
  @Post('audit/verify')
  @HttpCode(200)
  async verifyPage(@Query() raw: Record<string, unknown>, @Res() res: Response) {
    const report = await this.audit.verify();
    const { status, model } = await this.views.list(raw, report);
    return res.status(status).render('audit/list', model);
  }

  @ApiExcludeEndpoint()
  @Get('audit.csv')
  async csv(@Query() raw: Record<string, unknown>, @Res() res: Response) {
    const { value } = await validateForm(AuditQuery, raw);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-log-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    const csv = this.audit.exportCsv(value ?? {}, this.config.timeZone);
    res.on('close', () => csv.destroy());
    csv.pipe(res);
  }

  @Get('api/v1/audit')
  @ApiOperation({ summary: 'Audit entries, newest first, filtered by person, entity type, action and date range' })
  async list(@Query() query: AuditQuery) {
    const result = await this.audit.list(query, this.config.timeZone);
    return { ...result, items: result.items.map(entryView) };
  }

  @Get('api/v1/audit/verify')
  @ApiOperation({ summary: 'Recompute the hash chain and name any edited, deleted or reordered entry' })
  verify() {
    return this.audit.verify();
  }
}
