import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { systemActor, type Actor } from '../../common/auth/actor';
import { longDate } from '../../common/dates';
import { WriteLock } from '../../common/db/write-lock';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import type { Credential } from '../credentials/credential.entity';
import { CredentialsService } from '../credentials/credentials.service';
import type { RevokeCredentialDto } from '../credentials/dto/credential.dto';
import { HandlesJob } from '../jobs/handles-job';
import { JobQueue, type JobContext, type JobPayloads } from '../jobs/jobs';
import type { Cohort } from '../training/cohort.entity';
import type { CertificateFields } from './certificate-layout';
import { CertificateRenderer } from './certificate-renderer';
import { CertificateSettings } from './certificate-settings.service';
import { CertificateReadyMail } from './certificate-ready-mail';
import { CertificateStorage } from './certificate-storage';
import { CertificateTemplates } from './certificate-templates';
import { Certificate, type ReissueReason } from './certificate.entity';
import { CertificatesRepository } from './certificates.repository';
import { generateVerificationCode } from './verification-code';

/** Everything a certificate is drawn from, gathered once. */
interface Material {
  credential: Credential;
  cohort: Cohort | null;
  hours: number | null;
  trainerName: string;
}

/**
 * The issuer: issuing (in jobs), re-issuing and revoking certificates. A certificate's PDF is drawn
 * once, stored by its hash and never redrawn; what changes later (revocation, a newer certificate,
 * expiry) shows on the verify page and in the status list (CertificateVerification), not in the file.
 * Reading them is CertificateReads.
 */
@Injectable()
export class CertificatesService {
  private readonly logger = new Logger('Certificates');

  constructor(
    private readonly repository: CertificatesRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly storage: CertificateStorage,
    private readonly templates: CertificateTemplates,
    private readonly renderer: CertificateRenderer,
    private readonly jobs: JobQueue,
    private readonly credentials: CredentialsService,
    private readonly writeLock: WriteLock,
    private readonly settings: CertificateSettings,
    private readonly readyMail: CertificateReadyMail,
  ) {}

  // ---- issuing -------------------------------------------------------------------------------

  /** Makes the credential's certificate unless it has one. */
  @HandlesJob('certificate.issue')
  async handleIssueCertificate(payload: JobPayloads['certificate.issue'], context: JobContext): Promise<void> {
    await this.issue(payload.credentialId, context.id);
    await context.progress(1, 1);
  }

  /** Re-issues each credential whose re-issue was asked for (and issues any that has none). */
  @HandlesJob('certificate.regenerate')
  async handleRegenerate(payload: JobPayloads['certificate.regenerate'], context: JobContext): Promise<void> {
    const total = payload.credentialIds.length;
    await context.progress(0, total);
    let done = 0;
    for (const credentialId of payload.credentialIds) {
      const current = await this.repository.findCurrent(credentialId);
      if (!current) await this.issue(credentialId, context.id);
      // A request already consumed (by this job's earlier try, or by another job) is not done twice.
      else if (current.reissueRequestedAt) await this.supersede(current, context.id);
      await context.progress(++done, total);
    }
  }

  /** Program-issued, unrevoked credentials with no certificate yet (awarded before certificates existed, or a failed job). */
  findMissing(): Promise<string[]> {
    return this.repository.findCredentialIdsWithoutCertificate();
  }

  /** Queues an issue job for each credential that lacks its certificate; returns how many. */
  async requestMissing(): Promise<number> {
    const missing = await this.findMissing();
    for (const credentialId of missing)
      await this.jobs.add('certificate.issue', { credentialId }, { key: `certificate.issue:${credentialId}` });
    return missing.length;
  }

  /**
   * The credential's current certificate, made now if it has none. Safe to repeat and to race: the
   * PDF is stored by its hash first, the row goes in with a unique index on the credential's current
   * certificate, and a loser of the race returns the winner's certificate and drops its own file.
   * Returns null for a credential that gets no certificate (external, or revoked).
   */
  async issue(credentialId: string, jobId: string | null): Promise<Certificate | null> {
    const existing = await this.repository.findCurrent(credentialId);
    if (existing) return existing;
    const material = await this.material(credentialId);
    if (!material) return null;
    const draft = await this.draw(material, jobId);
    let kept = false;
    let outbox: string[] = [];
    try {
      // Drawn and stored above, outside SQLite's write lock: only the rows wait their turn.
      const saved = await this.writeLock.run(() =>
        this.repository.transaction(async (tx) => {
          await this.repository.lockIssuing(tx);
          const winner = await this.repository.findCurrent(credentialId, tx);
          if (winner) return winner;
          draft.statusIndex = await this.repository.nextStatusIndex(tx);
          await this.repository.insert(tx, draft);
          await this.audit.record(tx, systemActor(jobId ? `job ${jobId}` : 'certificates'), {
            action: 'certificate.issued',
            entityType: 'certificate',
            entityId: draft.id,
            after: this.snapshot(draft),
          });
          outbox = await this.readyMail.write(tx, draft, false);
          kept = true;
          return draft;
        }),
      );
      await this.readyMail.send(outbox);
      return saved;
    } finally {
      if (!kept) await this.dropIfUnused(draft.storageKey);
    }
  }

  /** Replaces `current` with a new certificate drawn from today's data and layout, keeping the old one as history. */
  private async supersede(current: Certificate, jobId: string): Promise<Certificate | null> {
    const material = await this.material(current.credentialId);
    if (!material) return null;
    const draft = await this.draw(material, jobId);
    let kept = false;
    let outbox: string[] = [];
    try {
      const saved = await this.writeLock.run(() =>
        this.repository.transaction(async (tx) => {
          await this.repository.lockIssuing(tx);
          const now = await this.repository.findCurrent(current.credentialId, tx);
          if (!now || now.id !== current.id || !now.reissueRequestedAt) return now;
          // The old row stops being current before the new one goes in (the unique index allows one).
          await this.repository.markSuperseded(tx, now.id, {
            supersededAt: new Date(),
            supersedeReason: now.reissueReason ?? 'other',
            supersedeNote: now.reissueNote,
          });
          draft.statusIndex = await this.repository.nextStatusIndex(tx);
          await this.repository.insert(tx, draft);
          await this.repository.setSuccessor(tx, now.id, draft.id);
          await this.audit.record(tx, systemActor(`job ${jobId}`), {
            action: 'certificate.reissued',
            entityType: 'certificate',
            entityId: draft.id,
            before: {
              id: now.id,
              code: now.code,
              templateId: now.templateId,
              templateVersion: now.templateVersion,
              recipientName: now.recipientName,
            },
            after: {
              ...this.snapshot(draft),
              reason: now.reissueReason,
              note: now.reissueNote,
              requestedById: now.reissueRequestedById,
            },
          });
          if (CertificateReadyMail.worthTelling(now, draft, now.reissueReason))
            outbox = await this.readyMail.write(tx, draft, true);
          kept = true;
          return draft;
        }),
      );
      await this.readyMail.send(outbox);
      return saved;
    } finally {
      if (!kept) await this.dropIfUnused(draft.storageKey);
    }
  }

  /** A file no certificate row names (the loser of an issuing race) is removed; one in use never is. */
  private async dropIfUnused(storageKey: string): Promise<void> {
    const used = await this.repository.isStorageKeyUsed(storageKey);
    if (!used) await this.storage.remove(storageKey);
  }

  private async material(credentialId: string): Promise<Material | null> {
    const credential = await this.repository.findCredentialWithHolder(credentialId);
    if (!credential) throw new NotFoundException('No credential with that id.');
    if (credential.credentialType.kind !== 'internal') {
      this.logger.log(
        `No certificate for credential ${credentialId}: ${credential.credentialType.code} is issued outside the program.`,
      );
      return null;
    }
    if (credential.revokedOn) {
      this.logger.log(`No certificate for credential ${credentialId}: it was revoked.`);
      return null;
    }
    const cohort = credential.cohortId ? await this.repository.findCohort(credential.cohortId, true) : null;
    const trainers = (cohort?.trainers ?? []).map((t) => t.displayName).sort((a, b) => a.localeCompare(b));
    return {
      credential,
      cohort,
      hours: cohort ? Number(cohort.course.requiredHours) : null,
      trainerName: trainers.slice(0, 2).join(' and '),
    };
  }

  private fields(m: Material, code: string, directorName: string): CertificateFields {
    const c = m.credential;
    const base = this.config.publicBaseUrl;
    return {
      orgName: this.config.orgName,
      recipientName: c.person.displayName,
      credentialName: c.credentialType.name,
      credentialCode: c.credentialType.code,
      hours: m.hours === null ? '' : String(Number(m.hours.toFixed(2))),
      issuedOn: longDate(c.issuedOn),
      validity: c.expiresOn ? `Valid through ${longDate(c.expiresOn)}` : 'Does not expire',
      trainerName: m.trainerName,
      directorName,
      directorTitle: this.config.certificates.directorTitle,
      licenceNumber: c.licenceNumber ?? '',
      cohortName: m.cohort ? m.cohort.name : '',
      code,
      verifyUrl: `${base}/verify/${code}`,
      verifyBase: `${base.replace(/^https?:\/\//, '')}/verify`,
    };
  }

  /** Renders and stores a new certificate for the material; the row is not saved yet. */
  private async draw(m: Material, jobId: string | null): Promise<Certificate> {
    const layout = this.templates.layoutFor(m.credential.credentialType.code, !!m.cohort);
    const code = generateVerificationCode();
    const { directorName, directorSignature } = await this.settings.forDrawing();
    const fields = this.fields(m, code, directorName);
    const issuedAt = new Date();
    const logo = this.config.certificates.logo;
    const pdf = await this.renderer.render({ layout, fields, logo, directorSignature, issuedAt });
    const stored = await this.storage.put(pdf);
    return Object.assign(new Certificate(), {
      id: randomUUID(),
      credentialId: m.credential.id,
      personId: m.credential.personId,
      code,
      statusIndex: 0,
      templateId: layout.id,
      templateVersion: layout.version,
      storageKey: stored.key,
      sha256: stored.sha256,
      byteSize: stored.byteSize,
      drawnBaseUrl: this.config.publicBaseUrl,
      recipientName: fields.recipientName.slice(0, 200),
      credentialName: fields.credentialName.slice(0, 200),
      issuedAt,
      issuedByJob: jobId,
      supersededAt: null,
      supersededById: null,
      supersedeReason: null,
      supersedeNote: null,
      reissueRequestedAt: null,
      reissueRequestedById: null,
      reissueReason: null,
      reissueNote: null,
      revokedOn: null,
      revocationReason: null,
      revokedAt: null,
    });
  }

  private snapshot(c: Certificate) {
    return {
      credentialId: c.credentialId,
      personId: c.personId,
      code: c.code,
      statusIndex: c.statusIndex,
      templateId: c.templateId,
      templateVersion: c.templateVersion,
      sha256: c.sha256,
      recipientName: c.recipientName,
    };
  }

  // ---- re-issue and revocation ---------------------------------------------------------------

  /**
   * Asks for new certificates for these credentials (name change, corrected data, a new layout):
   * marks each current one, audited, and queues one regenerate job that does the work.
   */
  async requestReissue(
    credentialIds: string[],
    reason: ReissueReason,
    note: string | null,
    actor: Actor,
  ): Promise<string> {
    const unique = [...new Set(credentialIds)];
    await this.repository.transaction(async (tx) => {
      const credentials = await this.repository.findCredentialsWithType(tx, unique);
      if (credentials.length !== unique.length) throw new NotFoundException('One of those credentials does not exist.');
      const refused = credentials.filter((c) => c.revokedOn || c.credentialType.kind !== 'internal');
      if (refused.length)
        throw new ConflictException({
          statusCode: 409,
          message: `${refused.length} of these credentials cannot have a certificate (revoked, or issued outside the program).`,
          errors: [],
        });
      const current = await this.repository.findCurrentOf(unique, tx);
      const requestedAt = new Date();
      for (const c of current) {
        await this.repository.markReissueRequested(tx, c.id, {
          reissueRequestedAt: requestedAt,
          reissueRequestedById: actor.personId,
          reissueReason: reason,
          reissueNote: note,
        });
      }
      await this.audit.recordMany(
        tx,
        actor,
        current.map((c) => ({
          action: 'certificate.reissue_requested',
          entityType: 'certificate',
          entityId: c.id,
          after: { credentialId: c.credentialId, code: c.code, reason, note },
        })),
      );
    });
    return this.jobs.add('certificate.regenerate', {
      credentialIds: unique,
      requestedById: actor.personId ?? 'system',
    });
  }

  /** An admin revokes a certificate: that is revoking its credential (one path; the hook below revokes the certificates). */
  async revokeCertificate(certificateId: string, dto: RevokeCredentialDto, actor: Actor): Promise<Certificate> {
    const certificate = await this.repository.findById(certificateId);
    if (!certificate) throw new NotFoundException('No certificate with that id.');
    await this.credentials.revoke(certificate.credentialId, dto, actor);
    return (await this.repository.findById(certificateId))!;
  }

  /** Runs inside the credential's revocation transaction: its certificates are revoked with it. */
  async onCredentialRevoked(tx: EntityManager, credential: Credential, actor: Actor): Promise<void> {
    const certificates = await this.repository.findUnrevokedOf(tx, credential.id);
    if (!certificates.length) return;
    await this.repository.markRevoked(
      tx,
      certificates.map((c) => c.id),
      { revokedOn: credential.revokedOn, revocationReason: credential.revocationReason, revokedAt: new Date() },
    );
    await this.audit.recordMany(
      tx,
      actor,
      certificates.map((c) => ({
        action: 'certificate.revoked',
        entityType: 'certificate',
        entityId: c.id,
        before: { revokedOn: null },
        after: {
          code: c.code,
          credentialId: credential.id,
          revokedOn: credential.revokedOn,
          reason: credential.revocationReason,
          statusIndex: c.statusIndex,
        },
      })),
    );
  }
}
