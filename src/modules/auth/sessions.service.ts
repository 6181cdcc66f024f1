import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, MoreThan, Not } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { Session } from './session.entity';
import { keyedHash, randomToken } from './secrets';

/** A session ends 14 days after sign-in at the latest, or after 12 hours without use. */
export const SESSION_LIFETIME_MS = 14 * 24 * 3600_000;
export const SESSION_IDLE_MS = 12 * 3600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

export type RevokeReason = 'logout' | 'password_changed' | 'password_reset' | 'deactivated' | 'signed_out_elsewhere';

/** Server-side sessions in the database: the cookie holds a random token, the table only its HMAC. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  idFor(token: string): string {
    return keyedHash(this.config.sessionSecret, `session:${token}`);
  }

  async create(manager: EntityManager, personId: string, ip: string | null, userAgent: string | null): Promise<{ token: string; session: Session }> {
    const token = randomToken();
    const now = new Date();
    const session = manager.getRepository(Session).create({
      id: this.idFor(token),
      personId,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
      ip,
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    await manager.getRepository(Session).insert(session);
    return { token, session };
  }

  /** The live session for a cookie token, touched at most every few minutes; null when none. */
  async resolve(token: string): Promise<Session | null> {
    const session = await this.dataSource.getRepository(Session).findOneBy({ id: this.idFor(token), revokedAt: IsNull() });
    const now = Date.now();
    if (!session || session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + SESSION_IDLE_MS <= now) return null;
    if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await this.dataSource.getRepository(Session).update({ id: session.id }, { lastSeenAt: new Date(now) });
    }
    return session;
  }

  listActive(personId: string): Promise<Session[]> {
    return this.dataSource.getRepository(Session).find({
      where: { personId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { lastSeenAt: 'DESC' },
    });
  }

  async revoke(manager: EntityManager, sessionId: string, reason: RevokeReason): Promise<void> {
    await manager.getRepository(Session).update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** Ends every session of a person (or every other one); returns how many ended. */
  async revokeAll(manager: EntityManager, personId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number> {
    const where = exceptSessionId ? { personId, revokedAt: IsNull(), id: Not(exceptSessionId) } : { personId, revokedAt: IsNull() };
    const result = await manager.getRepository(Session).update(where, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }
}
