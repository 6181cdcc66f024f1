import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, MoreThan } from 'typeorm';
import { LoginFailure } from './login-failure.entity';

/** Guessing is slowed per account and per address; the counts live in the database so every instance sees them. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

@Injectable()
export class LoginThrottleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Refuses with 429 while the account or the address has failed too often in the window. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const since = new Date(Date.now() - LOGIN_WINDOW_MS);
    const repo = this.dataSource.getRepository(LoginFailure);
    const [byAccount, byAddress] = await Promise.all([
      repo.countBy({ emailKey: email.toLowerCase(), at: MoreThan(since) }),
      repo.countBy({ ip, at: MoreThan(since) }),
    ]);
    if (byAccount >= MAX_FAILURES_PER_ACCOUNT || byAddress >= MAX_FAILURES_PER_ADDRESS) {
      throw new HttpException(
        { statusCode: 429, message: 'Too many sign-in attempts. Wait 15 minutes and try again, or reset your password.', errors: [] },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const repo = this.dataSource.getRepository(LoginFailure);
    await repo.insert({ emailKey: email.toLowerCase().slice(0, 254), ip, at: new Date() });
    // Old failures no longer count; clearing them keeps the table small.
    await repo.delete({ at: LessThan(new Date(Date.now() - 24 * 3600_000)) });
  }

  async clear(email: string): Promise<void> {
    await this.dataSource.getRepository(LoginFailure).delete({ emailKey: email.toLowerCase() });
  }
}
