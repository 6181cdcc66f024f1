import type { Credential } from './credential.entity';

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
    verifiedOn: c.verifiedOn,
    verificationResult: c.verificationResult,
  };
}
