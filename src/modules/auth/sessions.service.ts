import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import { REDIS } from '../../redis/redis.module';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { keyedHash, randomToken } from './secrets';
import { DatabaseSessionStore, RedisSessionStore, type SessionRecord, type SessionStore } from './session-store';

/** A session ends 14 days after sign-in at the latest, or after 12 hours without use. */
export const SESSION_LIFETIME_MS = 14 * 24 * 3600_000;
export const SESSION_IDLE_MS = 12 * 3600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

/** How someone signed in; each leaves its own audit action ("Signed in", "Signed in with SSO"…). */
export type SignInMethod = 'password' | 'sso' | 'sign_in_link';
const SIGN_IN_ACTIONS: Record<SignInMethod, string> = {
  password: 'session.login',
  sso: 'session.login_sso',
  sign_in_link: 'session.login_link',
};

export type RevokeReason = 'logout' | 'password_changed' | 'password_reset' | 'deactivated' | 'signed_out_elsewhere';

/**
 * Server-side sessions: the cookie holds a random token, the store only its HMAC. Kept in the
 * database, or in Redis when REDIS_URL is set.
 */
@Injectable()
export class SessionsService {
  private readonly store: SessionStore;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(REDIS) redis: Redis | null,
    private readonly audit: AuditService,
  ) {
    this.store = redis ? new RedisSessionStore(redis) : new DatabaseSessionStore(dataSource);
  }

  idFor(token: string): string {
    return keyedHash(this.config.sessionSecret, `session:${token}`);
  }

  async create(
    manager: EntityManager,
    personId: string,
    ip: string | null,
    userAgent: string | null,
  ): Promise<{ token: string; session: SessionRecord }> {
    const token = randomToken();
    const now = new Date();
    const session: SessionRecord = {
      id: this.idFor(token),
      personId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
      ip,
      userAgent: userAgent?.slice(0, 300) ?? null,
    };
    await this.store.insert(manager, session);
    return { token, session };
  }

  /**
   * Signs a person in: a new session and its audit entry, in the caller's transaction. The one way in for a password
   * sign-in, an accepted invitation, single sign-on and a CLI sign-in link alike, so all leave the same trail. Returns the cookie token.
   */
  async signIn(
    tx: EntityManager,
    person: { id: string; name: string },
    ip: string,
    userAgent: string | null,
    method: SignInMethod = 'password',
  ): Promise<{ token: string; session: SessionRecord }> {
    const created = await this.create(tx, person.id, ip, userAgent);
    await this.audit.record(
      tx,
      { personId: person.id, label: person.name, ip },
      { action: SIGN_IN_ACTIONS[method], entityType: 'session', entityId: created.session.id.slice(0, 16) },
    );
    return created;
  }

  /** The live session for a cookie token, touched at most every few minutes; null when none. */
  async resolve(token: string): Promise<SessionRecord | null> {
    const session = await this.store.find(this.idFor(token));
    const now = Date.now();
    if (!session || session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + SESSION_IDLE_MS <= now)
      return null;
    if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS)
      await this.store.touch(session.id, new Date(now), SESSION_IDLE_MS);
    return session;
  }

  listActive(personId: string): Promise<SessionRecord[]> {
    return this.store.listActive(personId);
  }

  revoke(manager: EntityManager, sessionId: string, reason: RevokeReason): Promise<void> {
    return this.store.revoke(manager, sessionId, reason);
  }

  /** Ends every session of a person (or every other one); returns how many ended. */
  revokeAll(manager: EntityManager, personId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number> {
    return this.store.revokeAll(manager, personId, reason, exceptSessionId);
  }
}
