import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isIsoDate, type IsoDate } from '../../common/dates';
import { credentialRecordProblem, recordedExpiry, verificationProblem } from './credential-rules';
import { fieldError } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { CredentialType } from '../catalog/credential-type.entity';
import { expiryFor } from '../catalog/credential-validity';
import { whereVisibleTo } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { CredentialHooks } from './credential-hooks';
import { Credential } from './credential.entity';
import type {
  ChangeExpiryDto,
  RecordCredentialDto,
  RevokeCredentialDto,
  SuspendCredentialDto,
  VerifyCredentialDto,
} from './dto/credential.dto';

/** What the audit log keeps of a credential record. */
function snapshot(c: Credential) {
  const { person: _p, credentialType: _t, createdAt: _c, ...fields } = c;
  return fields;
}

/**
 * Credential records. Nothing is overwritten: a renewal is a new record (the clearance engine joins
 * overlapping ones into one stretch), a revocation is dated and kept, and every change is audited.
 */
@Injectable()
export class CredentialsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly hooks: CredentialHooks,
  ) {}

  /** Records a credential a person holds; the expiry comes from the type unless set by hand with a reason. */
  async record(
    personId: string,
    dto: RecordCredentialDto,
    actor: Actor,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Credential> {
    if (!(await manager.getRepository(Person).existsBy({ id: personId })))
      throw new NotFoundException('No person with that id.');
    const type = await manager
      .getRepository(CredentialType)
      .createQueryBuilder('t')
      .where('upper(t.code) = :code', { code: dto.credentialTypeCode.toUpperCase() })
      .getOne();
    if (!type)
      throw fieldError(
        'credentialTypeCode',
        'is not a credential type in the catalogue',
        `No credential type has the code ${dto.credentialTypeCode}.`,
      );
    const refused = credentialRecordProblem(type, dto, this.config.today());
    if (refused) throw fieldError(refused.field, refused.message, refused.sentence);
    const computed = expiryFor(type, dto.issuedOn);
    const expiresOn = recordedExpiry(type, dto);
    return manager.transaction(async (tx) => {
      const same = await tx
        .getRepository(Credential)
        .existsBy({ personId, credentialTypeId: type.id, issuedOn: dto.issuedOn });
      if (same)
        throw new ConflictException({
          statusCode: 409,
          message: `${type.code} issued on ${dto.issuedOn} is already recorded for this person.`,
          errors: [{ field: 'issuedOn', message: 'is already recorded for this credential' }],
        });
      const repo = tx.getRepository(Credential);
      const credential = repo.create({
        personId,
        credentialTypeId: type.id,
        source: 'external',
        issuedOn: dto.issuedOn,
        expiresOn,
        expiryNote: dto.expiresOn && dto.expiresOn !== computed ? (dto.expiryNote ?? null) : null,
        licenceNumber: dto.licenceNumber ?? null,
        issuingBody: dto.issuingBody ?? (type.kind === 'external' ? type.issuer : null),
        evidenceNote: dto.evidenceNote ?? null,
      });
      await repo.insert(credential);
      await this.audit.record(tx, actor, {
        action: 'credential.recorded',
        entityType: 'credential',
        entityId: credential.id,
        after: { ...snapshot(credential), code: type.code },
      });
      return credential;
    });
  }

  /**
   * Revokes from an effective date (which may be in the past, for a finding made later). The record
   * stays; what depends on it (its certificates) is revoked in the same transaction.
   */
  revoke(credentialId: string, dto: RevokeCredentialDto, actor: Actor): Promise<Credential> {
    return this.change(
      credentialId,
      'credential.revoked',
      actor,
      (credential) => {
        if (credential.revokedOn)
          throw new ConflictException({
            statusCode: 409,
            message: `This credential was already revoked from ${credential.revokedOn}.`,
            errors: [],
          });
        if (!isIsoDate(dto.effectiveOn))
          throw fieldError('effectiveOn', 'must be a real date', 'The effective date is not a real date.');
        Object.assign(credential, {
          revokedOn: dto.effectiveOn,
          revocationReason: dto.reason,
          revocationNote: dto.note ?? null,
          revocationReasonPublic: dto.reasonPublic === true,
          revokedById: actor.personId,
        });
      },
      (tx, credential) => this.hooks.revoked(tx, credential, actor),
    );
  }

  /** Changes the expiry date of a record, with the reason kept beside it and before/after in the audit log. */
  changeExpiry(credentialId: string, dto: ChangeExpiryDto, actor: Actor): Promise<Credential> {
    return this.change(credentialId, 'credential.expiry_changed', actor, (credential) => {
      if (dto.expiresOn && !isIsoDate(dto.expiresOn))
        throw fieldError('expiresOn', 'must be a real date', 'The expiry date is not a real date.');
      if (dto.expiresOn && dto.expiresOn < credential.issuedOn)
        throw fieldError('expiresOn', 'is before the issue date', 'The expiry date is before the issue date.');
      Object.assign(credential, { expiresOn: dto.expiresOn ?? null, expiryNote: dto.reason });
    });
  }

  /**
   * Suspends from a date, until a date or open-ended; sending it again with an end date ends an
   * open suspension. Unlike a revocation, the credential counts again after the suspension.
   */
  suspend(credentialId: string, dto: SuspendCredentialDto, actor: Actor): Promise<Credential> {
    return this.change(credentialId, 'credential.suspended', actor, (credential) => {
      if (!isIsoDate(dto.from)) throw fieldError('from', 'must be a real date', 'The start date is not a real date.');
      if (dto.until && (!isIsoDate(dto.until) || dto.until < dto.from))
        throw fieldError(
          'until',
          'must be a real date on or after the start',
          'The end date is not on or after the start.',
        );
      if (
        credential.suspendedFrom &&
        credential.suspendedFrom !== dto.from &&
        (!credential.suspendedUntil || credential.suspendedUntil >= dto.from)
      ) {
        throw new ConflictException({
          statusCode: 409,
          message: `This credential is already suspended from ${credential.suspendedFrom}; end that suspension first.`,
          errors: [{ field: 'from', message: 'overlaps the current suspension' }],
        });
      }
      Object.assign(credential, {
        suspendedFrom: dto.from,
        suspendedUntil: dto.until ?? null,
        suspensionReason: dto.reason,
      });
    });
  }

  /** Records a primary-source verification: who checked the issuer's licence lookup, when, and what it said. */
  verify(
    credentialId: string,
    dto: VerifyCredentialDto,
    actor: Actor,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Credential> {
    const refused = verificationProblem(dto.verifiedOn, this.config.today());
    if (refused) throw fieldError(refused.field, refused.message, refused.sentence);
    return this.change(
      credentialId,
      'credential.verified',
      actor,
      (credential) => {
        Object.assign(credential, {
          verifiedOn: dto.verifiedOn,
          verificationResult: dto.result,
          verifiedById: actor.personId,
          verificationSource: dto.source ?? null,
        });
      },
      undefined,
      manager,
    );
  }

  /** Loads a record, lets `apply` check and change it, saves it and audits before/after, all in one transaction. */
  private change(
    credentialId: string,
    action: string,
    actor: Actor,
    apply: (credential: Credential) => void,
    afterSave?: (tx: EntityManager, credential: Credential) => Promise<void>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Credential> {
    return manager.transaction(async (tx) => {
      const credential = await tx.getRepository(Credential).findOneBy({ id: credentialId });
      if (!credential) throw new NotFoundException('No credential with that id.');
      const before = snapshot(credential);
      apply(credential);
      await tx.getRepository(Credential).save(credential);
      await this.audit.record(tx, actor, {
        action,
        entityType: 'credential',
        entityId: credential.id,
        before,
        after: snapshot(credential),
      });
      await afterSave?.(tx, credential);
      return credential;
    });
  }

  /** Credentials of active people `viewer` may see whose expiry date falls in [from, to], soonest first. */
  findExpiringBetween(
    from: IsoDate,
    to: IsoDate,
    viewer: AuthUser,
    today: IsoDate,
    limit = 100,
  ): Promise<Credential[]> {
    const qb = this.dataSource
      .getRepository(Credential)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.person', 'p', "p.status = 'active'")
      .innerJoinAndSelect('c.credentialType', 't')
      .where('c.expires_on BETWEEN :from AND :to', { from, to })
      .andWhere('c.revoked_on IS NULL')
      // A credential renewed since (a later one of the same type) no longer needs attention.
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM credentials n WHERE n.person_id = c.person_id AND n.credential_type_id = c.credential_type_id AND n.issued_on > c.issued_on)',
      )
      .orderBy('c.expires_on', 'ASC')
      .addOrderBy('p.name', 'ASC')
      .take(limit);
    return whereVisibleTo(qb, 'c.person_id', viewer, today).getMany();
  }

  /** The person a credential is being recorded for, and the types that can be recorded (active ones). */
  async recordingFor(personId: string): Promise<{ person: Person; types: CredentialType[] }> {
    const person = await this.dataSource.getRepository(Person).findOneBy({ id: personId });
    if (!person) throw new NotFoundException('No person with that id.');
    const types = await this.dataSource
      .getRepository(CredentialType)
      .find({ where: { active: true }, order: { code: 'ASC' } });
    return { person, types };
  }

  /** One credential with its holder and type, for the page that revokes, suspends and verifies it. */
  async getWithHolder(id: string): Promise<Credential> {
    const credential = await this.dataSource
      .getRepository(Credential)
      .findOne({ where: { id }, relations: { person: true, credentialType: true } });
    if (!credential) throw new NotFoundException('No credential with that id.');
    return credential;
  }
}
