import { Injectable, NotFoundException } from '@nestjs/common';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import type { Cohort } from '../training/cohort.entity';
import { CertificateStorage } from './certificate-storage';
import { certificateState } from './certificate-view';
import type { Certificate } from './certificate.entity';
import { CertificatesRepository } from './certificates.repository';

export interface CohortDrawing {
  state: 'active' | 'completed';
  progress: { done: number; total: number };
}

/** Handing out certificates: to their holders, supervisors and trainers within scope, and to admins. */
@Injectable()
export class CertificateReads {
  constructor(
    private readonly repository: CertificatesRepository,
    private readonly config: AppConfig,
    private readonly storage: CertificateStorage,
  ) {}

  /**
   * A certificate the viewer may see, else 404: anyone's for an admin, their own, their supervisees'
   * (the record scope), and for a trainer the certificates a cohort they run awarded — only those: a
   * trainee's other certificates stay with the person, their supervisors and admins.
   */
  async visible(certificateId: string, viewer: AuthUser): Promise<Certificate> {
    const certificate = await this.repository.findVisible(
      certificateId,
      viewer,
      this.config.today(),
      hasRole(viewer, 'trainer'),
    );
    if (!certificate) throw new NotFoundException('No certificate with that id.');
    return certificate;
  }

  async pdf(certificateId: string, viewer: AuthUser): Promise<{ certificate: Certificate; bytes: Buffer }> {
    const certificate = await this.visible(certificateId, viewer);
    return { certificate, bytes: await this.storage.read(certificate.storageKey) };
  }

  /** Every certificate of a person (current and past), newest first, for whoever may see the person. */
  async forPerson(personId: string, viewer: AuthUser): Promise<Certificate[]> {
    await this.repository.findVisiblePerson(personId, viewer, this.config.today());
    return this.repository.findForPerson(personId, viewer, this.config.today());
  }

  /** The current certificates of a cohort's awards, for its trainers and admins (404 for anyone else). */
  async forCohort(cohortId: string, user: AuthUser): Promise<{ cohort: Cohort; certificates: Certificate[] }> {
    const cohort = await this.repository.findManagedCohort(cohortId, user);
    return { cohort, certificates: await this.repository.findCurrentOfCohort(cohortId) };
  }

  /**
   * A cohort's certificate batch as a job-like answer ("312 of 500 drawn"), which the progress
   * script polls: active until every award has its certificate. For its trainers and admins.
   */
  async cohortDrawing(cohortId: string, user: AuthUser): Promise<CohortDrawing> {
    await this.repository.findManagedCohort(cohortId, user);
    return this.drawingProgress(cohortId);
  }

  /** The same, for a page that has already checked who may see the cohort. */
  async drawingProgress(cohortId: string): Promise<CohortDrawing> {
    const progress = await this.repository.countCohortDrawn(cohortId);
    return { state: progress.done >= progress.total ? 'completed' : 'active', progress };
  }

  stream(certificate: Certificate) {
    return this.storage.stream(certificate.storageKey);
  }

  /** Admin list: current certificates, newest first, optionally narrowed by name, code or credential type. */
  async list(filter: {
    q?: string;
    type?: string;
    page?: number;
  }): Promise<{ items: Certificate[]; total: number; page: number; pageSize: number }> {
    const pageSize = 50;
    const page = Math.max(1, filter.page ?? 1);
    const [items, total] = await this.repository.findCurrentPage(filter, page, pageSize);
    return { items, total, page, pageSize };
  }

  /** One certificate with its history (every issue of the same credential) and how often it was looked up. */
  async detail(certificateId: string, viewer: AuthUser) {
    const certificate = await this.visible(certificateId, viewer);
    const history = await this.repository.findHistory(certificate.credentialId);
    const lookups = await this.repository.countLookups(history.map((h) => h.id));
    // A trainer sees a certificate their cohort awarded without seeing the holder's record: no link to it then.
    const holderVisible = await this.repository.isPersonVisible(certificate.personId, viewer, this.config.today());
    return {
      certificate,
      history,
      lookups,
      holderVisible,
      state: certificateState(certificate, certificate.credential, this.config.today()),
    };
  }

  /** The current certificate of each of these credentials, by credential id. */
  async currentByCredential(credentialIds: string[]): Promise<Map<string, Certificate>> {
    const rows = await this.repository.findCurrentOf(credentialIds);
    return new Map(rows.map((c) => [c.credentialId, c]));
  }
}
