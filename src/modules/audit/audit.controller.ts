import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pagerView } from '../../common/http/pager';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import { Roles } from '../../common/auth/decorators';
import type { AuditEntry } from './audit-entry.entity';
import { AuditService } from './audit.service';
import { AuditQuery } from './dto/audit-query.dto';

function entryView(e: AuditEntry) {
  const parse = (s: string | null) => (s === null ? null : (JSON.parse(s) as unknown));
  return {
    id: e.id,
    at: e.at.toISOString(),
    actorId: e.actorId,
    actor: e.actorLabel,
    ip: e.ip,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: parse(e.before),
    after: parse(e.after),
    hash: e.hash,
  };
}

/** The audit log: browse, filter, export, verify. Admins only. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  @ApiExcludeEndpoint()
  @Get('audit')
  async page(@Query() raw: Record<string, unknown>, @Res() res: Response) {
    const { value, errors } = await validateForm(AuditQuery, raw);
    const query = value ?? {};
    const result = await this.audit.list(query, this.config.timeZone);
    const params = (extra: Record<string, string>) =>
      new URLSearchParams({
        ...(Object.fromEntries(
          Object.entries(query)
            .filter(([k, v]) => v !== undefined && k !== 'page')
            .map(([k, v]) => [k, String(v)]),
        ) as Record<string, string>),
        ...extra,
      }).toString();
    return res.status(errors ? 400 : 200).render('audit/list', {
      title: 'Audit log',
      query,
      errors,
      total: result.total,
      entries: result.items.map((e) => ({ ...entryView(e), beforeText: e.before, afterText: e.after })),
      csvHref: `/audit.csv?${params({})}`,
      pager: pagerView(result, (page) => `/audit?${params({ page: String(page) })}`),
    });
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
