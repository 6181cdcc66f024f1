import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import type { LookupResult } from './certificate-lookup.entity';
import { CertificateReads } from './certificate-reads.service';
import { certificateState, type VerifyState } from './certificate-view';
import type { Certificate } from './certificate.entity';
import { CertificatesRepository } from './certificates.repository';
import { badgeImage, openBadgeCredential, type AchievementType, type StatusPurpose } from './open-badges';
import { SigningKeys } from './signing-key';
import { statusListCredential } from './status-lists';
import { normaliseVerificationCode } from './verification-code';

export interface VerifyResult {
  state: VerifyState;
  code: string;
  recipientName?: string;
  credentialName?: string;
  credentialCode?: string;
  issuer?: string;
  issuedOn?: string;
  expiresOn?: string | null;
  revokedOn?: string | null;
  revocationReason?: string | null;
  suspendedFrom?: string | null;
  suspendedUntil?: string | null;
  supersededBy?: { code: string; url: string } | null;
}

/**
 * What others may check of a certificate: the public verify lookup (logged), the signed status
 * lists, and the signed Open Badge its holder takes elsewhere.
 */
@Injectable()
export class CertificateVerification {
  private readonly logger = new Logger('Certificates');

  constructor(
    private readonly repository: CertificatesRepository,
    private readonly reads: CertificateReads,
    private readonly config: AppConfig,
    private readonly signing: SigningKeys,
  ) {}

  /** What the public may know of the certificate with this code (and the lookup is logged). */
  async verify(input: string, channel: 'page' | 'api', ip: string | null): Promise<VerifyResult> {
    const code = normaliseVerificationCode(input);
    const certificate = code ? await this.repository.findByCode(code) : null;
    let result: VerifyResult;
    if (!certificate) {
      result = { state: 'unknown', code: code ?? input.slice(0, 40) };
    } else {
      const credential = certificate.credential;
      const state = certificateState(certificate, credential, this.config.today());
      const newer = state === 'superseded' ? await this.repository.findCurrent(certificate.credentialId) : null;
      result = {
        state,
        code: certificate.code,
        recipientName: certificate.recipientName,
        credentialName: certificate.credentialName,
        credentialCode: credential.credentialType.code,
        issuer: this.config.orgName,
        issuedOn: credential.issuedOn,
        expiresOn: credential.expiresOn,
        revokedOn: state === 'revoked' ? (certificate.revokedOn ?? credential.revokedOn) : null,
        // The date always shows; the reason category only when the admin chose to show it publicly.
        revocationReason:
          state === 'revoked' && credential.revocationReasonPublic
            ? (certificate.revocationReason ?? credential.revocationReason)
            : null,
        suspendedFrom: state === 'suspended' ? credential.suspendedFrom : null,
        suspendedUntil: state === 'suspended' ? credential.suspendedUntil : null,
        supersededBy: newer ? { code: newer.code, url: `${this.config.publicBaseUrl}/verify/${newer.code}` } : null,
      };
    }
    const logged: LookupResult = code
      ? result.state === 'suspended'
        ? 'valid'
        : (result.state as LookupResult)
      : 'malformed';
    await this.repository.recordLookup({
      certificateId: certificate?.id ?? null,
      code: input.slice(0, 40),
      result: logged,
      channel,
      ip: ip?.slice(0, 64) ?? null,
    });
    this.logger.log(
      `Verification lookup (${channel}) from ${ip ?? 'unknown address'}: ${result.state}${certificate ? ` ${certificate.code}` : ''}`,
    );
    return result;
  }

  /** The signed BitstringStatusListCredential of one purpose (revocation or suspension), as of today. */
  async statusListJwt(purpose: StatusPurpose): Promise<string> {
    const indexes = await this.repository.findSetStatusIndexes(purpose, this.config.today());
    const { publicBaseUrl, orgName } = this.config;
    return this.signing.sign(statusListCredential(publicBaseUrl, orgName, purpose, indexes, new Date()));
  }

  /** The signed OpenBadgeCredential: for its holder (and admins), never public. */
  async openBadge(certificateId: string, viewer: AuthUser): Promise<{ certificate: Certificate; jwt: string }> {
    const certificate = await this.reads.visible(certificateId, viewer);
    if (certificate.personId !== viewer.id && !hasRole(viewer, 'admin'))
      throw new NotFoundException('No certificate with that id.');
    const credential = certificate.credential;
    const cohort = credential.cohortId ? await this.repository.findCohort(credential.cohortId, false) : null;
    const type = credential.credentialType;
    const achievementType: AchievementType = credential.licenceNumber
      ? 'License'
      : certificate.templateId === 'course-completion' || cohort
        ? 'CertificateOfCompletion'
        : credential.expiresOn
          ? 'Certification'
          : 'Achievement';
    const payload = openBadgeCredential({
      baseUrl: this.config.publicBaseUrl,
      orgName: this.config.orgName,
      timeZone: this.config.timeZone,
      certificateId: certificate.id,
      personId: certificate.personId,
      recipientName: certificate.recipientName,
      recipientEmail: certificate.person.email,
      image: badgeImage(this.config.publicBaseUrl, this.config.orgName, this.config.certificates.logo),
      credentialTypeId: type.id,
      credentialName: certificate.credentialName,
      credentialCode: type.code,
      description: type.description,
      criteria: cohort
        ? `Completed ${cohort.course.title} (${Number(cohort.course.requiredHours)} hours) with ${this.config.orgName}.`
        : (type.description ?? type.name),
      achievementType,
      issuedOn: credential.issuedOn,
      expiresOn: credential.expiresOn,
      hours: cohort ? Number(cohort.course.requiredHours) : null,
      licenceNumber: credential.licenceNumber,
      statusIndex: certificate.statusIndex,
    });
    return { certificate, jwt: await this.signing.sign(payload) };
  }
}
