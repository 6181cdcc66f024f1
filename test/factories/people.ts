import { randomUUID } from 'node:crypto';
import type { CreatePersonDto } from '../../src/modules/people/dto/person.dto';

/** A valid person for the API; override any field. */
export function personInput(overrides: Partial<CreatePersonDto> = {}): CreatePersonDto {
  const n = randomUUID().slice(0, 8);
  return { name: `Test Person ${n}`, email: `person.${n}@example.org`, roles: ['peer'], ...overrides };
}
