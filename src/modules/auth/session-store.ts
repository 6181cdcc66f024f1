import type Redis from 'ioredis';
import { DataSource, EntityManager, IsNull, MoreThan, Not } from 'typeorm';
import { Session } from './session.entity';

/** What a session is, wherever it is kept. */
export interface SessionRecord {
  id: string;
  personId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Where sessions live: the database by default, Redis when REDIS_URL is set. `manager` lets the
 * database store join the caller's transaction; Redis has no part in it, so there a revocation
 * stands even if the transaction around it fails (the safe way round).
 */
export interface SessionStore {
  insert(manager: EntityManager, session: SessionRecord): Promise<void>;
  /** The session if it exists and has not been revoked; expiry is checked by the caller. */
  find(id: string): Promise<SessionRecord | null>;
  touch(id: string, at: Date, idleMs: number): Promise<void>;
  listActive(personId: string): Promise<SessionRecord[]>;
  revoke(manager: EntityManager, id: string, reason: string): Promise<void>;
  revokeAll(manager: EntityManager, personId: string, reason: string, exceptId?: string): Promise<number>;
}

/** Sessions as rows; a revoked one keeps its row, with when and why. */
export class DatabaseSessionStore implements SessionStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, session: SessionRecord): Promise<void> {
    await manager.getRepository(Session).insert(session);
  }

  find(id: string): Promise<SessionRecord | null> {
    return this.dataSource.getRepository(Session).findOneBy({ id, revokedAt: IsNull() });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(Session).update({ id }, { lastSeenAt: at });
  }

  listActive(personId: string): Promise<SessionRecord[]> {
    return this.dataSource.getRepository(Session).find({
      where: { personId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { lastSeenAt: 'DESC' },
    });
  }

  async revoke(manager: EntityManager, id: string, reason: string): Promise<void> {
    await manager
      .getRepository(Session)
      .update({ id, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  }

  async revokeAll(manager: EntityManager, personId: string, reason: string, exceptId?: string): Promise<number> {
    const where = exceptId ? { personId, revokedAt: IsNull(), id: Not(exceptId) } : { personId, revokedAt: IsNull() };
    const result = await manager.getRepository(Session).update(where, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }
}

/**
 * Sessions as Redis keys that expire by themselves (at the idle timeout, pushed back on use, never
 * past the absolute end), plus a set per person so all of someone's sessions can be ended.
 */
export class RedisSessionStore implements SessionStore {
  constructor(private readonly redis: Redis) {}

  private key = (id: string) => `lms:session:${id}`;
  private personKey = (personId: string) => `lms:sessions-of:${personId}`;

  async insert(_manager: EntityManager, session: SessionRecord): Promise<void> {
    const ttl = Math.max(1, session.expiresAt.getTime() - Date.now());
    await this.redis
      .multi()
      .set(this.key(session.id), JSON.stringify(session), 'PX', ttl)
      .sadd(this.personKey(session.personId), session.id)
      .pexpire(this.personKey(session.personId), ttl)
      .exec();
  }

  async find(id: string): Promise<SessionRecord | null> {
    return parse(await this.redis.get(this.key(id)));
  }

  async touch(id: string, at: Date, idleMs: number): Promise<void> {
    const session = await this.find(id);
    if (!session) return;
    const ttl = Math.min(idleMs, session.expiresAt.getTime() - at.getTime());
    if (ttl <= 0) return;
    await this.redis.set(this.key(id), JSON.stringify({ ...session, lastSeenAt: at }), 'PX', ttl);
  }

  async listActive(personId: string): Promise<SessionRecord[]> {
    const ids = await this.redis.smembers(this.personKey(personId));
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map(this.key));
    const gone = ids.filter((_id, i) => values[i] === null);
    if (gone.length) await this.redis.srem(this.personKey(personId), ...gone);
    return values
      .map(parse)
      .filter((s): s is SessionRecord => s !== null)
      .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  }

  async revoke(_manager: EntityManager, id: string): Promise<void> {
    const session = await this.find(id);
    await this.redis.del(this.key(id));
    if (session) await this.redis.srem(this.personKey(session.personId), id);
  }

  async revokeAll(_manager: EntityManager, personId: string, _reason: string, exceptId?: string): Promise<number> {
    const ids = (await this.redis.smembers(this.personKey(personId))).filter((id) => id !== exceptId);
    if (ids.length === 0) return 0;
    const ended = await this.redis.del(...ids.map(this.key));
    await this.redis.srem(this.personKey(personId), ...ids);
    return ended;
  }
}

function parse(value: string | null): SessionRecord | null {
  if (!value) return null;
  const raw = JSON.parse(value) as Record<string, unknown>;
  return {
    id: String(raw.id),
    personId: String(raw.personId),
    createdAt: new Date(String(raw.createdAt)),
    lastSeenAt: new Date(String(raw.lastSeenAt)),
    expiresAt: new Date(String(raw.expiresAt)),
    ip: (raw.ip as string | null) ?? null,
    userAgent: (raw.userAgent as string | null) ?? null,
  };
}
