import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags, ApiExcludeEndpoint } from '@nestjs/swagger';
import { ZipArchive, type Archiver } from 'archiver';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { pagerView } from '../../common/http/pager';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { REVOCATION_REASONS } from '../credentials/credential.entity';
import { RevokeCredentialDto } from '../credentials/dto/credential.dto';
import { JobQueue } from '../jobs/jobs';
import { STATE_LABELS } from './certificate-view';
import { REISSUE_REASONS, type Certificate } from './certificate.entity';
import { certificateFileName, certificateJob, certificateView, sendBadge, sendPdf } from './certificates.controller';
import { CertificateReads } from './certificate-reads.service';
import { CertificateVerification } from './certificate-verification.service';
import { CertificatesService } from './certificates.service';
import { ListCertificatesQuery, RegenerateCertificatesDto, ReissueCertificateDto } from './dto/certificate.dto';

type FormBody = Record<string, unknown>;

const NOTICES: Record<string, string> = {
  revoked: 'Revoked: the certificate and its credential. Its verify page now shows the revocation.',
};

/** Appends one entry and waits until the archive has taken it in, so only one file is open at a time. */
function appendOne(archive: Archiver, source: NodeJS.ReadableStream, name: string, gone: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      archive.off('entry', done);
      archive.off('error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      archive.off('entry', done);
      reject(error);
    };
    archive.on('entry', done);
    archive.once('error', failed);
    if (gone()) return done();
    archive.append(source as never, { name });
  });
}

/** Certificate pages: the admin's list and record of each, downloads, and a cohort's ZIP for its trainers. */
@ApiTags('certificates')
@Controller()
export class CertificatesPagesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly reads: CertificateReads,
    private readonly verification: CertificateVerification,
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  @ApiExcludeEndpoint()
  @Get('certificates')
  @Roles('admin')
  async list(@Query() raw: FormBody, @Res() res: Response) {
    const { value, errors } = await validateForm(ListCertificatesQuery, raw);
    const q = value ?? {};
    const page = await this.reads.list({
      q: q.q ?? undefined,
      type: q.type ?? undefined,
      page: q.page ?? undefined,
    });
    const link = (n: number) =>
      `/certificates?${new URLSearchParams({ ...(q.q ? { q: q.q } : {}), ...(q.type ? { type: q.type } : {}), page: String(n) })}`;
    return res.render('certificates/list', {
      title: 'Certificates',
      wide: true,
      items: page.items.map((c) => this.row(c)),
      total: page.total,
      query: q,
      errors,
      reasons: REISSUE_REASONS,
      pager: pagerView(page, link),
    });
  }

  @ApiExcludeEndpoint()
  @Post('certificates/regenerate')
  @Roles('admin')
  async regenerate(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    return submitForm(res, {
      dto: RegenerateCertificatesDto,
      body,
      run: (value) => this.certificates.requestReissue(value.credentialIds, value.reason, value.note ?? null, actor),
      done: (jobId) => `/certificates/jobs/${encodeURIComponent(jobId)}`,
      view: 'certificates/list',
      model: async (regenerateErrors) => {
        const page = await this.reads.list({});
        const items = page.items.map((c) => this.row(c));
        return {
          title: 'Certificates',
          wide: true,
          items,
          total: page.total,
          query: {},
          regenerateErrors,
          regenerateValues: body,
          reasons: REISSUE_REASONS,
        };
      },
    });
  }

  @ApiExcludeEndpoint()
  @Get('certificates/jobs/:id')
  @Roles('admin')
  async job(@Param('id') id: string, @Res() res: Response) {
    const job = await certificateJob(this.jobs, id);
    const running = job.state === 'waiting' || job.state === 'active' || job.state === 'delayed';
    return res.render('certificates/job', {
      title: 'Regenerating certificates',
      job,
      running,
      percent: job.progress && job.progress.total ? Math.round((job.progress.done / job.progress.total) * 100) : 0,
    });
  }

  @ApiExcludeEndpoint()
  @Get('certificates/:id')
  async show(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('certificates/show', await this.showModel(id, user, { notice: NOTICES[notice ?? ''] }));
  }

  @Get('certificates/:id/download')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'Download the certificate PDF (the holder, their supervisor, their trainer, admins)' })
  async download(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { certificate, bytes } = await this.reads.pdf(id, user);
    sendPdf(res, certificate, bytes);
  }

  @Get('certificates/:id/open-badge')
  @ApiProduces('application/vc+jwt')
  @ApiOperation({ summary: 'Download the Open Badges 3.0 credential (VC-JWT): the holder and admins' })
  async openBadge(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { certificate, jwt } = await this.verification.openBadge(id, user);
    sendBadge(res, certificate, jwt);
  }

  @ApiExcludeEndpoint()
  @Post('certificates/:id/revoke')
  @Roles('admin')
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: RevokeCredentialDto,
      body,
      run: (value) => this.certificates.revokeCertificate(id, value, actor),
      done: () => `/certificates/${id}?notice=revoked`,
      view: 'certificates/show',
      model: (revokeErrors) => this.showModel(id, user, { revokeErrors, revokeValues: body }),
    });
  }

  @ApiExcludeEndpoint()
  @Post('certificates/:id/reissue')
  @Roles('admin')
  async reissue(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: ReissueCertificateDto,
      body,
      run: async (value) => {
        const certificate = await this.reads.visible(id, user);
        return this.certificates.requestReissue([certificate.credentialId], value.reason, value.note ?? null, actor);
      },
      done: (jobId) => `/certificates/jobs/${encodeURIComponent(jobId)}`,
      view: 'certificates/show',
      model: (reissueErrors) => this.showModel(id, user, { reissueErrors, reissueValues: body }),
    });
  }

  @Get('training/cohorts/:id/certificates.zip')
  @Roles('trainer', 'admin')
  @ApiProduces('application/zip')
  @ApiOperation({
    summary: "All of a cohort's current certificates as one ZIP, streamed (the cohort's trainers and admins)",
  })
  async cohortZip(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { cohort, certificates } = await this.reads.forCohort(id, user);
    const fileName = `${cohort.course.code} ${cohort.name} certificates.zip`.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    );
    res.setHeader('Cache-Control', 'private, no-store');
    // PDFs are compressed already: storing them spares the CPU and changes nothing in size.
    const archive = new ZipArchive({ store: true });
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        gone = true;
        archive.abort();
      }
    });
    archive.pipe(res);
    const names = new Set<string>();
    try {
      for (const c of certificates) {
        if (gone) break;
        let name = certificateFileName(c, 'pdf');
        for (let n = 2; names.has(name); n++) name = certificateFileName(c, `${n}.pdf`);
        names.add(name);
        await appendOne(archive, this.reads.stream(c), name, () => gone);
      }
      if (!gone) await archive.finalize();
    } catch (error) {
      res.destroy(error as Error);
    }
  }

  private row(c: Certificate) {
    const v = certificateView(c, this.config.today(), this.config.publicBaseUrl);
    return { ...v, stateLabel: STATE_LABELS[v.state] };
  }

  private async showModel(id: string, user: AuthUser, extra: object) {
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
}
