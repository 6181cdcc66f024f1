import { BadRequestException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import type { Role } from '../../common/auth/roles';
import { Person } from '../people/person.entity';
import { ApiTokensService } from './api-tokens.service';
import type { AuthUser } from '../../common/auth/auth-user';
import { LoginThrottleService } from './login-throttle.service';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { SessionsService } from './sessions.service';
import { emailKey } from '../people/email-key';
import { AppConfig } from '../../config/app-config';
import { passwordsOffMessage } from './account-links.service';
import { ExternalIdentitiesRepository } from './external-identities.repository';

/** One message for every failed sign-in: it never says whether the account exists. */
export const LOGIN_FAILED = 'That e-mail and password do not match an active account.';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly tokens: ApiTokensService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly identities: ExternalIdentitiesRepository,
  ) {}

  /** Checks the password and opens a session; returns the cookie token. */
  async login(
    email: string,
    password: string,
    ip: string,
    userAgent: string | null,
  ): Promise<{ token: string; person: Person }> {
    if (!this.config.signIn.passwords) {
      await this.audit.record(
        this.dataSource.manager,
        { personId: null, label: `anonymous (as ${email.slice(0, 120)})`, ip },
        { action: 'session.login_failed', entityType: 'person', entityId: null, after: { reason: 'passwords_off' } },
      );
      throw new ForbiddenException({ statusCode: 403, message: passwordsOffMessage(this.config), errors: [] });
    }
    // The attempt is counted before the password is checked, so simultaneous guesses cannot all slip under the limit.
    await this.throttle.countAttempt(email, ip);
    const person = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .addSelect('p.passwordHash')
      .where('p.email_key = :key', { key: emailKey(email) })
      .getOne();
    const valid = await verifyPassword(person?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!person || !person.passwordHash || !valid || person.status !== 'active') {
      await this.audit.record(
        this.dataSource.manager,
        { personId: null, label: `anonymous (as ${email.slice(0, 120)})`, ip },
        { action: 'session.login_failed', entityType: 'person', entityId: person?.id ?? null },
      );
      throw new UnauthorizedException({ statusCode: 401, message: LOGIN_FAILED, errors: [] });
    }
    await this.throttle.clear(email);
    const { token } = await this.dataSource.transaction((tx) => this.sessions.signIn(tx, person, ip, userAgent));
    return { token, person };
  }

  /** Ends this session; says whether the person signs in with SSO, whose provider may be signed out of too. */
  async logout(user: AuthUser, actor: Actor): Promise<{ sso: boolean }> {
    const sso = await this.identities.hasAny(user.id);
    if (!user.sessionId) return { sso };
    await this.dataSource.transaction(async (tx) => {
      await this.sessions.revoke(tx, user.sessionId!, 'logout');
      await this.audit.record(tx, actor, {
        action: 'session.logout',
        entityType: 'session',
        entityId: user.sessionId!.slice(0, 16),
      });
    });
    return { sso };
  }

  /** Changes the password after checking the current one; every other session of the person ends. */
  async changePassword(user: AuthUser, current: string, next: string, actor: Actor): Promise<void> {
    if (!this.config.signIn.passwords) throw new ForbiddenException(passwordsOffMessage(this.config));
    const person = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .addSelect('p.passwordHash')
      .where('p.id = :id', { id: user.id })
      .getOneOrFail();
    if (!person.passwordHash || !(await verifyPassword(person.passwordHash, current))) {
      throw new BadRequestException({
        statusCode: 400,
        message: 'Your current password is not right.',
        errors: [{ field: 'current', message: 'is not your current password' }],
      });
    }
    const passwordHash = await hashPassword(next);
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(Person).update({ id: user.id }, { passwordHash, passwordChangedAt: new Date() });
      const ended = await this.sessions.revokeAll(tx, user.id, 'password_changed', user.sessionId ?? undefined);
      await this.audit.record(tx, actor, {
        action: 'password.changed',
        entityType: 'person',
        entityId: user.id,
        after: { otherSessionsEnded: ended },
      });
    });
  }

  async signOutOthers(user: AuthUser, actor: Actor): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const ended = await this.sessions.revokeAll(tx, user.id, 'signed_out_elsewhere', user.sessionId ?? undefined);
      await this.audit.record(tx, actor, {
        action: 'session.revoked_others',
        entityType: 'person',
        entityId: user.id,
        after: { sessionsEnded: ended },
      });
      return ended;
    });
  }

  /** Who a request is from: a bearer API token, or else the session cookie. Inactive people are nobody. */
  async authenticate(credentials: { bearer?: string; sessionToken?: string }): Promise<AuthUser | null> {
    if (credentials.bearer) {
      const found = await this.tokens.resolve(credentials.bearer);
      return found ? { ...found.person, roles: found.roles, sessionId: null, tokenId: found.tokenId } : null;
    }
    if (!credentials.sessionToken) return null;
    const session = await this.sessions.resolve(credentials.sessionToken);
    if (!session) return null;
    const found = await this.activePersonWithRoles(session.personId);
    return found ? { ...found.person, roles: found.roles, sessionId: session.id, tokenId: null } : null;
  }

  /** The person if active, with their roles, in one query. */
  private async activePersonWithRoles(
    personId: string,
  ): Promise<{ person: { id: string; name: string; email: string }; roles: Role[] } | null> {
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.name, p.preferred_name, p.email, r.role FROM people p LEFT JOIN person_roles r ON r.person_id = p.id
        WHERE p.id = ${this.dataSource.options.type === 'postgres' ? '$1' : '?'} AND p.status = 'active' ORDER BY r.role`,
      [personId],
    )) as Array<{ id: string; name: string; preferred_name: string | null; email: string; role: Role | null }>;
    if (rows.length === 0) return null;
    const [p] = rows;
    return {
      person: { id: String(p.id), name: p.preferred_name || p.name, email: p.email },
      roles: rows.map((r) => r.role).filter((r): r is Role => r !== null),
    };
  }
}
