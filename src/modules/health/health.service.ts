import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';

export type Check = { status: 'up' } | { status: 'down'; error: string } | { status: 'not configured' };

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: { database: Check; redis: Check };
}

const TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    const ok = database.status === 'up' && redis.status !== 'down';
    return { status: ok ? 'ok' : 'unavailable', checks: { database, redis } };
  }

  private async checkDatabase(): Promise<Check> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'));
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', error: describe(e) };
    }
  }

  private async checkRedis(): Promise<Check> {
    if (!this.config.redisUrl) return { status: 'not configured' };
    const client = new Redis(this.config.redisUrl, {
      lazyConnect: true,
      connectTimeout: TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await withTimeout(client.connect().then(() => client.ping()));
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', error: describe(e) };
    } finally {
      // On a closed client ioredis would arm a reconnect timer that keeps the process alive.
      if (client.status !== 'end') client.disconnect();
    }
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);
}

/** Says what failed without leaking connection strings. */
function describe(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/\w+:\/\/\S+/g, '<url>').slice(0, 200);
}
