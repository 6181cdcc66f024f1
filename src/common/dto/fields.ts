import { applyDecorators } from '@nestjs/common';
import { IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FreeText } from './free-text';
import { ToNumber, Trim, TrimToNull } from './transforms';

/**
 * Decorators as a field's stack reads, top first, applied as TypeScript applies a written stack
 * (bottom first), so validation runs, and its messages come, in the same order as written out.
 */
function stack(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...decorators.reverse());
}

/** A required single line of text: trimmed, at least `min` and at most `max` characters. */
export function RequiredText(min: number, max: number): PropertyDecorator {
  return stack(Trim(), IsString(), MinLength(min, { message: `must be at least ${min} characters` }), MaxLength(max));
}

/** Optional text typed in a textarea: trimmed, blank becomes null, line breaks allowed, at most `max` characters. */
export function OptionalFreeText(max: number): PropertyDecorator {
  return stack(TrimToNull(), IsOptional(), IsString(), FreeText(), MaxLength(max));
}

const hours = (max: number, optional: boolean) =>
  stack(
    ToNumber(),
    ...(optional ? [IsOptional()] : []),
    IsNumber({ maxDecimalPlaces: 2 }, { message: 'must be a number of hours' }),
    Min(0.25, { message: 'must be at least a quarter hour' }),
    Max(max),
  );

/** A number of hours, at least a quarter hour and at most `max`. */
export function Hours(max: number): PropertyDecorator {
  return hours(max, false);
}

/** Like `Hours`, but may be left out (or blank, which becomes null). */
export function OptionalHours(max: number): PropertyDecorator {
  return hours(max, true);
}
