import {
  BadRequestException,
  ForbiddenException,
  PayloadTooLargeException,
  Injectable,
  mixin,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { FileInterceptor, FilesInterceptor } from '@nestjs/platform-express';
import type { MulterOptions } from '@nestjs/platform-express/multer/interfaces/multer-options.interface';
import type { Request } from 'express';
import type {} from 'multer'; // the Express.Multer.File type
import { AppConfig } from '../../config/app-config';
import { CSRF_COOKIE, CSRF_FIELD, isValidCsrf } from './csrf';

/** Marks an interceptor class that checks a form's CSRF token itself, once the upload is read. */
export const CHECKS_CSRF_AFTER_UPLOAD = Symbol('checks CSRF after upload');

export const CSRF_REFUSED_MESSAGE =
  'This form has expired or did not come from this site. Go back, reload the page and try again.';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the access guard: a multipart form whose CSRF field is still inside the unread body. */
    csrfAfterUpload?: boolean;
  }
}

/**
 * `FileInterceptor(field, options)` for a route an upload form posts to. A multipart body is read
 * after the access guard runs, so the guard leaves the CSRF check of such a form to this
 * interceptor, which makes it as soon as multer has read the fields: the token travels in the form's
 * body (`_csrf`) like every other form's, never in the address, where logs and Referer headers keep it.
 */
export interface UploadMessages {
  /** Said instead of multer's "File too large", which does not give the limit. */
  tooLarge?: string;
  /** With `maxCount`: said when more files come than that. */
  tooMany?: string;
  /** Several files in the one field (`req.files`), at most this many; one (`req.file`) when left out. */
  maxCount?: number;
}

export function FileUploadInterceptor(
  field: string,
  options: MulterOptions,
  messages: UploadMessages = {},
): Type<NestInterceptor> {
  const { tooLarge, tooMany, maxCount } = messages;
  const Multer = maxCount ? FilesInterceptor(field, maxCount, options) : FileInterceptor(field, options);

  @Injectable()
  class FileUpload implements NestInterceptor {
    static readonly [CHECKS_CSRF_AFTER_UPLOAD] = true;
    private readonly multer = new Multer({});

    constructor(private readonly config: AppConfig) {}

    async intercept(context: ExecutionContext, next: CallHandler) {
      const req = context.switchToHttp().getRequest<Request>();
      return Promise.resolve(this.upload(context, req, next)).catch((e: unknown) => {
        // Multer's own words ("File too large") do not say what the limit is.
        if (tooLarge && e instanceof PayloadTooLargeException)
          throw new PayloadTooLargeException({
            statusCode: 413,
            message: tooLarge,
            errors: [{ field, message: tooLarge }],
          });
        // Multer says "Too many files" or, past maxCount, "Unexpected field" ("Unexpected file field" in multer 2).
        if (tooMany && e instanceof BadRequestException && /too many files|unexpected (file )?field/i.test(e.message))
          throw new BadRequestException({ statusCode: 400, message: tooMany, errors: [{ field, message: tooMany }] });
        throw e;
      });
    }

    private upload(context: ExecutionContext, req: Request, next: CallHandler) {
      return this.multer.intercept(context, {
        handle: () => {
          if (req.csrfAfterUpload) {
            const body = req.body as Record<string, unknown> | undefined;
            const cookie = (req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE];
            if (!isValidCsrf(this.config.sessionSecret, cookie, body?.[CSRF_FIELD]))
              throw new ForbiddenException({ statusCode: 403, message: CSRF_REFUSED_MESSAGE, errors: [] });
            if (body) delete body[CSRF_FIELD];
          }
          return next.handle();
        },
      });
    }
  }
  return mixin(FileUpload);
}

/** True when one of the route's interceptors makes the CSRF check of its upload form itself. */
export function checksCsrfAfterUpload(interceptors: unknown[] | undefined): boolean {
  return (interceptors ?? []).some(
    (i) => typeof i === 'function' && (i as unknown as Record<symbol, unknown>)[CHECKS_CSRF_AFTER_UPLOAD] === true,
  );
}
