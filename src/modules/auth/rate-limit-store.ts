import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { sqlRows } from '../../common/db/sql';
import { AppConfig } from '../../config/app-config';
import { REDIS } from '../../redis/redis.module';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** How often a process removes windows that ended from the shared table. */
const SWEEP_MS = 10 * 60_000;

/** A fixed window: the hits counted in it and when it ends, in epoch milliseconds. */
interface Window {
  hits: number;
  expiresAt: number;
}

const record = ({ hits, expiresAt }: Window, limit: number, now: number): ThrottlerStorageRecord => {
  const seconds = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return {
    totalHits: hits,
    timeToExpire: seconds,
    isBlocked: hits > limit,
    timeToBlockExpire: hits > limit ? seconds : 0,
  };
};

/**
 * Where rate-limit counters live, so that a limit holds however many processes answer: in Redis when REDIS_URL is
 * set; else in the database when it is PostgreSQL, which several web processes may share (WEB_CONCURRENCY);
 * else, on SQLite's single process, in memory as @nestjs/throttler keeps them. Each key counts hits in a fixed
 * window of `ttl` milliseconds; over the limit, requests are refused until the window ends.
 */
@Injectable()
export class RateLimitStore implements ThrottlerStorage, OnModuleDestroy {
  private readonly memory = new ThrottlerStorageService();
  private readonly postgres: boolean;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly config: AppConfig,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
    if (!redis && this.postgres) {
      this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_MS);
      this.sweeper.unref();
    }
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    if (this.redis)
      return record(
        await this.inRedis(`${this.config.jobs.redisPrefix}:rate:${throttlerName}:${key}`, ttl),
        limit,
        now,
      );
    if (this.postgres) return record(await this.inDatabase(`${throttlerName}:${key}`, ttl, now), limit, now);
    return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  /** Counts one hit on `key` in a window of `ttlMs`; false once more than `limit` hits fall in the window. */
  async allow(name: string, key: string, limit: number, ttlMs: number): Promise<boolean> {
    return !(await this.increment(key, ttlMs, limit, ttlMs, name)).isBlocked;
  }

  private async inRedis(key: string, ttl: number): Promise<Window> {
    const [[, hits], , [, left]] = (await this.redis!.multi().incr(key).pexpire(key, ttl, 'NX').pttl(key).exec()) as [
      [null, number],
      unknown,
      [null, number],
    ];
    return { hits, expiresAt: Date.now() + Math.max(0, left) };
  }

  private async inDatabase(key: string, ttl: number, now: number): Promise<Window> {
    const [row] = await sqlRows<{ hits: number | string; expires_at: number | string }>(
      this.dataSource,
      `INSERT INTO rate_limits (key, hits, expires_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limits.expires_at <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
         expires_at = CASE WHEN rate_limits.expires_at <= $3 THEN $2 ELSE rate_limits.expires_at END
       RETURNING hits, expires_at`,
      [key.slice(0, 300), now + ttl, now],
    );
    return { hits: Number(row.hits), expiresAt: Number(row.expires_at) };
  }

  private async sweep(): Promise<void> {
    await sqlRows(this.dataSource, `DELETE FROM rate_limits WHERE expires_at <= $1`, [Date.now()]);
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.memory.onApplicationShutdown();
  }
}
