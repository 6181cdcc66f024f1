import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ExternalIdentity, type ExternalProvider } from './external-identity.entity';

/** The named queries of people's links to identity providers. */
@Injectable()
export class ExternalIdentitiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findBySubject(provider: ExternalProvider, issuer: string, subject: string): Promise<ExternalIdentity | null> {
    return this.dataSource.getRepository(ExternalIdentity).findOneBy({ provider, issuer, subject });
  }

  findForPerson(personId: string, provider: ExternalProvider, issuer: string): Promise<ExternalIdentity | null> {
    return this.dataSource.getRepository(ExternalIdentity).findOneBy({ personId, provider, issuer });
  }

  listForPerson(personId: string): Promise<ExternalIdentity[]> {
    return this.dataSource.getRepository(ExternalIdentity).find({ where: { personId }, order: { createdAt: 'ASC' } });
  }

  async hasAny(personId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(ExternalIdentity).countBy({ personId })) > 0;
  }

  async insert(tx: EntityManager, link: Omit<ExternalIdentity, 'id' | 'createdAt'>): Promise<void> {
    await tx.getRepository(ExternalIdentity).insert(link);
  }

  async recordSignIn(tx: EntityManager, id: string, email: string, at: Date): Promise<void> {
    await tx.getRepository(ExternalIdentity).update({ id }, { email, lastSignInAt: at });
  }

  async deleteForPerson(tx: EntityManager, personId: string): Promise<ExternalIdentity[]> {
    const links = await tx.getRepository(ExternalIdentity).findBy({ personId });
    if (links.length) await tx.getRepository(ExternalIdentity).delete({ personId });
    return links;
  }
}
