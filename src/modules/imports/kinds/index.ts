import type { ImportKind } from '../import.entity';
import { attestationsKind } from './attestations.kind';
import { ceKind } from './ce.kind';
import { credentialsKind } from './credentials.kind';
import type { CheckerFactory } from './import-kind';
import { supervisionKind } from './supervision.kind';

/** Each kind of file and the checker that reads it. */
export const CHECKERS: Partial<Record<ImportKind, CheckerFactory>> = {
  attestations: attestationsKind,
  credentials: credentialsKind,
  supervision: supervisionKind,
  ce: ceKind,
};
