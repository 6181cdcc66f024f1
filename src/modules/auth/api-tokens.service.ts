import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Person } from '../people/person.entity';
import { ApiToken } from './api-token.entity';
import { keyedHash, randomToken } from './secrets';

const TOUCH_EVERY_MS = 60_000;

/** Per-person API tokens for integrations: shown once, stored as a keyed hash, revocable. */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async issue(personId: string, name: string, actor: Actor): Promise<{ token: string; apiToken: ApiToken }> {
    const person = await this.dataSource.getRepository(Person).findOneBy({ id: personId });
    if (!person) throw new NotFoundException('No person with that id.');
    const secret = randomToken();
    const token = `lms_${secret}`;
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(ApiToken);
      const apiToken = repo.create({ personId, name, tokenHash: this.hash(token), prefix: token.slice(0, 12), createdById: actor.personId });
      await repo.insert(apiToken);
      await this.audit.record(tx, actor, {
        action: 'api_token.issued',
        entityType: 'api_token',
        entityId: apiToken.id,
        after: { personId, name, prefix: apiToken.prefix },
      });
      return { token, apiToken };
    });
  }

  listFor(personId: string): Promise<ApiToken[]> {
    return this.dataSource.getRepository(ApiToken).find({ where: { personId }, order: { createdAt: 'DESC' } });
  }

  async revoke(personId: string, tokenId: string, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const token = await tx.getRepository(ApiToken).findOneBy({ id: tokenId, personId });
      if (!token) throw new NotFoundException('No such token for this person.');
      if (token.revokedAt) return;
      await tx.getRepository(ApiToken).update({ id: tokenId }, { revokedAt: new Date(), revokedById: actor.personId });
      await this.audit.record(tx, actor, {
        action: 'api_token.revoked',
        entityType: 'api_token',
        entityId: tokenId,
        before: { name: token.name, prefix: token.prefix },
      });
    });
  }

  /** The live token for a bearer value; records when it was last used (at most once a minute). */
  async resolve(bearer: string): Promise<ApiToken | null> {
    const token = await this.dataSource.getRepository(ApiToken).findOneBy({ tokenHash: this.hash(bearer), revokedAt: IsNull() });
    if (!token) return null;
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await this.dataSource.getRepository(ApiToken).update({ id: token.id }, { lastUsedAt: new Date() });
    }
    return token;
  }

  private hash(token: string): string {
    return keyedHash(this.config.sessionSecret, `api:${token}`);
  }
}
