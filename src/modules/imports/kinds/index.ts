import type { ImportKind } from '../import.entity';
import { attestationsKind } from './attestations.kind';
import { ceKind } from './ce.kind';
import { completionsKind } from './completions.kind';
import { credentialsKind } from './credentials.kind';
import type { CheckerFactory } from './import-kind';
import { peopleKind } from './people.kind';
import { supervisionKind } from './supervision.kind';

/** Each kind of file and the checker that reads it. */
export const CHECKERS: Record<ImportKind, CheckerFactory> = {
  people: peopleKind,
  attestations: attestationsKind,
  credentials: credentialsKind,
  completions: completionsKind,
  supervision: supervisionKind,
  ce: ceKind,
};
