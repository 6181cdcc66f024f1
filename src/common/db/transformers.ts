import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns numeric columns as strings; SQLite as numbers. The model always sees numbers. */
export const decimalTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
