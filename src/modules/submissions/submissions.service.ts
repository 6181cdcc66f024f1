import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { fieldError, validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { CredentialType } from '../catalog/credential-type.entity';
import { CeService } from '../ce/ce.service';
import { ceEntryProblem } from '../ce/ce-rules';
import { SubmitCeDto } from '../ce/dto/ce.dto';
import { Credential } from '../credentials/credential.entity';
import { credentialRecordProblem } from '../credentials/credential-rules';
import { CredentialsService } from '../credentials/credentials.service';
import { RecordCredentialDto } from '../credentials/dto/credential.dto';
import { NotificationsService } from '../notifications/notifications.service';
import { findVisiblePerson, whereVisibleTo } from '../people/people-scope';
import type { ApproveSubmissionDto, SubmissionListQuery } from './dto/submission.dto';
import { SubmissionKindDto } from './dto/submission.dto';
import { EvidenceStorage } from './evidence/evidence-storage';
import { acceptEvidence, type UploadedEvidence } from './evidence/accept-evidence';
import { Submission, type SubmissionFile } from './submission.entity';

const CREDENTIAL_FIELDS = ['credentialTypeCode', 'issuedOn', 'expiresOn', 'expiryNote', 'licenceNumber', 'issuingBody'];
const CE_FIELDS = ['title', 'provider', 'completedOn', 'hours', 'category'];
const EXPIRY_FROM_EVIDENCE = 'As on the evidence handed in';
const SUBMISSION_FIELDS = ['kind', 'credentialId', 'previousId', ...CREDENTIAL_FIELDS, ...CE_FIELDS];

function pick(body: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => body[f] !== undefined && body[f] !== '').map((f) => [f, body[f]]));
}

/** Throws the one 400 shape from a DTO's field errors. */
function refuse(errors: Record<string, string>): never {
  const [field, message] = Object.entries(errors)[0];
  throw fieldError(
    field,
    message,
    Object.keys(errors).length === 1 ? `${field} ${message}.` : `${Object.keys(errors).length} fields are invalid.`,
  );
}

/**
 * Records people hand in with their evidence, and their review. A submission is checked by the rules
 * of the record it asks for when it comes in, and again when it is approved; until then it counts for
 * nothing. Approving writes the record and its primary-source check in the one transaction that
 * closes the submission, so two reviewers at once cannot both approve it.
 */
@Injectable()
export class SubmissionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly credentials: CredentialsService,
    private readonly ce: CeService,
    private readonly notifications: NotificationsService,
    private readonly storage: EvidenceStorage,
  ) {}

  /** Someone hands in a record for themselves, or a supervisor or admin for a person in their scope. */
  async submit(
    personId: string,
    body: Record<string, unknown>,
    files: UploadedEvidence[],
    user: AuthUser,
    actor: Actor,
  ): Promise<Submission> {
    if (personId !== user.id) await findVisiblePerson(this.dataSource, personId, user, this.config.today());
    const unknown = Object.keys(body).find((k) => !SUBMISSION_FIELDS.includes(k));
    if (unknown) throw fieldError(unknown, 'is not a field of a submission');
    const head = await validateForm(SubmissionKindDto, pick(body, ['kind', 'credentialId', 'previousId']));
    if (head.errors) refuse(head.errors);
    const { kind, credentialId, previousId } = head.value;
    const fields =
      kind === 'ce' ? await this.ceFields(body) : await this.credentialFields(personId, kind, body, credentialId);
    if (previousId) await this.assertReturned(previousId, personId);
    const accepted = await acceptEvidence(files, this.storage);
    try {
      return await this.dataSource.transaction(async (tx) => {
        const repo = tx.getRepository(Submission);
        const submission = repo.create({
          personId,
          kind,
          state: 'submitted',
          ...fields,
          files: accepted,
          submittedById: user.id,
          previousId: previousId ?? null,
        });
        await repo.insert(submission);
        await this.audit.record(tx, actor, {
          action: 'submission.submitted',
          entityType: 'person',
          entityId: personId,
          after: { submissionId: submission.id, kind, ...fields, files: accepted.map((f) => f.key) },
        });
        return submission;
      });
    } catch (e) {
      await this.forget(accepted);
      throw e;
    }
  }

  private async credentialFields(
    personId: string,
    kind: 'credential' | 'renewal',
    body: Record<string, unknown>,
    credentialId: string | null | undefined,
  ): Promise<Partial<Submission>> {
    let renewed: Credential | null = null;
    if (kind === 'renewal') {
      if (!credentialId) throw fieldError('credentialId', 'is required: say which credential this renews');
      renewed = await this.dataSource
        .getRepository(Credential)
        .findOne({ where: { id: credentialId, personId }, relations: { credentialType: true } });
      // Someone else's credential is no different from none, so ids cannot be probed.
      if (!renewed) throw fieldError('credentialId', "is not one of this person's credentials");
    }
    const input = pick(body, CREDENTIAL_FIELDS);
    if (renewed && !input.credentialTypeCode) input.credentialTypeCode = renewed.credentialType.code;
    // The expiry a person hands in is the one printed on the evidence, which is the reason the record's DTO asks
    // for when an expiry is set by hand; the submission keeps no note, and approval writes this same one.
    if (input.expiresOn && !input.expiryNote) input.expiryNote = EXPIRY_FROM_EVIDENCE;
    const checked = await validateForm(RecordCredentialDto, input);
    if (checked.errors) refuse(checked.errors);
    const dto = checked.value;
    const type = await this.dataSource
      .getRepository(CredentialType)
      .createQueryBuilder('t')
      .where('upper(t.code) = :code', { code: dto.credentialTypeCode.toUpperCase() })
      .getOne();
    if (!type) throw fieldError('credentialTypeCode', 'is not a credential type in the catalogue');
    if (type.kind !== 'external')
      throw fieldError(
        'credentialTypeCode',
        'is issued by the program through its training, so it cannot be handed in',
        `${type.code} is issued by the program through its training; it cannot be submitted.`,
      );
    if (renewed && renewed.credentialTypeId !== type.id)
      throw fieldError(
        'credentialTypeCode',
        `must be ${renewed.credentialType.code}, the type of the credential renewed`,
      );
    if (renewed && dto.issuedOn <= renewed.issuedOn)
      throw fieldError('issuedOn', `must be after ${renewed.issuedOn}, when the credential renewed was issued`);
    const rule = credentialRecordProblem(type, dto, this.config.today());
    if (rule) throw fieldError(rule.field, rule.message, rule.sentence);
    return {
      credentialTypeId: type.id,
      renewsCredentialId: renewed?.id ?? null,
      issuedOn: dto.issuedOn,
      expiresOn: dto.expiresOn ?? null,
      licenceNumber: dto.licenceNumber ?? null,
      issuingBody: dto.issuingBody ?? null,
    };
  }

  private async ceFields(body: Record<string, unknown>): Promise<Partial<Submission>> {
    const checked = await validateForm(SubmitCeDto, pick(body, CE_FIELDS));
    if (checked.errors) refuse(checked.errors);
    const rule = ceEntryProblem(checked.value, this.config.today());
    if (rule) throw fieldError(rule.field, rule.message);
    const { title, provider, completedOn, hours, category } = checked.value;
    return { title, provider, completedOn, hours, category };
  }

  private async assertReturned(previousId: string, personId: string): Promise<void> {
    const previous = await this.dataSource.getRepository(Submission).findOneBy({ id: previousId, personId });
    if (!previous) throw fieldError('previousId', "is not one of this person's submissions");
    if (previous.state !== 'returned') throw fieldError('previousId', `was ${previous.state}, not returned`);
  }

  /** The review queue: oldest first. */
  list(query: SubmissionListQuery): Promise<Submission[]> {
    const qb = this.dataSource
      .getRepository(Submission)
      .createQueryBuilder('s')
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .take(500);
    if (query.state) qb.andWhere('s.state = :state', { state: query.state });
    if (query.kind) qb.andWhere('s.kind = :kind', { kind: query.kind });
    return qb.getMany();
  }

  /** How many wait for review, for the navigation's count. */
  waitingCount(): Promise<number> {
    return this.dataSource.getRepository(Submission).countBy({ state: 'submitted' });
  }

  /** A person's own submissions, newest first. */
  async forPerson(personId: string, user: AuthUser): Promise<Submission[]> {
    if (personId !== user.id) await findVisiblePerson(this.dataSource, personId, user, this.config.today());
    return this.dataSource.getRepository(Submission).find({ where: { personId }, order: { createdAt: 'DESC' } });
  }

  /** One submission: its holder, their supervisors today and admins; anyone else gets a 404. */
  async get(id: string, user: AuthUser): Promise<Submission> {
    const qb = this.dataSource.getRepository(Submission).createQueryBuilder('s').where('s.id = :id', { id });
    const found = await whereVisibleTo(qb, 's.person_id', user, this.config.today()).getOne();
    if (!found) throw new NotFoundException('No submission with that id.');
    return found;
  }

  /** A returned submission and those before it, oldest first: what was asked and answered. */
  async history(submission: Submission): Promise<Submission[]> {
    const chain: Submission[] = [];
    let previousId = submission.previousId;
    while (previousId && chain.length < 50) {
      const previous = await this.dataSource.getRepository(Submission).findOneBy({ id: previousId });
      if (!previous) break;
      chain.unshift(previous);
      previousId = previous.previousId;
    }
    return chain;
  }

  async file(id: string, n: number, user: AuthUser): Promise<{ file: SubmissionFile; bytes: Buffer }> {
    const submission = await this.get(id, user);
    const file = submission.files[n - 1];
    if (!file) throw new NotFoundException(`This submission has no file ${n}.`);
    return { file, bytes: await this.storage.read(file.key) };
  }

  /** Writes the record and its primary-source check, and closes the submission, all in one transaction. */
  async approve(id: string, dto: ApproveSubmissionDto, reviewer: AuthUser, actor: Actor): Promise<Submission> {
    if (dto.result !== 'confirmed')
      throw fieldError('result', 'must be confirmed to approve; return the submission with the reason instead');
    return this.dataSource.transaction(async (tx) => {
      const submission = await this.close(tx, id, reviewer, 'approved');
      const recordId =
        submission.kind === 'ce'
          ? (await this.approveCe(tx, submission, reviewer, actor)).id
          : (await this.approveCredential(tx, submission, dto, actor)).id;
      await tx.getRepository(Submission).update({ id }, { recordId });
      await this.audit.record(tx, actor, {
        action: 'submission.approved',
        entityType: 'person',
        entityId: submission.personId,
        after: { submissionId: id, recordId, verifiedOn: dto.verifiedOn, source: dto.source ?? null },
      });
      return { ...submission, state: 'approved', recordId, reviewedById: reviewer.id } as Submission;
    });
  }

  private async approveCredential(
    tx: EntityManager,
    submission: Submission,
    dto: ApproveSubmissionDto,
    actor: Actor,
  ): Promise<Credential> {
    const type = await tx.getRepository(CredentialType).findOneByOrFail({ id: submission.credentialTypeId! });
    const record = await this.credentials.record(
      submission.personId,
      {
        credentialTypeCode: type.code,
        issuedOn: submission.issuedOn!,
        expiresOn: submission.expiresOn,
        expiryNote: submission.expiresOn ? EXPIRY_FROM_EVIDENCE : null,
        licenceNumber: submission.licenceNumber,
        issuingBody: submission.issuingBody,
        evidenceNote: `Submission ${submission.id}`,
      },
      actor,
      tx,
    );
    return this.credentials.verify(record.id, dto, actor, tx);
  }

  private approveCe(tx: EntityManager, submission: Submission, reviewer: AuthUser, actor: Actor) {
    return this.ce.recordConfirmed(
      tx,
      submission.personId,
      {
        title: submission.title!,
        provider: submission.provider!,
        completedOn: submission.completedOn!,
        hours: submission.hours!,
        category: submission.category as SubmitCeDto['category'],
        evidenceNote: `Submission ${submission.id}`,
      },
      reviewer.id,
      actor,
    );
  }

  /** Sends a submission back with what to fix; the person is told in the app and by e-mail. */
  async returnToSender(id: string, reason: string, reviewer: AuthUser, actor: Actor): Promise<Submission> {
    let outbox: string[] = [];
    const returned = await this.dataSource.transaction(async (tx) => {
      const submission = await this.close(tx, id, reviewer, 'returned', reason);
      await this.audit.record(tx, actor, {
        action: 'submission.returned',
        entityType: 'person',
        entityId: submission.personId,
        after: { submissionId: id, reason },
      });
      const recipients = await this.notifications.recipients(tx, [submission.personId]);
      outbox = await this.notifications.write(
        tx,
        [
          {
            personId: submission.personId,
            kind: 'submission.returned',
            title: 'A submission was returned to you',
            body: `What to fix: ${reason}`,
            link: `/my/submissions/${id}`,
            dedupeKey: `submission.returned:${id}`,
            email: {
              category: 'alert',
              subject: 'Your submission was returned: please fix and send it again',
              template: 'submission-returned',
              context: { reason, link: `/my/submissions/${id}` },
            },
          },
        ],
        recipients,
      );
      return { ...submission, state: 'returned', returnReason: reason } as Submission;
    });
    await this.notifications.enqueue(outbox);
    return returned;
  }

  /** The person (or whoever handed it in) takes a submission back before it is reviewed. */
  async withdraw(id: string, user: AuthUser, actor: Actor): Promise<Submission> {
    const submission = await this.get(id, user);
    if (submission.personId !== user.id && submission.submittedById !== user.id && !hasRole(user, 'admin'))
      throw new NotFoundException('No submission with that id.');
    return this.dataSource.transaction(async (tx) => {
      const changed = await tx.getRepository(Submission).update({ id, state: 'submitted' }, { state: 'withdrawn' });
      if (!changed.affected) throw this.alreadyClosed(await tx.getRepository(Submission).findOneByOrFail({ id }));
      await this.audit.record(tx, actor, {
        action: 'submission.withdrawn',
        entityType: 'person',
        entityId: submission.personId,
        after: { submissionId: id },
      });
      return { ...submission, state: 'withdrawn' } as Submission;
    });
  }

  /**
   * Moves a waiting submission to its outcome with one conditional update: of two reviewers at once,
   * the second finds it no longer waiting and gets a 409.
   */
  private async close(
    tx: EntityManager,
    id: string,
    reviewer: AuthUser,
    state: 'approved' | 'returned',
    reason: string | null = null,
  ): Promise<Submission> {
    const repo = tx.getRepository(Submission);
    const submission = await repo.findOneBy({ id });
    if (!submission) throw new NotFoundException('No submission with that id.');
    if (submission.personId === reviewer.id)
      throw fieldError('decision', 'cannot be made on your own submission: another admin reviews it');
    const review = { state, reviewedById: reviewer.id, reviewedAt: new Date(), returnReason: reason };
    const changed = await repo.update({ id, state: 'submitted' }, review);
    if (!changed.affected) throw this.alreadyClosed(await repo.findOneByOrFail({ id }));
    // The answer shows the review just made (who and when), not the row as it was read before it.
    return { ...submission, ...review } as Submission;
  }

  private alreadyClosed(submission: Submission): ConflictException {
    return new ConflictException({
      statusCode: 409,
      message: `This submission was already ${submission.state}.`,
      errors: [],
    });
  }

  /** Files no submission refers to any more (a refused upload, a row rolled back) are removed. */
  private async forget(files: SubmissionFile[]): Promise<void> {
    for (const f of files) {
      const used = await this.dataSource
        .getRepository(Submission)
        .createQueryBuilder('s')
        .where('s.files LIKE :key', { key: `%${f.key}%` })
        .getExists();
      if (!used) await this.storage.delete(f.key);
    }
  }
}
