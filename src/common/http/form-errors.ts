import { HttpException } from '@nestjs/common';
import type { FieldError } from './validation';

/**
 * Turns a service's 4xx error carrying field errors (validation, a clashing e-mail) into
 * `{ field: message }` for re-showing a form; anything else is rethrown for the error page.
 */
export function formErrorsFrom(error: unknown): Record<string, string> {
  if (error instanceof HttpException && error.getStatus() < 500) {
    const body = error.getResponse() as { errors?: FieldError[]; message?: string };
    const out: Record<string, string> = {};
    for (const e of body.errors ?? []) out[e.field || 'form'] ??= e.message;
    if (Object.keys(out).length === 0) out.form = typeof body.message === 'string' ? body.message : error.message;
    return out;
  }
  throw error;
}
