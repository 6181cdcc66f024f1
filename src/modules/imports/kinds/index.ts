import type { ImportKind } from '../import.entity';
import { credentialsKind } from './credentials.kind';
import type { CheckerFactory } from './import-kind';

/** Each kind of file and the checker that reads it. */
export const CHECKERS: Partial<Record<ImportKind, CheckerFactory>> = {
  credentials: credentialsKind,
};
