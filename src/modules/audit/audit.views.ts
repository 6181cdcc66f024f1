import { Injectable } from '@nestjs/common';
import { pagerView } from '../../common/http/pager';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { ChainReport } from './audit-chain';
import type { AuditEntry } from './audit-entry.entity';
import { actionLabel, displayIp } from './audit-labels';
import { AuditSubjects, entityWords, type AuditSubjectNames } from './audit-subjects';
import { AuditService } from './audit.service';
import { AuditQuery } from './dto/audit-query.dto';

/** An entry as the API gives it, its before and after parsed back from their stored JSON. */
export function entryView(e: AuditEntry) {
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

/** An entry as the page shows it: names and words for the ids, the action in words, IPv4 as people write it. */
function pageEntry(e: AuditEntry, names: AuditSubjectNames) {
  const name = e.actorId ? names.people.get(e.actorId.toLowerCase()) : undefined;
  // The label is who it was when recorded ("… (API token)"); a name changed since is shown beside it.
  const recordedAs = name && !e.actorLabel.startsWith(name) ? e.actorLabel : null;
  return {
    ...entryView(e),
    actor: name && recordedAs ? name : e.actorLabel,
    recordedAs,
    ip: displayIp(e.ip),
    actionLabel: actionLabel(e.action),
    what: entityWords(names, e.entityType, e.entityId),
    beforeText: e.before,
    afterText: e.after,
  };
}

/**
 * The audit log page's model. Its query is validated here rather than by the global pipe: a bad filter
 * is shown beside its field (at 400) with the rest of the page, not as an error page.
 */
@Injectable()
export class AuditViews {
  constructor(
    private readonly audit: AuditService,
    private readonly subjects: AuditSubjects,
    private readonly config: AppConfig,
  ) {}

  /** The page, with the result of a chain check when one was just asked for. */
  async list(raw: Record<string, unknown>, verification?: ChainReport): Promise<{ status: number; model: object }> {
    const { value, errors } = await validateForm(AuditQuery, raw);
    const query = value ?? {};
    const result = await this.audit.list(query, this.config.timeZone);
    const names = await this.subjects.names(result.items);
    const params = (extra: Record<string, string>) =>
      new URLSearchParams({
        ...(Object.fromEntries(
          Object.entries(query)
            .filter(([k, v]) => v !== undefined && k !== 'page')
            .map(([k, v]) => [k, String(v)]),
        ) as Record<string, string>),
        ...extra,
      }).toString();
    return {
      status: errors ? 400 : 200,
      model: {
        title: 'Audit log',
        query,
        errors,
        total: result.total,
        entries: result.items.map((e) => pageEntry(e, names)),
        verification,
        // The check keeps the filters, so the page it answers with is the one it was asked from.
        verifyAction: `/audit/verify?${params({})}`,
        csvHref: `/audit.csv?${params({})}`,
        pager: pagerView(result, (page) => `/audit?${params({ page: String(page) })}`),
      },
    };
  }
}
