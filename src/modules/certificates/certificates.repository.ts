import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth-user';
import type { IsoDate } from '../../common/dates';
import { Credential } from '../credentials/credential.entity';
import { findVisiblePerson, whereVisibleTo } from '../people/people-scope';
import { Person } from '../people/person.entity';
import { Cohort } from '../training/cohort.entity';
import { findManagedCohort } from '../training/cohort-access';
import { CertificateLookup, type LookupResult } from './certificate-lookup.entity';
import { Certificate } from './certificate.entity';
import type { StatusPurpose } from './open-badges';

/** Any number that fits PostgreSQL's advisory-lock key; names "allocating certificate status indexes". */
const ISSUE_LOCK_KEY = 727_361_006;

/** The fields a superseded certificate keeps of why and when it was replaced. */
type SupersededFields = Pick<Certificate, 'supersededAt' | 'supersedeReason' | 'supersedeNote'>;
type ReissueFields = Pick<Certificate, 'reissueRequestedAt' | 'reissueRequestedById' | 'reissueReason' | 'reissueNote'>;
type RevokedFields = Pick<Certificate, 'revokedOn' | 'revocationReason' | 'revokedAt'>;

/**
 * Every query of the certificates feature, by what it means. Methods that write inside a caller's
 * transaction take its EntityManager first; the others run on their own.
 */
@Injectable()
export class CertificatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // ---- issuing -------------------------------------------------------------------------------

  findCurrent(credentialId: string, manager: EntityManager = this.dataSource.manager): Promise<Certificate | null> {
    return manager.getRepository(Certificate).findOneBy({ credentialId, supersededAt: IsNull() });
  }

  /** The current certificate of each of these credentials (none for a credential that has none). */
  findCurrentOf(credentialIds: string[], manager: EntityManager = this.dataSource.manager): Promise<Certificate[]> {
    if (!credentialIds.length) return Promise.resolve([]);
    return manager.getRepository(Certificate).findBy({ credentialId: In(credentialIds), supersededAt: IsNull() });
  }

  /** Program-issued, unrevoked credentials with no certificate at all, oldest first. */
  async findCredentialIdsWithoutCertificate(): Promise<string[]> {
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

  /** A credential with its holder and type: what a certificate prints. */
  findCredentialWithHolder(credentialId: string): Promise<Credential | null> {
    return this.dataSource
      .getRepository(Credential)
      .findOne({ where: { id: credentialId }, relations: { person: true, credentialType: true } });
  }

  findCredentialsWithType(tx: EntityManager, credentialIds: string[]): Promise<Credential[]> {
    return tx.getRepository(Credential).find({ where: { id: In(credentialIds) }, relations: { credentialType: true } });
  }

  /** A cohort with its course, and its trainers when asked (the certificate names up to two). */
  findCohort(cohortId: string, withTrainers: boolean): Promise<Cohort | null> {
    return this.dataSource
      .getRepository(Cohort)
      .findOne({ where: { id: cohortId }, relations: { course: true, trainers: withTrainers } });
  }

  isStorageKeyUsed(storageKey: string): Promise<boolean> {
    return this.dataSource.getRepository(Certificate).existsBy({ storageKey });
  }

  /** Serialises issuing on PostgreSQL, so two transactions never take the same status index (SQLite has one writer anyway). */
  async lockIssuing(tx: EntityManager): Promise<void> {
    if (tx.connection.options.type === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [ISSUE_LOCK_KEY]);
  }

  async nextStatusIndex(tx: EntityManager): Promise<number> {
    const [row] = await tx.query('SELECT MAX(status_index) AS max FROM certificates');
    return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
  }

  async insert(tx: EntityManager, certificate: Certificate): Promise<void> {
    await tx.getRepository(Certificate).insert(certificate);
  }

  /** The certificate stops being current (its re-issue request is consumed with it). */
  async markSuperseded(tx: EntityManager, certificateId: string, fields: SupersededFields): Promise<void> {
    await tx.getRepository(Certificate).update({ id: certificateId }, { ...fields, reissueRequestedAt: null });
  }

  async setSuccessor(tx: EntityManager, certificateId: string, successorId: string): Promise<void> {
    await tx.getRepository(Certificate).update({ id: certificateId }, { supersededById: successorId });
  }

  async markReissueRequested(tx: EntityManager, certificateId: string, fields: ReissueFields): Promise<void> {
    await tx.getRepository(Certificate).update({ id: certificateId }, fields);
  }

  /** How many current, unrevoked certificates were drawn with each recorded base address. */
  async countCurrentByDrawnBase(): Promise<Array<{ baseUrl: string; count: number }>> {
    const rows: Array<{ baseUrl: string; count: number | string }> = await this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .select('c.drawn_base_url', 'baseUrl')
      .addSelect('COUNT(*)', 'count')
      .where('c.superseded_at IS NULL AND c.revoked_on IS NULL AND c.drawn_base_url IS NOT NULL')
      .groupBy('c.drawn_base_url')
      .orderBy('c.drawn_base_url', 'ASC')
      .getRawMany();
    return rows.map((r) => ({ baseUrl: r.baseUrl, count: Number(r.count) }));
  }

  /** The credentials whose current, unrevoked certificate was drawn with one of these base addresses. */
  async findCredentialIdsDrawnWith(baseUrls: string[]): Promise<string[]> {
    if (!baseUrls.length) return [];
    const rows: Array<{ id: string }> = await this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .select('c.credential_id', 'id')
      .where('c.superseded_at IS NULL AND c.revoked_on IS NULL AND c.drawn_base_url IN (:...baseUrls)', { baseUrls })
      .orderBy('c.issued_at', 'ASC')
      .getRawMany();
    return rows.map((r) => r.id);
  }

  // ---- revocation ----------------------------------------------------------------------------

  findById(certificateId: string): Promise<Certificate | null> {
    return this.dataSource.getRepository(Certificate).findOneBy({ id: certificateId });
  }

  /** A credential's certificates not yet revoked, the current one first. */
  findUnrevokedCertificatesOf(credentialId: string): Promise<Certificate[]> {
    return this.dataSource.getRepository(Certificate).find({
      where: { credentialId, revokedOn: IsNull() },
      order: { supersededAt: { direction: 'DESC', nulls: 'FIRST' }, issuedAt: 'DESC' },
    });
  }

  findUnrevokedOf(tx: EntityManager, credentialId: string): Promise<Certificate[]> {
    return tx.getRepository(Certificate).findBy({ credentialId, revokedOn: IsNull() });
  }

  async markRevoked(tx: EntityManager, certificateIds: string[], fields: RevokedFields): Promise<void> {
    await tx.getRepository(Certificate).update({ id: In(certificateIds) }, fields);
  }

  // ---- verification --------------------------------------------------------------------------

  findByCode(code: string): Promise<Certificate | null> {
    return this.dataSource
      .getRepository(Certificate)
      .findOne({ where: { code }, relations: { credential: { credentialType: true } } });
  }

  async recordLookup(lookup: {
    certificateId: string | null;
    code: string;
    result: LookupResult;
    channel: 'page' | 'api';
    ip: string | null;
  }): Promise<void> {
    await this.dataSource
      .getRepository(CertificateLookup)
      .insert({ id: randomUUID(), ...lookup, lookedUpAt: new Date() });
  }

  /**
   * The status indexes whose bit is set today. Revocation: the certificate's revocation has taken
   * effect. Suspension: its credential is suspended today (from its first day through its last), so
   * lifting a suspension, or its end date passing, clears the bit again.
   */
  async findSetStatusIndexes(purpose: StatusPurpose, today: IsoDate): Promise<number[]> {
    const qb = this.dataSource.getRepository(Certificate).createQueryBuilder('c').select('c.status_index', 'idx');
    if (purpose === 'revocation') qb.where('c.revoked_on IS NOT NULL AND c.revoked_on <= :today', { today });
    else
      qb.innerJoin('c.credential', 'cr').where(
        'cr.suspended_from IS NOT NULL AND cr.suspended_from <= :today AND (cr.suspended_until IS NULL OR cr.suspended_until >= :today)',
        { today },
      );
    const rows: Array<{ idx: number | string }> = await qb.getRawMany();
    return rows.map((r) => Number(r.idx));
  }

  // ---- reading -------------------------------------------------------------------------------

  private withCredential() {
    return this.dataSource
      .getRepository(Certificate)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.credential', 'cr')
      .innerJoinAndSelect('cr.credentialType', 't');
  }

  /**
   * The certificate with its credential, type and holder, if the viewer's record scope takes in the
   * holder, or (for a trainer) a cohort they run awarded it.
   */
  async findVisible(certificateId: string, viewer: AuthUser, today: IsoDate, asTrainer: boolean) {
    const qb = this.withCredential()
      .innerJoinAndSelect('c.person', 'p')
      .where('c.id = :certificateId', { certificateId });
    const inScope = await whereVisibleTo(qb.clone(), 'c.person_id', viewer, today).getOne();
    if (inScope || !asTrainer) return inScope;
    return qb
      .andWhere('cr.cohort_id IN (SELECT ct.cohort_id FROM cohort_trainers ct WHERE ct.trainer_id = :trainer)', {
        trainer: viewer.id,
      })
      .getOne();
  }

  /** Whether the viewer's record scope takes in this person. */
  isPersonVisible(personId: string, viewer: AuthUser, today: IsoDate): Promise<boolean> {
    return whereVisibleTo(this.dataSource.getRepository(Person).createQueryBuilder('p'), 'p.id', viewer, today)
      .andWhere('p.id = :personId', { personId })
      .getExists();
  }

  /** The person, or a 404 when outside the viewer's scope. */
  findVisiblePerson(personId: string, viewer: AuthUser, today: IsoDate): Promise<Person> {
    return findVisiblePerson(this.dataSource, personId, viewer, today);
  }

  /** The cohort, or a 404 unless the user runs it (or is an admin). */
  findManagedCohort(cohortId: string, user: AuthUser): Promise<Cohort> {
    return findManagedCohort(this.dataSource.manager, cohortId, user);
  }

  /** Every certificate of a person the viewer may see, newest first. */
  findForPerson(personId: string, viewer: AuthUser, today: IsoDate): Promise<Certificate[]> {
    const qb = this.withCredential().where('c.person_id = :personId', { personId }).orderBy('c.issued_at', 'DESC');
    return whereVisibleTo(qb, 'c.person_id', viewer, today).getMany();
  }

  /** How many of a cohort's program-issued, unrevoked awards have their current certificate drawn yet. */
  async countCohortDrawn(cohortId: string): Promise<{ done: number; total: number }> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('COUNT(*)', 'total')
      .addSelect('COUNT(cert.id)', 'done')
      .from(Credential, 'cr')
      .innerJoin('cr.credentialType', 't')
      .leftJoin(Certificate, 'cert', 'cert.credential_id = cr.id AND cert.superseded_at IS NULL')
      .where("cr.cohort_id = :cohortId AND t.kind = 'internal' AND cr.revoked_on IS NULL", { cohortId })
      .getRawOne<{ total: string | number; done: string | number }>();
    return { done: Number(row?.done ?? 0), total: Number(row?.total ?? 0) };
  }

  /** The current certificates of a cohort's awards, by recipient name. */
  findCurrentOfCohort(cohortId: string): Promise<Certificate[]> {
    return this.withCredential()
      .where('cr.cohort_id = :cohortId AND c.superseded_at IS NULL', { cohortId })
      .orderBy('c.recipient_name', 'ASC')
      .getMany();
  }

  /** One page of current certificates, newest first, narrowed by name or code (`q`) and credential type code. */
  findCurrentPage(filter: { q?: string; type?: string }, page: number, pageSize: number) {
    const qb = this.withCredential().where('c.superseded_at IS NULL');
    if (filter.q)
      qb.andWhere('(lower(c.recipient_name) LIKE :q OR c.code LIKE :codeQ)', {
        q: `%${filter.q.toLowerCase()}%`,
        codeQ: `%${filter.q.toUpperCase()}%`,
      });
    if (filter.type) qb.andWhere('upper(t.code) = :type', { type: filter.type.toUpperCase() });
    return qb
      .orderBy('c.issued_at', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  /** Every certificate issued for the credential, newest first. */
  findHistory(credentialId: string): Promise<Certificate[]> {
    return this.dataSource.getRepository(Certificate).find({ where: { credentialId }, order: { issuedAt: 'DESC' } });
  }

  countLookups(certificateIds: string[]): Promise<number> {
    return this.dataSource.getRepository(CertificateLookup).count({ where: { certificateId: In(certificateIds) } });
  }
}
