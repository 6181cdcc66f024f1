import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NESTING_MESSAGE } from './nesting-depth';
import type { FieldError } from './validation';

/** True when the client should get JSON rather than an HTML page. */
export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/') || req.path === '/api' || req.path === '/health') return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const TITLES: Record<number, string> = {
  400: 'That request could not be used',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'That conflicts with existing data',
  413: 'That upload is too large',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Service unavailable',
};

/**
 * The one error handler: `{ statusCode, message, errors: [{ field, message }] }` for the API, a
 * friendly page for browsers. Unexpected errors are logged with the request id and never leak a
 * stack trace or an internal message.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { statusCode, message, errors } = this.describe(exception, req);

    if (statusCode >= 500) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${req.method} ${req.originalUrl} failed [request ${req.id}]: ${detail}`);
    }
    if (res.headersSent) return;
    if (statusCode === 401 && !wantsJson(req)) {
      // A page that needs signing in sends the browser to sign in, and back here afterwards.
      res.redirect(303, `/login?next=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/')}`);
      return;
    }
    res.status(statusCode);
    if (wantsJson(req)) {
      // A few refusals say more than fits in field errors (a roster's total of bad lines): they put it in `details`.
      const details = exception instanceof HttpException ? detailsOf(exception.getResponse()) : undefined;
      res.json({ statusCode, message, errors, ...(details ? { details } : {}), requestId: req.id });
      return;
    }
    res.render('errors/error', {
      title: TITLES[statusCode] ?? 'Error',
      statusCode,
      message,
      errors,
      requestId: req.id,
    });
  }

  private describe(exception: unknown, req: Request): { statusCode: number; message: string; errors: FieldError[] } {
    // qs refuses a form nested deeper than its depth option before our own check sees it; say the same.
    // (Nest hands body-parser's errors on as an HttpException caused by the original.)
    const original = exception instanceof HttpException ? exception.cause : exception;
    if ((original as { type?: unknown } | undefined)?.type === 'querystring.parse.rangeError')
      return {
        statusCode: 400,
        message: `The request ${NESTING_MESSAGE}.`,
        errors: [{ field: '', message: NESTING_MESSAGE }],
      };
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      let message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      let errors = typeof body === 'object' ? ((body as { errors?: FieldError[] }).errors ?? []) : [];
      if (Array.isArray(message)) {
        errors = message.map((m: string) => ({ field: '', message: m }));
        message = message.join('; ');
      }
      if (statusCode === HttpStatus.NOT_FOUND && typeof message === 'string' && message.startsWith('Cannot ')) {
        message = `There is nothing at ${req.path}.`;
      }
      if (statusCode >= 500) message = 'The server could not complete this request.';
      return { statusCode, message: String(message ?? exception.message), errors };
    }
    // Errors raised by Express middleware (e.g. body-parser on malformed JSON) carry a 4xx status.
    const status = (exception as { status?: unknown; expose?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      const message =
        type === 'entity.parse.failed'
          ? 'The request body is not valid JSON.'
          : type === 'entity.too.large'
            ? 'The request body is too large.'
            : 'The request could not be read.';
      return { statusCode: status, message, errors: [] };
    }
    return {
      statusCode: 500,
      message: `Something went wrong on our side. It has been logged; quote reference ${req.id} if you report it.`,
      errors: [],
    };
  }
}

function detailsOf(body: unknown): Record<string, unknown> | undefined {
  const details = typeof body === 'object' && body !== null ? (body as { details?: unknown }).details : undefined;
  return typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined;
}
