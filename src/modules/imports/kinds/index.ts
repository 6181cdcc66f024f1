import type { ImportKind } from '../import.entity';
import { credentialsKind } from './credentials.kind';
import type { CheckerFactory } from './import-kind';
import { peopleKind } from './people.kind';
import { completionsKind } from './completions.kind';

/** Each kind of file and the checker that reads it. */
export const CHECKERS: Partial<Record<ImportKind, CheckerFactory>> = {
  people: peopleKind,
  credentials: credentialsKind,
  completions: completionsKind,
};
