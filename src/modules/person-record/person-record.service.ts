import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import { Credential } from '../credentials/credential.entity';
import { LivedExperienceAttestation } from '../people/lived-experience-attestation.entity';
import { findVisiblePerson } from '../people/people-scope';
import type { Person } from '../people/person.entity';
import { PeopleService } from '../people/people.service';
import { AccountLinksService } from '../auth/account-links.service';
import type { CreatePersonPageDto } from '../people/dto/person.dto';

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
    private readonly links: AccountLinksService,
  ) {}

  private readonly logger = new Logger('People');

  /**
   * An admin adds a person and, when asked, sends their invitation right away (the same invitation
   * as the access page's). The person is kept even if the e-mail fails: the admin can invite again there.
   */
  async addPerson(
    dto: CreatePersonPageDto,
    actor: Actor,
  ): Promise<{ person: Person; invitation: 'sent' | 'not asked' | 'failed' }> {
    const { sendInvitation, ...fields } = dto;
    const person = await this.people.create(fields, actor);
    if (!sendInvitation) return { person, invitation: 'not asked' };
    try {
      await this.links.invite(person.id, actor);
      return { person, invitation: 'sent' };
    } catch (error) {
      this.logger.error(`Invitation for the new person ${person.id} failed: ${(error as Error).message}`);
      return { person, invitation: 'failed' };
    }
  }

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
