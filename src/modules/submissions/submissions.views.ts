import type { Submission } from './submission.entity';

/** The API's answer for a submission: its record fields, state, review and evidence links. */
export function submissionView(s: Submission) {
  const base = `/api/v1/submissions/${s.id}`;
  return {
    id: s.id,
    personId: s.personId,
    kind: s.kind,
    state: s.state,
    credentialTypeId: s.credentialTypeId,
    credentialId: s.renewsCredentialId,
    licenceNumber: s.licenceNumber,
    issuingBody: s.issuingBody,
    issuedOn: s.issuedOn,
    expiresOn: s.expiresOn,
    title: s.title,
    provider: s.provider,
    completedOn: s.completedOn,
    hours: s.hours,
    category: s.category,
    files: s.files.map((f, i) => ({
      n: i + 1,
      name: f.name,
      type: f.type,
      size: f.size,
      url: `${base}/files/${i + 1}`,
    })),
    submittedById: s.submittedById,
    submittedAt: s.createdAt,
    previousId: s.previousId,
    reviewedById: s.reviewedById,
    reviewedAt: s.reviewedAt,
    returnReason: s.returnReason,
    recordId: s.recordId,
  };
}
