import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import { Credential } from '../credentials/credential.entity';
import { LivedExperienceAttestation } from '../people/lived-experience-attestation.entity';
import { findVisiblePerson } from '../people/people-scope';
import type { Person } from '../people/person.entity';
import { PeopleService } from '../people/people.service';

/** A person with what their record page and `GET /api/v1/people/:id` show of them. */
export interface PersonRecord {
  person: Person;
  attestations: LivedExperienceAttestation[];
  credentials: Credential[];
}

@Injectable()
export class PersonRecordService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly people: PeopleService,
    private readonly config: AppConfig,
  ) {}

  /** A person `viewer` may see, with their attestations and credentials; 404 when out of scope. */
  async getRecord(id: string, viewer: AuthUser): Promise<PersonRecord> {
    await findVisiblePerson(this.dataSource, id, viewer, this.config.today());
    const person = await this.people.get(id);
    const [attestations, credentials] = await Promise.all([
      this.dataSource.getRepository(LivedExperienceAttestation).find({
        where: { personId: id },
        relations: { verifiedBy: true },
        order: { verifiedOn: 'DESC' },
      }),
      this.dataSource.getRepository(Credential).find({
        where: { personId: id },
        relations: { credentialType: true },
        order: { issuedOn: 'DESC' },
      }),
    ]);
    return { person, attestations, credentials };
  }
}
