import type { Submission } from './submission.entity';

/**
 * The API's answer for a submission: its record fields, state, review and evidence links. Every key is always
 * there (null when empty): a row just inserted has its unset columns undefined, not null.
 */
export function submissionView(s: Submission) {
  const base = `/api/v1/submissions/${s.id}`;
  return {
    id: s.id,
    personId: s.personId,
    kind: s.kind,
    state: s.state,
    credentialTypeId: s.credentialTypeId ?? null,
    credentialId: s.renewsCredentialId ?? null,
    licenceNumber: s.licenceNumber ?? null,
    issuingBody: s.issuingBody ?? null,
    issuedOn: s.issuedOn ?? null,
    expiresOn: s.expiresOn ?? null,
    title: s.title ?? null,
    provider: s.provider ?? null,
    completedOn: s.completedOn ?? null,
    hours: s.hours ?? null,
    category: s.category ?? null,
    files: s.files.map((f, i) => ({
      n: i + 1,
      name: f.name,
      type: f.type,
      size: f.size,
      url: `${base}/files/${i + 1}`,
    })),
    submittedById: s.submittedById ?? null,
    submittedAt: s.createdAt,
    previousId: s.previousId ?? null,
    reviewedById: s.reviewedById ?? null,
    reviewedAt: s.reviewedAt ?? null,
    returnReason: s.returnReason ?? null,
    recordId: s.recordId ?? null,
  };
}
