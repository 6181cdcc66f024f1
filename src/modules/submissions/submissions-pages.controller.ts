import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpException,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UploadedFiles,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import type { AuthUser } from '../../common/auth/auth-user';
import { CurrentUser, RequestActor, Roles } from '../../common/auth/decorators';
import { formErrorsFrom } from '../../common/http/form-errors';
import { submitForm, type FormErrors } from '../../common/http/form-post';
import { validateForm } from '../../common/http/validation';
import { AppConfig } from '../../config/app-config';
import type { CredentialType } from '../catalog/credential-type.entity';
import { VERIFICATION_RESULTS } from '../credentials/credential.entity';
import { ApproveSubmissionDto, ReturnSubmissionDto, SubmissionListQuery } from './dto/submission.dto';
import { EvidenceUploadRefusal } from './evidence-upload.filter';
import type { Submission } from './submission.entity';
import { SubmissionLookups } from './submission-lookups';
import { EVIDENCE_UPLOAD } from './submissions.controller';
import { SubmissionsService } from './submissions.service';
import {
  draftFrom,
  evidenceView,
  queueModel,
  SUBMISSION_NOTICES,
  submissionFacts,
  submissionFormModel,
  submissionSummary,
} from './submissions-pages.views';

type FormBody = Record<string, unknown>;

const EXPIRY_FROM_EVIDENCE = 'As on the evidence handed in';

/**
 * The pages over SubmissionsService: a person hands in their own records (My credentials links here,
 * and expiry reminders link to the renew form), and admins review the queue.
 */
@ApiExcludeController()
@Controller()
export class SubmissionsPagesController {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly lookups: SubmissionLookups,
    private readonly config: AppConfig,
  ) {}

  @Get('my/submissions/new')
  async newForm(@Query('kind') kind: string | undefined, @Res() res: Response) {
    if (kind !== undefined && kind !== 'credential' && kind !== 'ce')
      throw new BadRequestException('kind must be credential or ce.');
    return res.render('submissions/form', await this.formModel({ kind: kind ?? 'credential' }, {}));
  }

  /** The address expiry reminders link to: the renew form for that credential, its type and issuer filled in. */
  @Get('my/credentials/:credentialId/renew')
  async renewForm(
    @Param('credentialId', new ParseUUIDPipe()) credentialId: string,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    const renewing = await this.lookups.renewable(user.id, credentialId);
    const draft = {
      credentialTypeCode: renewing.credentialType.code,
      issuingBody: renewing.issuingBody,
      licenceNumber: renewing.licenceNumber,
    };
    return res.render('submissions/form', await this.formModel({ kind: 'renewal', credentialId }, draft, user));
  }

  /**
   * The service checks the fields by the record the kind asks for (RecordCredentialDto or SubmitCeDto), so there
   * is no one DTO for submitForm here; a refusal is shown on the form the same way, at 400 with the draft.
   */
  @Post('my/submissions')
  @UseInterceptors(EVIDENCE_UPLOAD)
  @UseFilters(EvidenceUploadRefusal)
  async submit(
    @Body() body: FormBody,
    @UploadedFiles() files: Express.Multer.File[] | undefined,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    // A file input left empty still sends a part, with no name and no bytes.
    const evidence = (files ?? []).filter((f) => f.size > 0 || f.originalname !== '');
    // The date on the card is the expiry, and the record's rules want a hand-set expiry to say where it came from.
    // The form's CSRF field is gone once checked; a client that sent the header instead may still carry it.
    const { _csrf: _checked, ...fields } = body;
    if (fields.expiresOn && !fields.expiryNote) fields.expiryNote = EXPIRY_FROM_EVIDENCE;
    try {
      const created = await this.submissions.submit(user.id, fields, evidence, user, actor);
      return res.redirect(303, `/my/submissions/${created.id}?notice=submitted`);
    } catch (e) {
      const errors = formErrorsFrom(e);
      const kind = body.kind === 'ce' || body.kind === 'renewal' ? body.kind : 'credential';
      const credentialId = typeof body.credentialId === 'string' ? body.credentialId : undefined;
      const previousId = typeof body.previousId === 'string' ? body.previousId : undefined;
      const model = await this.formModel({ kind, credentialId, previousId }, { ...body }, user, errors);
      return res.status(400).render('submissions/form', model);
    }
  }

  @Get('my/submissions')
  async mine(@Query('notice') notice: string | undefined, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const list = await this.submissions.forPerson(user.id, user);
    const types = await this.lookups.typesById(list.map((s) => s.credentialTypeId));
    return res.render('submissions/mine', {
      title: 'My submissions',
      notice: SUBMISSION_NOTICES[notice ?? ''],
      rows: list.map((s) => submissionSummary(s, types)),
    });
  }

  @Get('my/submissions/:id')
  async mineOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render('submissions/show', await this.showModel(id, user, { notice: SUBMISSION_NOTICES[notice ?? ''] }));
  }

  @Post('my/submissions/:id/withdraw')
  async withdraw(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.showModel(id, user, {});
    try {
      await this.submissions.withdraw(id, user, actor);
      return res.redirect(303, `/my/submissions/${id}?notice=withdrawn`);
    } catch (e) {
      const errors = formErrorsFrom(e);
      return res.status(statusOf(e)).render('submissions/show', await this.showModel(id, user, { errors }));
    }
  }

  @Get('admin/submissions')
  @Roles('admin')
  async queue(@Query() raw: FormBody, @Res() res: Response) {
    // The queue opens on what waits; "all states" is asked for with an empty state.
    const filters = { state: raw.state === undefined ? 'submitted' : raw.state, kind: raw.kind ?? '' };
    const { value, errors } = await validateForm(SubmissionListQuery, filters);
    const list = value ? await this.submissions.list(value) : [];
    const [types, people] = await Promise.all([
      this.lookups.typesById(list.map((s) => s.credentialTypeId)),
      this.lookups.peopleById(list.map((s) => s.personId)),
    ]);
    const model = {
      ...queueModel(list, filters as { state: string; kind: string }, types, people, new Date()),
      errors,
    };
    return res.status(errors ? 400 : 200).render('submissions/queue', model);
  }

  @Get('admin/submissions/:id')
  @Roles('admin')
  async review(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('notice') notice: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() res: Response,
  ) {
    return res.render(
      'submissions/review',
      await this.reviewModel(id, user, { notice: SUBMISSION_NOTICES[notice ?? ''] }),
    );
  }

  @Post('admin/submissions/:id/approve')
  @Roles('admin')
  async approve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: ApproveSubmissionDto,
      body,
      run: (value) => this.submissions.approve(id, value, user, actor),
      done: () => `/admin/submissions/${id}?notice=approved`,
      view: 'submissions/review',
      model: (approveErrors) => this.reviewModel(id, user, { approveErrors, approveValues: body }),
    });
  }

  @Post('admin/submissions/:id/return')
  @Roles('admin')
  async returnToSender(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: FormBody,
    @CurrentUser() user: AuthUser,
    @RequestActor() actor: Actor,
    @Res() res: Response,
  ) {
    return submitForm(res, {
      dto: ReturnSubmissionDto,
      body,
      run: (value) => this.submissions.returnToSender(id, value.reason, user, actor),
      done: () => `/admin/submissions/${id}?notice=returned`,
      view: 'submissions/review',
      model: (returnErrors) => this.reviewModel(id, user, { returnErrors, returnValues: body }),
    });
  }

  private async formModel(
    what: { kind: 'credential' | 'renewal' | 'ce'; credentialId?: string; previousId?: string },
    draft: FormBody,
    user?: AuthUser,
    errors?: FormErrors,
  ) {
    // A refused renewal whose credential is not the person's is shown without it; the service said why.
    const renewing =
      what.kind === 'renewal' && what.credentialId && user
        ? await this.lookups.renewable(user.id, what.credentialId).catch(() => null)
        : null;
    return submissionFormModel({
      kind: what.kind,
      types: await this.lookups.submittableTypes(),
      draft,
      errors,
      renewing,
      previousId: what.previousId,
    });
  }

  /** A person's own submission (or one they handed in); anyone else's is a 404 here, admins review elsewhere. */
  private async showModel(id: string, user: AuthUser, extra: object) {
    const s = await this.submissions.get(id, user);
    if (s.personId !== user.id && s.submittedById !== user.id)
      throw new NotFoundException('No submission with that id.');
    const [history, all] = await Promise.all([
      this.submissions.history(s),
      this.submissions.forPerson(s.personId, user),
    ]);
    const types = await this.lookups.typesById([s.credentialTypeId, ...history.map((h) => h.credentialTypeId)]);
    const resubmittedAs = all.find((other) => other.previousId === s.id) ?? null;
    // The form posts for the signed-in person, so only the holder sends a returned one again from here.
    const canResubmit = s.state === 'returned' && !resubmittedAs && s.personId === user.id;
    return {
      title: `Submission: ${submissionSummary(s, types).what ?? ''}`,
      submission: submissionSummary(s, types),
      facts: submissionFacts(s, types),
      files: evidenceView(s),
      history: history.map((h) => submissionSummary(h, types)),
      canWithdraw: s.state === 'submitted',
      resubmittedAs: resubmittedAs?.id ?? null,
      resubmit: canResubmit ? await this.resubmitForm(s, types, user) : null,
      ...extra,
    };
  }

  private async resubmitForm(s: Submission, types: Map<string, CredentialType>, user: AuthUser) {
    return this.formModel(
      { kind: s.kind, credentialId: s.renewsCredentialId ?? undefined, previousId: s.id },
      draftFrom(s, types),
      user,
    );
  }

  private async reviewModel(id: string, user: AuthUser, extra: object) {
    const s = await this.submissions.get(id, user);
    const history = await this.submissions.history(s);
    const [types, people] = await Promise.all([
      this.lookups.typesById([s.credentialTypeId, ...history.map((h) => h.credentialTypeId)]),
      this.lookups.peopleById([s.personId, s.submittedById, s.reviewedById]),
    ]);
    const person = people.get(s.personId);
    const summary = submissionSummary(s, types);
    return {
      title: `Review: ${summary.what ?? ''}`,
      wide: true,
      submission: summary,
      person: { id: s.personId, name: person?.displayName ?? '—', email: person?.email ?? null },
      submittedBy: s.submittedById && s.submittedById !== s.personId ? people.get(s.submittedById)?.displayName : null,
      reviewedBy: s.reviewedById ? (people.get(s.reviewedById)?.displayName ?? '—') : null,
      renewsCredentialId: s.renewsCredentialId,
      isCe: s.kind === 'ce',
      facts: submissionFacts(s, types),
      files: evidenceView(s),
      history: history.map((h) => submissionSummary(h, types)),
      canDecide: s.state === 'submitted',
      results: VERIFICATION_RESULTS,
      approveValues: { verifiedOn: this.config.today(), result: 'confirmed' },
      ...extra,
    };
  }
}

function statusOf(e: unknown): number {
  return e instanceof HttpException ? e.getStatus() : 400;
}
