import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import type { Role } from '../../common/auth/roles';
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
      const apiToken = repo.create({
        personId,
        name,
        tokenHash: this.hash(token),
        prefix: token.slice(0, 12),
        createdById: actor.personId,
      });
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

  /** Ends every token a person holds, for good (as when they are deactivated), inside `tx`. */
  async revokeAllFor(tx: EntityManager, personId: string, actor: Actor): Promise<void> {
    await tx
      .getRepository(ApiToken)
      .update({ personId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedById: actor.personId });
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

  /**
   * The live token for a bearer value and the active person it acts for, with their roles: one
   * indexed query (on the token's hash), run on every API request. Nothing is cached, so a revoked
   * token or a deactivated person is refused from the very next request. Records when the token
   * was last used, at most once a minute.
   */
  async resolve(
    bearer: string,
  ): Promise<{ tokenId: string; person: { id: string; name: string; email: string }; roles: Role[] } | null> {
    const rows = (await this.dataSource.query(
      `SELECT t.id AS token_id, t.last_used_at, p.id AS person_id, p.name, p.preferred_name, p.email, r.role
         FROM api_tokens t
         JOIN people p ON p.id = t.person_id AND p.status = 'active'
         LEFT JOIN person_roles r ON r.person_id = p.id
        WHERE t.token_hash = ${this.dataSource.options.type === 'postgres' ? '$1' : '?'} AND t.revoked_at IS NULL ORDER BY r.role`,
      [this.hash(bearer)],
    )) as Array<{
      token_id: string;
      last_used_at: unknown;
      person_id: string;
      name: string;
      preferred_name: string | null;
      email: string;
      role: Role | null;
    }>;
    if (rows.length === 0) return null;
    const [first] = rows;
    const lastUsed = instant(first.last_used_at);
    if (!lastUsed || Date.now() - lastUsed.getTime() > TOUCH_EVERY_MS) {
      await this.dataSource.getRepository(ApiToken).update({ id: first.token_id }, { lastUsedAt: new Date() });
    }
    return {
      tokenId: String(first.token_id),
      person: { id: String(first.person_id), name: first.preferred_name || first.name, email: first.email },
      roles: rows.map((r) => r.role).filter((r): r is Role => r !== null),
    };
  }

  private hash(token: string): string {
    return keyedHash(this.config.sessionSecret, `api:${token}`);
  }
}

/** A timestamp as a raw query returns it: a Date from PostgreSQL, UTC text ("2026-12-01 18:04:05.123") from SQLite. */
function instant(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  const parsed = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}
