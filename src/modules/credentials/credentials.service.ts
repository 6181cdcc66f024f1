import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import type { AuthUser } from '../auth/auth-user';
import { whereVisibleTo } from '../people/people-scope';
import { Credential } from './credential.entity';

@Injectable()
export class CredentialsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Credentials of active people `viewer` may see whose expiry date falls in [from, to], soonest first. */
  findExpiringBetween(from: IsoDate, to: IsoDate, viewer: AuthUser, today: IsoDate, limit = 100): Promise<Credential[]> {
    const qb = this.dataSource
      .getRepository(Credential)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.person', 'p', "p.status = 'active'")
      .innerJoinAndSelect('c.credentialType', 't')
      .where('c.expires_on BETWEEN :from AND :to', { from, to })
      // A credential renewed since (a later one of the same type) no longer needs attention.
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM credentials n WHERE n.person_id = c.person_id AND n.credential_type_id = c.credential_type_id AND n.issued_on > c.issued_on)',
      )
      .orderBy('c.expires_on', 'ASC')
      .addOrderBy('p.name', 'ASC')
      .take(limit);
    return whereVisibleTo(qb, 'c.person_id', viewer, today).getMany();
  }
}
