import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';

export interface FieldError {
  field: string;
  message: string;
}

/** Flattens class-validator's nested errors into `{ field: 'a.b.0.c', message }`, one per field. */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    // Decorators apply bottom-up, so the last message belongs to the rule written first (usually the type check).
    if (messages.length > 0) out.push({ field, message: describeError(error, messages[messages.length - 1]) });
    if (error.children?.length) out.push(...toFieldErrors(error.children, field));
  }
  return out;
}

/**
 * A field left out fails every rule at once; "is required" says it better than the first rule's
 * message. class-validator's own messages start with the property name, which the field already says.
 */
function describeError(error: ValidationError, message: string): string {
  const missing = error.value === undefined || error.value === null || error.value === '';
  if (missing && !error.constraints?.whitelistValidation) return 'is required';
  return message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message;
}

export class RequestValidationException extends BadRequestException {
  constructor(readonly errors: FieldError[]) {
    super({
      statusCode: 400,
      message: errors.length === 1 ? `${errors[0].field}: ${errors[0].message}` : `${errors.length} fields are invalid`,
      errors,
    });
  }
}

/** A 400 about one field, in the one error shape: a rule a service checks beyond the DTO's. */
export function fieldError(field: string, message: string, sentence = `${field} ${message}.`): BadRequestException {
  return new BadRequestException({ statusCode: 400, message: sentence, errors: [{ field, message }] });
}

/** The one validation pipe: unknown fields are refused, values are converted to the DTO's types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RequestValidationException(toFieldErrors(errors)),
  });
}

/**
 * Validates a submitted HTML form against the same DTO the API uses, so a form can be shown again
 * with each message beside its field instead of answering with an error page. With `forbidUnknown`,
 * a field the DTO does not declare is refused (a misnamed field must not pass as "left out"), and the
 * form as a whole says which one, since no input on the page carries it.
 */
export async function validateForm<T extends object>(
  dto: ClassConstructor<T>,
  body: unknown,
  options: { forbidUnknown?: boolean } = {},
): Promise<{ value: T; errors: null } | { value: null; errors: Record<string, string> }> {
  const value = plainToInstance(dto, body ?? {}, { exposeDefaultValues: true });
  const forbidUnknown = options.forbidUnknown ?? false;
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: forbidUnknown });
  if (errors.length === 0) return { value, errors: null };
  const byField: Record<string, string> = {};
  const unknown = forbidUnknown ? unknownFields(errors) : [];
  for (const e of toFieldErrors(errors)) {
    if (unknown.includes(e.field)) byField[e.field] ??= 'is not a field of this form';
    else byField[e.field] ??= e.message;
  }
  if (unknown.length > 0) {
    byField.form ??= `Nothing was saved: ${unknown.map((f) => `"${f}"`).join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of this form.`;
  }
  return { value: null, errors: byField };
}

/** The paths of fields refused only because the DTO does not declare them. */
function unknownFields(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints?.whitelistValidation) out.push(field);
    if (error.children?.length) out.push(...unknownFields(error.children, field));
  }
  return out;
}
