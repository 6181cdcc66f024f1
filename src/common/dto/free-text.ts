import { ValidateBy } from 'class-validator';

/**
 * Control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) never belong in a name,
 * a title or an address: a NUL is refused by PostgreSQL (a 500) and silently stored by SQLite, and
 * the others corrupt CSV exports, e-mail headers and certificates. The validation pipe and the form
 * helper refuse them in every string field of every DTO; a field marked `@FreeText()` (several lines
 * typed in a textarea) may also hold tabs and line breaks, CR included, as browsers send CRLF.
 */
const ANY_CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /[^\P{Cc}\t\n\r]/u;

export const SINGLE_LINE_MESSAGE = 'must not contain control characters such as NUL, tabs or line breaks';
export const FREE_TEXT_MESSAGE = 'must not contain control characters such as NUL (tabs and line breaks are fine)';

export const FREE_TEXT = 'isFreeText';

export function hasControlCharacters(value: string, allowLineBreaks = false): boolean {
  return (allowLineBreaks ? CONTROL_BUT_LINE_BREAKS : ANY_CONTROL).test(value);
}

/** Control characters as U+FFFD, for echoing refused input back (a CSV of rejected lines) without storing them. */
export function withoutControlCharacters(value: string): string {
  return value.replace(/\p{Cc}/gu, '\uFFFD');
}

/** Marks multi-line free text: tabs and line breaks are allowed, other control characters still are not. */
export function FreeText(): PropertyDecorator {
  return ValidateBy({
    name: FREE_TEXT,
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !hasControlCharacters(value, true),
      defaultMessage: () => FREE_TEXT_MESSAGE,
    },
  });
}
