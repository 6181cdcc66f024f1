import type { RenderedPage } from '../../common/http/form-post';
import type { Credential } from './credential.entity';
import type { RevocationPreview } from './revocation-confirmation.service';

/** A credential record as the API gives it and the pages show it. */
export function credentialView(c: Credential) {
  return {
    id: c.id,
    personId: c.personId,
    credentialTypeId: c.credentialTypeId,
    source: c.source,
    issuedOn: c.issuedOn,
    expiresOn: c.expiresOn,
    expiryNote: c.expiryNote,
    licenceNumber: c.licenceNumber,
    issuingBody: c.issuingBody,
    evidenceNote: c.evidenceNote,
    revokedOn: c.revokedOn,
    suspendedFrom: c.suspendedFrom,
    suspendedUntil: c.suspendedUntil,
    suspensionReason: c.suspensionReason,
    revocationReason: c.revocationReason,
    revocationNote: c.revocationNote,
    revocationReasonPublic: c.revocationReasonPublic,
    verifiedOn: c.verifiedOn,
    verificationResult: c.verificationResult,
  };
}

/**
 * The page that says what revoking will do before it is done: `action` is where its form posts the
 * same fields again with `confirm`, `cancel` where Cancel goes back to.
 */
export function revocationConfirmView(preview: RevocationPreview, action: string, cancel: string): RenderedPage {
  return {
    view: 'credentials/revoke-confirm',
    model: {
      title: `Revoke ${preview.code} of ${preview.personName}?`,
      preview,
      action,
      cancel,
      dependentsText: preview.dependents.join(', '),
    },
  };
}
