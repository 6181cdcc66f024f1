import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { RevokeCredentialDto } from '../credentials/dto/credential.dto';
import { JobQueue } from '../jobs/jobs';
import { certificateState } from './certificate-view';
import type { Certificate } from './certificate.entity';
import { CertificateAddresses } from './certificate-addresses.service';
import { CertificateReads } from './certificate-reads.service';
import { CertificateVerification } from './certificate-verification.service';
import { CertificatesService } from './certificates.service';
import { RedrawLocalCertificatesDto, RegenerateCertificatesDto, ReissueCertificateDto } from './dto/certificate.dto';

export function certificateView(c: Certificate, today: string, baseUrl: string) {
  return {
    id: c.id,
    credentialId: c.credentialId,
    personId: c.personId,
    code: c.code,
    verifyUrl: `${baseUrl}/verify/${c.code}`,
    state: certificateState(c, c.credential, today),
    recipientName: c.recipientName,
    credentialName: c.credentialName,
    credentialCode: c.credential?.credentialType?.code ?? null,
    issuedOn: c.credential?.issuedOn ?? null,
    expiresOn: c.credential?.expiresOn ?? null,
    issuedAt: c.issuedAt,
    template: { id: c.templateId, version: c.templateVersion },
    sha256: c.sha256,
    byteSize: c.byteSize,
    supersededAt: c.supersededAt,
    supersededById: c.supersededById,
    supersedeReason: c.supersedeReason,
    revokedOn: c.revokedOn,
    revocationReason: c.revocationReason,
    reissueRequested: !!c.reissueRequestedAt,
  };
}

/** Only jobs this feature started are shown by this feature's endpoints. */
export async function certificateJob(jobs: JobQueue, id: string) {
  const job = /^[\w:.-]{1,100}$/.test(id) ? await jobs.get(id) : undefined;
  if (!job || !job.name.startsWith('certificate.')) throw new NotFoundException('No certificate job with that id.');
  return job;
}

/** Certificates as JSON: holders, their supervisors and trainers read; admins revoke and re-issue. */
@ApiTags('certificates')
@ApiBearerAuth()
@Controller('api/v1')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly reads: CertificateReads,
    private readonly verification: CertificateVerification,
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
    private readonly addresses: CertificateAddresses,
  ) {}

  private view(c: Certificate) {
    return certificateView(c, this.config.today(), this.config.publicBaseUrl);
  }

  @Get('people/:id/certificates')
  @ApiOperation({ summary: "A person's certificates, current and replaced, newest first (404 outside your scope)" })
  async forPerson(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return (await this.reads.forPerson(id, user)).map((c) => this.view(c));
  }

  // Before `certificates/:id`, which would take this path for an id.
  @Get('certificates/drawn-with-local-address')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Current certificates whose QR code and verify link point at a local address (drawn while PUBLIC_BASE_URL was unset), and the public address a redraw would use',
  })
  async drawnWithLocalAddress() {
    const summary = await this.addresses.localSummary();
    return { ...summary, credentialIds: await this.addresses.findDrawnWithLocalAddress() };
  }

  @Post('certificates/redraw-local')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Re-issue every current certificate drawn with a local address, with the public address, in one job (409 while PUBLIC_BASE_URL is unset or local)',
  })
  async redrawLocal(@Body() dto: RedrawLocalCertificatesDto, @RequestActor() actor: Actor) {
    const jobId = await this.addresses.redrawLocal(dto.note ?? null, actor);
    return { jobId, job: `/api/v1/certificate-jobs/${jobId}` };
  }

  @Get('certificates/:id')
  @ApiOperation({ summary: 'One certificate (404 outside your scope)' })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return this.view(await this.reads.visible(id, user));
  }

  @Get('certificates/:id/pdf')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'The certificate PDF exactly as issued' })
  async pdf(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { certificate, bytes } = await this.reads.pdf(id, user);
    sendPdf(res, certificate, bytes);
  }

  @Get('certificates/:id/open-badge')
  @ApiProduces('application/vc+jwt')
  @ApiOperation({
    summary: 'The Open Badges 3.0 credential, signed as a VC-JWT (RS256): for its holder and admins only',
  })
  async openBadge(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { certificate, jwt } = await this.verification.openBadge(id, user);
    sendBadge(res, certificate, jwt);
  }

  @Post('certificates/:id/revoke')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a certificate and its credential together, from an effective date, with a reason category',
  })
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RevokeCredentialDto,
    @RequestActor() actor: Actor,
    @CurrentUser() user: AuthUser,
  ) {
    await this.certificates.revokeCertificate(id, dto, actor);
    return this.view(await this.reads.visible(id, user));
  }

  @Post('certificates/:id/reissue')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Make a new certificate that supersedes this one (in a job); returns the job to poll' })
  async reissue(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ReissueCertificateDto,
    @RequestActor() actor: Actor,
    @CurrentUser() user: AuthUser,
  ) {
    const certificate = await this.reads.visible(id, user);
    const jobId = await this.certificates.requestReissue(
      [certificate.credentialId],
      dto.reason,
      dto.note ?? null,
      actor,
    );
    return { jobId, job: `/api/v1/certificate-jobs/${jobId}` };
  }

  @Post('certificates/regenerate')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-issue the certificates of these credentials from the current layout, in one job with progress',
  })
  async regenerate(@Body() dto: RegenerateCertificatesDto, @RequestActor() actor: Actor) {
    const jobId = await this.certificates.requestReissue(dto.credentialIds, dto.reason, dto.note ?? null, actor);
    return { jobId, job: `/api/v1/certificate-jobs/${jobId}` };
  }

  @Get('cohorts/:id/certificate-progress')
  @Roles('trainer', 'admin')
  @ApiOperation({
    summary: "How many of a cohort's awards have their certificate drawn yet (its trainers and admins)",
  })
  cohortProgress(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser) {
    return this.reads.cohortDrawing(id, user);
  }

  @Get('certificate-jobs/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'State and progress of a certificate job' })
  async job(@Param('id') id: string) {
    const job = await certificateJob(this.jobs, id);
    return {
      id: job.id,
      name: job.name,
      state: job.state,
      progress: job.progress,
      error: job.error,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    };
  }
}

/** A file name that keeps the person's own spelling but nothing a file system or header would trip on. */
export function certificateFileName(c: Certificate, extension: string): string {
  const name =
    c.recipientName
      .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim() || 'certificate';
  return `${name} - ${c.credentialName
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
    .slice(0, 80)
    .trim()} - ${c.code}.${extension}`;
}

function contentDisposition(fileName: string): string {
  const ascii =
    fileName
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '') || 'certificate';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function sendPdf(res: Response, certificate: Certificate, bytes: Buffer): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', contentDisposition(certificateFileName(certificate, 'pdf')));
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('ETag', `"${certificate.sha256}"`);
  res.end(bytes);
}

export function sendBadge(res: Response, certificate: Certificate, jwt: string): void {
  res.setHeader('Content-Type', 'application/vc+jwt');
  res.setHeader('Content-Disposition', contentDisposition(certificateFileName(certificate, 'jwt')));
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(jwt);
}
