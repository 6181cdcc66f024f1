import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isIsoDate } from '../dates';

const SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar date `YYYY-MM-DD` that exists: `2026-13-01` or `2027-02-30` has the shape but no day,
 * and is refused as such here rather than reaching a service rule ("in the future") that would
 * describe it wrongly.
 */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIsoDate(value),
        defaultMessage: (args) =>
          typeof args?.value === 'string' && SHAPE.test(args.value)
            ? 'must be a real date (YYYY-MM-DD)'
            : 'must be a date (YYYY-MM-DD)',
      },
    },
    options,
  );
}
