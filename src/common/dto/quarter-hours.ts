import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Hours in quarter hours (0.25, 0.5, 0.75, 1, …), as CE certificates and the forms' step say.
 * Compared in hundredths so 0.1 + 0.2 style float error cannot refuse a true quarter.
 */
export function IsQuarterHours(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isQuarterHours',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Math.round(value * 100) % 25 === 0,
        defaultMessage: () => 'must be in quarter hours (0.25, 0.5, 0.75, 1, …)',
      },
    },
    options,
  );
}
