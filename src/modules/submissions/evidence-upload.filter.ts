import {
  BadRequestException,
  Catch,
  Injectable,
  PayloadTooLargeException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { formErrorsFrom } from '../../common/http/form-errors';
import { SubmissionLookups } from './submission-lookups';
import { submissionFormModel } from './submissions-pages.views';

/**
 * The upload's own refusals (a file over 10 MB, more than five) come from the interceptor, before the page's
 * handler runs: this shows them on the form too, rather than as an error page. The body was cut short with the
 * upload, so only what arrived before the files (the kind, the hidden ids, the fields above) is kept.
 */
@Injectable()
// Only these two: the handler shows its own refusals on the form, and a 403 (CSRF) keeps the error page.
@Catch(PayloadTooLargeException, BadRequestException)
export class EvidenceUploadRefusal implements ExceptionFilter {
  constructor(private readonly lookups: SubmissionLookups) {}

  async catch(exception: PayloadTooLargeException | BadRequestException, host: ArgumentsHost): Promise<void> {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const status = exception.getStatus();
    const draft = { ...((req.body as Record<string, unknown> | undefined) ?? {}) };
    delete draft._csrf;
    const kind = draft.kind === 'ce' || draft.kind === 'renewal' ? draft.kind : 'credential';
    const renewing =
      kind === 'renewal' && typeof draft.credentialId === 'string' && req.user
        ? await this.lookups.renewable(req.user.id, draft.credentialId).catch(() => null)
        : null;
    const model = submissionFormModel({
      kind,
      types: await this.lookups.submittableTypes(),
      draft,
      errors: formErrorsFrom(exception),
      renewing,
      previousId: typeof draft.previousId === 'string' ? draft.previousId : null,
    });
    res.status(status).render('submissions/form', model);
  }
}
