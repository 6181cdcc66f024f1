import { Controller, Get, Header, NotFoundException, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import { Public } from '../../common/auth/decorators';
import { REVOCATION_REASON_WORDS } from '../credentials/credential.entity';
import { STATE_LABELS } from './certificate-view';
import { CertificateVerification, type VerifyResult } from './certificate-verification.service';
import { VerifyFormQuery } from './dto/certificate.dto';
import { CodeLookup, VerifyThrottlerGuard } from './verify-throttler.guard';
import { issuerProfile } from './open-badges';
import { SigningKeys } from './signing-key';
import { normaliseVerificationCode } from './verification-code';

/** Only what the issue allows the public to see; nothing else of the person or the credential. */
function publicView(r: VerifyResult) {
  return {
    state: r.state,
    status: STATE_LABELS[r.state],
    code: r.code,
    recipientName: r.recipientName ?? null,
    credential: r.credentialName ?? null,
    credentialCode: r.credentialCode ?? null,
    issuer: r.issuer ?? null,
    issuedOn: r.issuedOn ?? null,
    expiresOn: r.expiresOn ?? null,
    revokedOn: r.revokedOn ?? null,
    revocationReason: r.revocationReason ?? null,
    suspendedFrom: r.suspendedFrom ?? null,
    suspendedUntil: r.suspendedUntil ?? null,
    supersededBy: r.supersededBy ?? null,
  };
}

/**
 * The public side of certificates: anyone holding a code or the QR checks it here, and verifiers
 * of Open Badges fetch the issuer's key, profile and revocation list. No sign-in; rate-limited per
 * address; every lookup is logged.
 */
@ApiTags('verification (public)')
@Public()
@UseGuards(VerifyThrottlerGuard)
@Controller()
export class VerifyController {
  constructor(
    private readonly verification: CertificateVerification,
    private readonly signing: SigningKeys,
    private readonly config: AppConfig,
  ) {}

  @ApiExcludeEndpoint()
  @Get('verify')
  async form(@Query() raw: Record<string, unknown>, @Res() res: Response) {
    const { value, errors } = await validateForm(VerifyFormQuery, raw);
    const typed = value?.code;
    if (typed) return res.redirect(303, `/verify/${encodeURIComponent(normaliseVerificationCode(typed) ?? typed)}`);
    return res
      .status(errors ? 400 : 200)
      .render('certificates/verify-form', { title: 'Check a certificate', errors, values: raw });
  }

  @ApiExcludeEndpoint()
  @Get('verify/:code')
  @CodeLookup()
  async page(@Param('code') code: string, @Req() req: Request, @Res() res: Response) {
    const result = await this.verification.verify(code, 'page', req.ip ?? null);
    const view = publicView(result);
    return res.status(result.state === 'unknown' ? 404 : 200).render('certificates/verify', {
      title: result.state === 'unknown' ? 'No certificate has this code' : `Certificate ${result.code}`,
      result: {
        ...view,
        revocationReasonWords: view.revocationReason
          ? (REVOCATION_REASON_WORDS[view.revocationReason] ?? view.revocationReason)
          : null,
      },
      checkedOn: this.config.today(),
      typed: code,
    });
  }

  @Get('api/v1/verify/:code')
  @CodeLookup()
  @ApiOperation({
    summary: 'Check a certificate by its verification code (public, rate-limited); unknown codes answer 404',
  })
  @ApiParam({
    name: 'code',
    example: '7K2QH-XM4RB-9TCV1',
    description: 'Any case; dashes and spaces optional; O/0 and I/L/1 read alike',
  })
  @ApiOkResponse({
    description:
      'state is valid, expired, revoked (with date and reason category), superseded (with the newer code) or suspended',
  })
  async api(@Param('code') code: string, @Req() req: Request) {
    const result = await this.verification.verify(code, 'api', req.ip ?? null);
    if (result.state === 'unknown')
      throw new NotFoundException({
        statusCode: 404,
        message: 'No certificate has this code.',
        errors: [{ field: 'code', message: 'matches no certificate' }],
      });
    return publicView(result);
  }

  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOperation({
    summary:
      "The organisation's public keys (JWKs) for Open Badges credentials and the status lists: the current RS256 key first, then every retired key, so every credential ever issued still verifies",
  })
  async jwks() {
    return { keys: await this.signing.all() };
  }

  @Get('keys/:thumbprint')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOperation({
    summary: 'One signing key (current or retired) as a JWK: what the kid in a credential’s JWT header points to',
  })
  key(@Param('thumbprint') thumbprint: string) {
    const key = this.signing.key(thumbprint);
    if (!key) throw new NotFoundException('No key with that id.');
    return key;
  }

  @Get('issuer')
  @ApiOperation({ summary: 'The issuer Profile named in every Open Badges credential' })
  issuer() {
    return {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      ...issuerProfile(this.config.publicBaseUrl, this.config.orgName),
    };
  }

  @Get('status-lists/revocation')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The revocation BitstringStatusListCredential, signed as a VC-JWT (application/vc+jwt)' })
  async statusList(@Res() res: Response) {
    res.type('application/vc+jwt').send(await this.verification.statusListJwt('revocation'));
  }

  @Get('status-lists/suspension')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary:
      'The suspension BitstringStatusListCredential (VC-JWT): a certificate’s bit, at its revocation statusListIndex, is set while its credential is suspended',
  })
  async suspensionList(@Res() res: Response) {
    res.type('application/vc+jwt').send(await this.verification.statusListJwt('suspension'));
  }
}
