import { Injectable, NotFoundException } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import type { RevokeCredentialPageDto } from '../credentials/dto/credential.dto';
import { RevocationConfirmation, type RevocationStep } from '../credentials/revocation-confirmation.service';
import { CertificatesRepository } from './certificates.repository';

/**
 * Revoking from a certificate's page: it is its credential that is revoked (the certificates follow
 * through the credential's hook), after the same confirmation step as the credential's own page.
 */
@Injectable()
export class CertificateRevocation {
  constructor(
    private readonly repository: CertificatesRepository,
    private readonly confirmation: RevocationConfirmation,
  ) {}

  async revokeOnceConfirmed(
    certificateId: string,
    dto: RevokeCredentialPageDto,
    actor: Actor,
  ): Promise<RevocationStep> {
    const certificate = await this.repository.findById(certificateId);
    if (!certificate) throw new NotFoundException('No certificate with that id.');
    return this.confirmation.revokeOnceConfirmed(certificate.credentialId, dto, actor);
  }

  /** The certificates a credential's revocation takes with it, named for the confirmation page. */
  async dependents(credentialId: string): Promise<string[]> {
    const certificates = await this.repository.findUnrevokedCertificatesOf(credentialId);
    return certificates.map((c) => `certificate ${c.code}${c.supersededAt ? ' (already replaced)' : ''}`);
  }
}
