import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validate, type ValidatorOptions } from 'class-validator';
import { FREE_TEXT, hasControlCharacters, SINGLE_LINE_MESSAGE } from '../dto/free-text';

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

const freeTextFields = new WeakMap<object, Set<string>>();

/** The fields of a DTO class marked `@FreeText()`, inherited and `PartialType` copies included. */
function freeTextFieldsOf(target: object): Set<string> {
  let fields = freeTextFields.get(target);
  if (!fields) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(target as () => void, '', true, false);
    fields = new Set(metadata.filter((m) => m.name === FREE_TEXT).map((m) => m.propertyName));
    freeTextFields.set(target, fields);
  }
  return fields;
}

/**
 * The rule every string field of every DTO follows without saying so: no control characters (see
 * `free-text.ts`). Walks the validated instance, nested DTOs, arrays and plain objects included, and
 * gives class-validator's error tree for what it finds; a field `@FreeText()` checks itself.
 */
export function controlCharacterErrors(instance: object): ValidationError[] {
  const errors: ValidationError[] = [];
  const type: unknown = instance.constructor;
  const freeText = typeof type === 'function' ? freeTextFieldsOf(type) : new Set<string>();
  for (const [property, value] of Object.entries(instance)) {
    if (typeof value === 'string') {
      if (!freeText.has(property) && hasControlCharacters(value))
        errors.push({ property, value, constraints: { controlCharacters: SINGLE_LINE_MESSAGE }, children: [] });
    } else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      const children = controlCharacterErrors(value as object);
      if (children.length) errors.push({ property, value, children });
    }
  }
  return errors;
}

/** Adds `extra` to class-validator's `errors`, leaving out a field that already has a message of its own. */
function mergeErrors(errors: ValidationError[], extra: ValidationError[]): ValidationError[] {
  const merged = [...errors];
  for (const e of extra) {
    const same = merged.find((m) => m.property === e.property);
    if (!same) merged.push(e);
    else if (!same.constraints && e.children?.length) same.children = mergeErrors(same.children ?? [], e.children);
  }
  return merged;
}

/** class-validator's checks, then the control-character rule: what the pipe and the form helper both run. */
async function validateDto(instance: object, options: ValidatorOptions): Promise<ValidationError[]> {
  const errors = await validate(instance, options);
  return mergeErrors(errors, controlCharacterErrors(instance));
}

class AppValidationPipe extends ValidationPipe {
  protected override validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    return validateDto(object, options ?? {});
  }
}

/** The one validation pipe: unknown fields are refused, values are converted to the DTO's types. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
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
  const errors = await validateDto(value, { whitelist: true, forbidNonWhitelisted: forbidUnknown });
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
