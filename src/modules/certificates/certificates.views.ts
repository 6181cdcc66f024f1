import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import type { FormErrors } from '../../common/http/form-post';
import { REVOCATION_REASONS } from '../credentials/credential.entity';
import { STATE_LABELS } from './certificate-view';
import { REISSUE_REASONS, type Certificate } from './certificate.entity';
import { certificateView } from './certificates.controller';
import { CertificateAddresses } from './certificate-addresses.service';
import { CertificateReads } from './certificate-reads.service';
import type { ListCertificatesQuery } from './dto/certificate.dto';
import { pagerView } from '../../common/http/pager';

/** The certificate pages' view models: the admin's list (with its pager) and the record of one certificate. */
@Injectable()
export class CertificatesViews {
  constructor(
    private readonly reads: CertificateReads,
    private readonly config: AppConfig,
    private readonly addresses: CertificateAddresses,
  ) {}

  /** The admin's list for a query the pages validated; `errors` are the query's own, shown beside its fields. */
  async list(q: ListCertificatesQuery, errors: FormErrors | null) {
    const page = await this.reads.list({
      q: q.q ?? undefined,
      type: q.type ?? undefined,
      page: q.page ?? undefined,
    });
    const link = (n: number) =>
      `/certificates?${new URLSearchParams({ ...(q.q ? { q: q.q } : {}), ...(q.type ? { type: q.type } : {}), page: String(n) })}`;
    return {
      title: 'Certificates',
      wide: true,
      items: page.items.map((c) => this.row(c)),
      total: page.total,
      query: q,
      errors,
      reasons: REISSUE_REASONS,
      pager: pagerView(page, link),
      localAddress: await this.localAddress(),
    };
  }

  /** The list again, unfiltered, with a refused redraw's message in the local-address box. */
  async redrawRefused(redrawErrors: FormErrors) {
    return { ...(await this.regenerateRefused({}, {})), redrawErrors };
  }

  /** The list again, unfiltered, with a refused regeneration's messages and draft. */
  async regenerateRefused(regenerateErrors: FormErrors, regenerateValues: unknown) {
    const page = await this.reads.list({});
    const items = page.items.map((c) => this.row(c));
    return {
      title: 'Certificates',
      wide: true,
      items,
      total: page.total,
      query: {},
      regenerateErrors,
      regenerateValues,
      reasons: REISSUE_REASONS,
      localAddress: await this.localAddress(),
    };
  }

  /** The box about certificates drawn with a local address: null when there are none. */
  private async localAddress() {
    const summary = await this.addresses.localSummary();
    if (!summary.total) return null;
    return { ...summary, publicBaseUrlSet: this.config.publicBaseUrlFrom === 'PUBLIC_BASE_URL' };
  }

  async show(id: string, user: AuthUser, extra: object) {
    const { certificate, history, lookups, state, holderVisible } = await this.reads.detail(id, user);
    const isAdmin = hasRole(user, 'admin');
    return {
      title: `Certificate ${certificate.code}`,
      certificate: { ...this.row(certificate), personName: certificate.person.displayName },
      state,
      stateLabel: STATE_LABELS[state],
      history: history.map((h) => ({ ...h, current: h.id === certificate.id })),
      lookups,
      isAdmin,
      isHolder: certificate.personId === user.id,
      holderVisible,
      canRevoke: isAdmin && state !== 'revoked',
      canReissue: isAdmin && state !== 'revoked' && !certificate.supersededAt,
      reasons: REVOCATION_REASONS,
      reissueReasons: REISSUE_REASONS,
      revokeValues: { effectiveOn: this.config.today() },
      ...extra,
    };
  }

  private row(c: Certificate) {
    const v = certificateView(c, this.config.today(), this.config.publicBaseUrl);
    return { ...v, stateLabel: STATE_LABELS[v.state] };
  }
}
