import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { CredentialType } from '../catalog/credential-type.entity';
import { Credential } from '../credentials/credential.entity';
import { Person } from '../people/person.entity';

/** The names and choices the submission pages show beside a submission: read only, a query each. */
@Injectable()
export class SubmissionLookups {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The types a person may hand in: external ones only, since the program issues the others through training. */
  submittableTypes(): Promise<CredentialType[]> {
    return this.dataSource
      .getRepository(CredentialType)
      .find({ where: { kind: 'external', active: true }, order: { code: 'ASC' } });
  }

  /** The person's own external credential to renew; any other id is a 404, so ids cannot be probed. */
  async renewable(personId: string, credentialId: string): Promise<Credential> {
    const credential = await this.dataSource
      .getRepository(Credential)
      .findOne({ where: { id: credentialId, personId }, relations: { credentialType: true } });
    if (!credential || credential.credentialType.kind !== 'external')
      throw new NotFoundException('No credential of yours with that id can be renewed.');
    return credential;
  }

  async typesById(ids: Array<string | null>): Promise<Map<string, CredentialType>> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    if (wanted.length === 0) return new Map();
    const types = await this.dataSource.getRepository(CredentialType).findBy({ id: In(wanted) });
    return new Map(types.map((t) => [t.id, t]));
  }

  async peopleById(ids: Array<string | null>): Promise<Map<string, Person>> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    if (wanted.length === 0) return new Map();
    const people = await this.dataSource.getRepository(Person).findBy({ id: In(wanted) });
    return new Map(people.map((p) => [p.id, p]));
  }
}
