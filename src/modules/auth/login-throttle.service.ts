import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan, MoreThan } from 'typeorm';
import { LoginFailure } from './login-failure.entity';
import { emailKey as keyOf } from '../people/email-key';

/** Guessing is slowed per account and per address; the counts live in the database so every instance sees them. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

@Injectable()
export class LoginThrottleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records a sign-in attempt, then refuses it with 429 when it is one too many for the account or
   * the address in the window. Recording first means attempts made at the same moment all count.
   * A successful sign-in clears the account's attempts again.
   */
  async countAttempt(email: string, ip: string): Promise<void> {
    const repo = this.dataSource.getRepository(LoginFailure);
    const emailKey = keyOf(email).slice(0, 254);
    await repo.insert({ emailKey, ip, at: new Date() });
    const since = new Date(Date.now() - LOGIN_WINDOW_MS);
    const [byAccount, byAddress] = await Promise.all([
      repo.countBy({ emailKey, at: MoreThan(since) }),
      repo.countBy({ ip, at: MoreThan(since) }),
    ]);
    if (byAccount > MAX_FAILURES_PER_ACCOUNT || byAddress > MAX_FAILURES_PER_ADDRESS) {
      throw new HttpException(
        {
          statusCode: 429,
          message: 'Too many sign-in attempts. Wait 15 minutes and try again, or reset your password.',
          errors: [],
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    // Old attempts no longer count; clearing them keeps the table small.
    await repo.delete({ at: LessThan(new Date(Date.now() - 24 * 3600_000)) });
  }

  /** Forgets the account's attempts: after a successful sign-in or a password reset. */
  async clear(email: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.getRepository(LoginFailure).delete({ emailKey: keyOf(email).slice(0, 254) });
  }
}
