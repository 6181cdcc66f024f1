import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PeopleService } from '../../src/modules/people/people.service';
import type { CreatePersonDto } from '../../src/modules/people/dto/person.dto';
import type { Person } from '../../src/modules/people/person.entity';
import { AppConfig } from '../../src/config/app-config';

/** A valid person for the API; override any field. */
export function personInput(overrides: Partial<CreatePersonDto> = {}): CreatePersonDto {
  const n = randomUUID().slice(0, 8);
  return { name: `Test Person ${n}`, email: `person.${n}@example.org`, roles: ['peer'], ...overrides };
}

/** Creates a person through the service, as the pages and API do. */
export function createPerson(dataSource: DataSource, config: AppConfig, overrides: Partial<CreatePersonDto> = {}): Promise<Person> {
  return new PeopleService(dataSource, config).create(personInput(overrides));
}
