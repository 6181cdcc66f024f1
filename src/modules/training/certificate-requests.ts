/**
 * What training needs from certificates: "these credentials were just awarded; make their
 * certificates". Completing a cohort calls it after the awards commit; the certificates feature
 * binds its job-backed implementation to this token in TrainingModule.
 */
export abstract class CertificateRequests {
  abstract requestFor(credentialIds: string[]): Promise<void>;
}
