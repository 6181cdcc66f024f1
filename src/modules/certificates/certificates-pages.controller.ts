import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags, ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Response } from 'express';
import { submitForm } from '../../common/http/form-post';
import { validateForm } from '../../common/http/validation';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { RevokeCredentialPageDto } from '../credentials/dto/credential.dto';
import { revocationConfirmView } from '../credentials/credentials.views';
import { CertificateRevocation } from './certificate-revocation.service';
import { JobQueue } from '../jobs/jobs';
import { certificateJob, sendBadge, sendPdf } from './certificates.controller';
import { pipeCohortZip } from './certificate-zip';
import { CertificateAddresses } from './certificate-addresses.service';
import { CertificatesViews } from './certificates.views';
import { CertificateReads } from './certificate-reads.service';
import { CertificateVerification } from './certificate-verification.service';
import { CertificatesService } from './certificates.service';
import {
  ListCertificatesQuery,
  RedrawLocalCertificatesDto,
  RegenerateCertificatesDto,
  ReissueCertificateDto,
} from './dto/certificate.dto';

type FormBody = Record<string, unknown>;

const NOTICES: Record<string, string> = {
  revoked: 'Revoked: the certificate and its credential. Its verify page now shows the revocation.',
};

/** Certificate pages: the admin's list and record of each, downloads, and a cohort's ZIP for its trainers. */
@ApiTags('certificates')
@Controller()
export class CertificatesPagesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly reads: CertificateReads,
    private readonly verification: CertificateVerification,
    private readonly views: CertificatesViews,
    private readonly jobs: JobQueue,
    private readonly addresses: CertificateAddresses,
    private readonly revocation: CertificateRevocation,
  ) {}

  @ApiExcludeEndpoint()
  @Get('certificates')
  @Roles('admin')
  async list(@Query() raw: FormBody, @Res() res: Response) {
    const { value, errors } = await validateForm(ListCertificatesQuery, raw);
    return res.render('certificates/list', await this.views.list(value ?? {}, errors));
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
      model: (regenerateErrors) => this.views.regenerateRefused(regenerateErrors, body),
    });
  }

  @ApiExcludeEndpoint()
  @Post('certificates/redraw-local')
  @Roles('admin')
  async redrawLocal(@Body() body: FormBody, @RequestActor() actor: Actor, @Res() res: Response) {
    return submitForm(res, {
      dto: RedrawLocalCertificatesDto,
      body,
      run: (value) => this.addresses.redrawLocal(value.note ?? null, actor),
      done: (jobId) => `/certificates/jobs/${encodeURIComponent(jobId)}`,
      view: 'certificates/list',
      model: (redrawErrors) => this.views.redrawRefused(redrawErrors),
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
    return res.render('certificates/show', await this.views.show(id, user, { notice: NOTICES[notice ?? ''] }));
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
  // The first step answers with the confirmation page itself (a page, not a created resource).
  @HttpCode(200)
  @Roles('admin')
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @RequestActor() actor: Actor,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: RevokeCredentialPageDto,
      body,
      run: (value) => this.revocation.revokeOnceConfirmed(id, value, actor),
      // First the page that says what will happen; the post from there revokes.
      done: ({ preview }) =>
        preview
          ? revocationConfirmView(preview, `/certificates/${id}/revoke`, `/certificates/${id}`)
          : `/certificates/${id}?notice=revoked`,
      view: 'certificates/show',
      model: (revokeErrors) => this.views.show(id, user, { revokeErrors, revokeValues: body }),
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
      model: (reissueErrors) => this.views.show(id, user, { reissueErrors, reissueValues: body }),
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
    await pipeCohortZip(res, cohort, certificates, (c) => this.reads.stream(c));
  }
}
