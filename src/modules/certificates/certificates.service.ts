import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { WriteLock } from '../../common/db/write-lock';
import { systemActor, type Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { Credential } from '../credentials/credential.entity';
import { CredentialsService } from '../credentials/credentials.service';
import type { RevokeCredentialDto } from '../credentials/dto/credential.dto';
import { JobQueue, type JobContext, type JobPayloads } from '../jobs/jobs';
import { findVisiblePerson, whereVisibleTo } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { Cohort } from '../training/cohort.entity';
import { findManagedCohort } from '../training/cohort-access';
import type { CertificateFields } from './certificate-layout';
import { CertificateLookup, type LookupResult } from './certificate-lookup.entity';
import { CertificateRenderer } from './certificate-renderer';
import { CertificateStorage } from './certificate-storage';
import { CertificateTemplates } from './certificate-templates';
import { certificateState, type VerifyState } from './certificate-view';
import { Certificate, type ReissueReason } from './certificate.entity';
import { badgeImage, openBadgeCredential, type AchievementType, type StatusPurpose } from './open-badges';
import { SigningKeys } from './signing-key';
import { setStatusIndexes, statusListCredential } from './status-lists';
import { generateVerificationCode, normaliseVerificationCode } from './verification-code';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** A date as a certificate prints it: "March 3, 2026". */
export function longDate(date: string): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}, ${date.slice(0, 4)}`;
}

/** Any number that fits PostgreSQL's advisory-lock key; names "allocating certificate status indexes". */
const ISSUE_LOCK_KEY = 727_361_006;

/** Everything a certificate is drawn from, gathered once. */
interface Material {
  credential: Credential;
  cohort: Cohort | null;
  hours: number | null;
  trainerName: string;
}

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
 * Issuing (in jobs), re-issuing, revoking, verifying and handing out certificates. A certificate's
 * PDF is drawn once, stored by its hash and never redrawn; what changes later (revocation, a newer
 * certificate, expiry) shows on the verify page and in the status list, not in the file.
 */
@Injectable()
export class CertificatesService {
  private readonly logger = new Logger('Certificates');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly storage: CertificateStorage,
    private readonly templates: CertificateTemplates,
    private readonly renderer: CertificateRenderer,
    private readonly signing: SigningKeys,
    private readonly jobs: JobQueue,
    private readonly credentials: CredentialsService,
    private readonly writeLock: WriteLock,
  ) {}

  // ---- issuing -------------------------------------------------------------------------------

  /** Job 'certificate.issue': makes the credential's certificate unless it has one. */
  async handleIssueCertificate(payload: JobPayloads['certificate.issue'], context: JobContext): Promise<void> {
    await this.issue(payload.credentialId, context.id);
    await context.progress(1, 1);
  }

  /** Job 'certificate.regenerate': re-issues each credential whose re-issue was asked for (and issues any that has none). */
  async handleRegenerate(payload: JobPayloads['certificate.regenerate'], context: JobContext): Promise<void> {
    const total = payload.credentialIds.length;
    await context.progress(0, total);
    let done = 0;
    for (const credentialId of payload.credentialIds) {
      const current = await this.findCurrent(this.dataSource.manager, credentialId);
      if (!current) await this.issue(credentialId, context.id);
      // A request already consumed (by this job's earlier try, or by another job) is not done twice.
      else if (current.reissueRequestedAt) await this.supersede(current, context.id);
      await context.progress(++done, total);
    }
  }

  /** Program-issued, unrevoked credentials with no certificate yet (awarded before certificates existed, or a failed job). */
  async findMissing(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource
      .getRepository(Credential)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .innerJoin('c.credentialType', 't')
      .where("t.kind = 'internal' AND c.revoked_on IS NULL")
      .andWhere('NOT EXISTS (SELECT 1 FROM certificates x WHERE x.credential_id = c.id)')
      .orderBy('c.issued_on', 'ASC')
      .getRawMany();
    return rows.map((r) => r.id);
  }

  /** Queues an issue job for each credential that lacks its certificate; returns how many. */
  async requestMissing(): Promise<number> {
    const missing = await this.findMissing();
    for (const credentialId of missing)
      await this.jobs.add('certificate.issue', { credentialId }, { key: `certificate.issue:${credentialId}` });
    return missing.length;
  }

  findCurrent(manager: EntityManager, credentialId: string): Promise<Certificate | null> {
    return manager.getRepository(Certificate).findOneBy({ credentialId, supersededAt: IsNull() });
  }

  /**
   * The credential's current certificate, made now if it has none. Safe to repeat and to race: the
   * PDF is stored by its hash first, the row goes in with a unique index on the credential's current
   * certificate, and a loser of the race returns the winner's certificate and drops its own file.
   * Returns null for a credential that gets no certificate (external, or revoked).
   */
  async issue(credentialId: string, jobId: string | null): Promise<Certificate | null> {
    const existing = await this.findCurrent(this.dataSource.manager, credentialId);
    if (existing) return existing;
    const material = await this.material(credentialId);
    if (!material) return null;
    const draft = await this.draw(material, jobId);
    let kept = false;
    try {
      // Drawn and stored above, outside SQLite's write lock: only the rows wait their turn.
      const saved = await this.writeLock.run(() =>
        this.dataSource.transaction(async (tx) => {
          await this.lockIssuing(tx);
          const winner = await this.findCurrent(tx, credentialId);
          if (winner) return winner;
          draft.statusIndex = await this.nextStatusIndex(tx);
          await tx.getRepository(Certificate).insert(draft);
          await this.audit.record(tx, systemActor(jobId ? `job ${jobId}` : 'certificates'), {
            action: 'certificate.issued',
            entityType: 'certificate',
            entityId: draft.id,
            after: this.snapshot(draft),
          });
          kept = true;
          return draft;
        }),
      );
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
    try {
      return await this.writeLock.run(() =>
        this.dataSource.transaction(async (tx) => {
          await this.lockIssuing(tx);
          const now = await this.findCurrent(tx, current.credentialId);
          if (!now || now.id !== current.id || !now.reissueRequestedAt) return now;
          const supersededAt = new Date();
          // The old row stops being current before the new one goes in (the unique index allows one).
          await tx.getRepository(Certificate).update(
            { id: now.id },
            {
              supersededAt,
              supersedeReason: now.reissueReason ?? 'other',
              supersedeNote: now.reissueNote,
              reissueRequestedAt: null,
            },
          );
          draft.statusIndex = await this.nextStatusIndex(tx);
          await tx.getRepository(Certificate).insert(draft);
          await tx.getRepository(Certificate).update({ id: now.id }, { supersededById: draft.id });
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
          kept = true;
          return draft;
        }),
      );
    } finally {
      if (!kept) await this.dropIfUnused(draft.storageKey);
    }
  }

  private async lockIssuing(tx: EntityManager): Promise<void> {
    if (tx.connection.options.type === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [ISSUE_LOCK_KEY]);
  }

  private async nextStatusIndex(tx: EntityManager): Promise<number> {
    const [row] = await tx.query('SELECT MAX(status_index) AS max FROM certificates');
    return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
  }

  /** A file no certificate row names (the loser of an issuing race) is removed; one in use never is. */
  private async dropIfUnused(storageKey: string): Promise<void> {
    const used = await this.dataSource.getRepository(Certificate).existsBy({ storageKey });
    if (!used) await this.storage.remove(storageKey);
  }

  private async material(credentialId: string): Promise<Material | null> {
    const credential = await this.dataSource
      .getRepository(Credential)
      .findOne({ where: { id: credentialId }, relations: { person: true, credentialType: true } });
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
    const cohort = credential.cohortId
      ? await this.dataSource
          .getRepository(Cohort)
          .findOne({ where: { id: credential.cohortId }, relations: { course: true, trainers: true } })
      : null;
    const trainers = (cohort?.trainers ?? []).map((t) => t.displayName).sort((a, b) => a.localeCompare(b));
    return {
      credential,
      cohort,
      hours: cohort ? Number(cohort.course.requiredHours) : null,
      trainerName: trainers.slice(0, 2).join(' and '),
    };
  }

  private fields(m: Material, code: string): CertificateFields {
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
      directorName: this.config.certificates.directorName,
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
    const fields = this.fields(m, code);
    const issuedAt = new Date();
    const pdf = await this.renderer.render({ layout, fields, logo: this.config.certificates.logo, issuedAt });
    const stored = await this.storage.put(pdf);
    return this.dataSource.getRepository(Certificate).create({
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
    await this.dataSource.transaction(async (tx) => {
      const credentials = await tx
        .getRepository(Credential)
        .find({ where: { id: In(unique) }, relations: { credentialType: true } });
      if (credentials.length !== unique.length) throw new NotFoundException('One of those credentials does not exist.');
      const refused = credentials.filter((c) => c.revokedOn || c.credentialType.kind !== 'internal');
      if (refused.length)
        throw new ConflictException({
          statusCode: 409,
          message: `${refused.length} of these credentials cannot have a certificate (revoked, or issued outside the program).`,
          errors: [],
        });
      const current = await tx.getRepository(Certificate).findBy({ credentialId: In(unique), supersededAt: IsNull() });
      const requestedAt = new Date();
      for (const c of current) {
        await tx.getRepository(Certificate).update(
          { id: c.id },
          {
            reissueRequestedAt: requestedAt,
            reissueRequestedById: actor.personId,
            reissueReason: reason,
            reissueNote: note,
          },
        );
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
    const certificate = await this.dataSource.getRepository(Certificate).findOneBy({ id: certificateId });
    if (!certificate) throw new NotFoundException('No certificate with that id.');
    await this.credentials.revoke(certificate.credentialId, dto, actor);
    return this.dataSource.getRepository(Certificate).findOneByOrFail({ id: certificateId });
  }

  /** Runs inside the credential's revocation transaction: its certificates are revoked with it. */
  async onCredentialRevoked(tx: EntityManager, credential: Credential, actor: Actor): Promise<void> {
    const certificates = await tx
      .getRepository(Certificate)
      .findBy({ credentialId: credential.id, revokedOn: IsNull() });
    if (!certificates.length) return;
    const revokedAt = new Date();
    await tx
      .getRepository(Certificate)
      .update(
        { id: In(certificates.map((c) => c.id)) },
        { revokedOn: credential.revokedOn, revocationReason: credential.revocationReason, revokedAt },
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

  // ---- verification --------------------------------------------------------------------------

  /** What the public may know of the certificate with this code (and the lookup is logged). */
  async verify(input: string, channel: 'page' | 'api', ip: string | null): Promise<VerifyResult> {
    const code = normaliseVerificationCode(input);
    const certificate = code
      ? await this.dataSource
          .getRepository(Certificate)
          .findOne({ where: { code }, relations: { credential: { credentialType: true } } })
      : null;
    let result: VerifyResult;
    if (!certificate) {
      result = { state: 'unknown', code: code ?? input.slice(0, 40) };
    } else {
      const credential = certificate.credential;
      const state = certificateState(certificate, credential, this.config.today());
      const newer =
        state === 'superseded' ? await this.findCurrent(this.dataSource.manager, certificate.credentialId) : null;
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
        revocationReason: state === 'revoked' ? (certificate.revocationReason ?? credential.revocationReason) : null,
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
    await this.dataSource.getRepository(CertificateLookup).insert({
      id: randomUUID(),
      certificateId: certificate?.id ?? null,
      code: input.slice(0, 40),
      result: logged,
      channel,
      ip: ip?.slice(0, 64) ?? null,
      lookedUpAt: new Date(),
    });
    this.logger.log(
      `Verification lookup (${channel}) from ${ip ?? 'unknown address'}: ${result.state}${certificate ? ` ${certificate.code}` : ''}`,
    );
    return result;
  }

  /** The signed BitstringStatusListCredential of one purpose (revocation or suspension), as of today. */
  async statusListJwt(purpose: StatusPurpose): Promise<string> {
    const indexes = await setStatusIndexes(this.dataSource.manager, purpose, this.config.today());
    const { publicBaseUrl, orgName } = this.config;
    return this.signing.sign(statusListCredential(publicBaseUrl, orgName, purpose, indexes, new Date()));
  }

  // ---- reading -------------------------------------------------------------------------------

  /**
   * A certificate the viewer may see, else 404: anyone's for an admin, their own, their supervisees'
   * (the record scope), and for a trainer the certificates a cohort they run awarded — only those: a
   * trainee's other certificates stay with the person, their supervisors and admins.
   */
  async visible(certificateId: string, viewer: AuthUser): Promise<Certificate> {
    const qb = this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.credential', 'cr')
      .innerJoinAndSelect('cr.credentialType', 't')
      .innerJoinAndSelect('c.person', 'p')
      .where('c.id = :certificateId', { certificateId });
    let certificate = await whereVisibleTo(qb.clone(), 'c.person_id', viewer, this.config.today()).getOne();
    if (!certificate && hasRole(viewer, 'trainer')) {
      certificate = await qb
        .andWhere('cr.cohort_id IN (SELECT ct.cohort_id FROM cohort_trainers ct WHERE ct.trainer_id = :trainer)', {
          trainer: viewer.id,
        })
        .getOne();
    }
    if (!certificate) throw new NotFoundException('No certificate with that id.');
    return certificate;
  }

  async pdf(certificateId: string, viewer: AuthUser): Promise<{ certificate: Certificate; bytes: Buffer }> {
    const certificate = await this.visible(certificateId, viewer);
    return { certificate, bytes: await this.storage.read(certificate.storageKey) };
  }

  /** The signed OpenBadgeCredential: for its holder (and admins), never public. */
  async openBadge(certificateId: string, viewer: AuthUser): Promise<{ certificate: Certificate; jwt: string }> {
    const certificate = await this.visible(certificateId, viewer);
    if (certificate.personId !== viewer.id && !hasRole(viewer, 'admin'))
      throw new NotFoundException('No certificate with that id.');
    const credential = certificate.credential;
    const cohort = credential.cohortId
      ? await this.dataSource
          .getRepository(Cohort)
          .findOne({ where: { id: credential.cohortId }, relations: { course: true } })
      : null;
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

  /** Every certificate of a person (current and past), newest first, for whoever may see the person. */
  async forPerson(personId: string, viewer: AuthUser): Promise<Certificate[]> {
    await findVisiblePerson(this.dataSource, personId, viewer, this.config.today());
    const qb = this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.credential', 'cr')
      .innerJoinAndSelect('cr.credentialType', 't')
      .where('c.person_id = :personId', { personId })
      .orderBy('c.issued_at', 'DESC');
    return whereVisibleTo(qb, 'c.person_id', viewer, this.config.today()).getMany();
  }

  /** The current certificates of a cohort's awards, for its trainers and admins (404 for anyone else). */
  async forCohort(cohortId: string, user: AuthUser): Promise<{ cohort: Cohort; certificates: Certificate[] }> {
    const cohort = await findManagedCohort(this.dataSource.manager, cohortId, user);
    const certificates = await this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.credential', 'cr')
      .innerJoinAndSelect('cr.credentialType', 't')
      .where('cr.cohort_id = :cohortId AND c.superseded_at IS NULL', { cohortId })
      .orderBy('c.recipient_name', 'ASC')
      .getMany();
    return { cohort, certificates };
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
    const qb = this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.credential', 'cr')
      .innerJoinAndSelect('cr.credentialType', 't')
      .where('c.superseded_at IS NULL');
    if (filter.q)
      qb.andWhere('(lower(c.recipient_name) LIKE :q OR c.code LIKE :codeQ)', {
        q: `%${filter.q.toLowerCase()}%`,
        codeQ: `%${filter.q.toUpperCase()}%`,
      });
    if (filter.type) qb.andWhere('upper(t.code) = :type', { type: filter.type.toUpperCase() });
    const [items, total] = await qb
      .orderBy('c.issued_at', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items, total, page, pageSize };
  }

  /** One certificate with its history (every issue of the same credential) and how often it was looked up. */
  async detail(certificateId: string, viewer: AuthUser) {
    const certificate = await this.visible(certificateId, viewer);
    const history = await this.dataSource
      .getRepository(Certificate)
      .find({ where: { credentialId: certificate.credentialId }, order: { issuedAt: 'DESC' } });
    const lookups = await this.dataSource
      .getRepository(CertificateLookup)
      .count({ where: { certificateId: In(history.map((h) => h.id)) } });
    // A trainer sees a certificate their cohort awarded without seeing the holder's record: no link to it then.
    const holderVisible = await whereVisibleTo(
      this.dataSource.getRepository(Person).createQueryBuilder('p'),
      'p.id',
      viewer,
      this.config.today(),
    )
      .andWhere('p.id = :personId', { personId: certificate.personId })
      .getExists();
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
    if (!credentialIds.length) return new Map();
    const rows = await this.dataSource
      .getRepository(Certificate)
      .findBy({ credentialId: In(credentialIds), supersededAt: IsNull() });
    return new Map(rows.map((c) => [c.credentialId, c]));
  }
}
