import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import { formatDate, dateInZone } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import type { Actor } from '../../common/auth/actor';
import { AuditService } from '../audit/audit.service';
import { MailService } from '../mail/mail.service';
import { Person } from '../people/person.entity';
import { PersonRole } from '../people/person-role.entity';
import { AccountLink, type AccountLinkPurpose } from './account-link.entity';
import { LoginFailure } from './login-failure.entity';
import { hashPassword } from './passwords';
import { keyedHash, randomToken } from './secrets';
import { RateLimitStore } from './rate-limit-store';
import { SessionsService } from './sessions.service';
import { emailKey } from '../people/email-key';

export const INVITATION_DAYS = 7;

/** What a password form answers when PASSWORD_SIGNIN=off. */
export function passwordsOffMessage(config: AppConfig): string {
  const sso = config.signIn.oidc;
  return `Passwords are not used here: ${sso ? `use "${sso.label}" on the sign-in page` : 'ask your program admin how to sign in'}.`;
}
export const RESET_HOURS = 2;
/** Reset requests one address may make in an hour, whichever accounts they name (each account gets at most three). */
export const RESETS_PER_ADDRESS_PER_HOUR = 10;
export const SIGN_IN_LINK_MINUTES = 15;
const LINK_GONE = 'This link is not valid any more: it was already used or it expired. Ask for a new one.';

const PATHS: Record<AccountLinkPurpose, string> = {
  invitation: '/invitation',
  password_reset: '/reset-password',
  sign_in: '/sign-in-link',
};
const TTL_MS: Record<AccountLinkPurpose, number> = {
  invitation: INVITATION_DAYS * 24 * 3600_000,
  password_reset: RESET_HOURS * 3600_000,
  sign_in: SIGN_IN_LINK_MINUTES * 60_000,
};

/** Invitations and password resets: single-use links that expire, e-mailed and (for invitations) shown to the admin. */
@Injectable()
export class AccountLinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly sessions: SessionsService,
    private readonly rateLimits: RateLimitStore,
  ) {}

  /** Creates an invitation and e-mails it; returns the link so the admin (or the CLI) can pass it on. */
  async invite(
    personId: string,
    actor: Actor,
    options: { send?: boolean } = {},
  ): Promise<{ link: string; expiresAt: Date }> {
    const person = await this.dataSource.getRepository(Person).findOneBy({ id: personId });
    if (!person) throw new NotFoundException('No person with that id.');
    if (person.status !== 'active')
      throw new BadRequestException('This person is inactive; reactivate them before inviting them.');
    const created = await this.dataSource.transaction(async (tx) => {
      const link = await this.createLink(tx, person, 'invitation', actor.personId);
      await this.audit.record(tx, actor, {
        action: 'invitation.created',
        entityType: 'person',
        entityId: person.id,
        after: { expiresAt: link.expiresAt.toISOString() },
      });
      return link;
    });
    if (options.send !== false) {
      await this.mail.send({
        to: person.email,
        subject: `You're invited to ${this.config.orgName}`,
        template: 'invitation',
        context: {
          name: person.displayName,
          invitedBy: actor.personId ? actor.label : this.config.orgName,
          link: created.link,
          expires: this.expiresText(created.expiresAt),
          sso: this.signInInstead(),
        },
      });
    }
    return created;
  }

  /**
   * Invitations for people just created together (a roster import), inside the caller's transaction:
   * the links are stored and audited with the import, and the e-mails go out once it has committed.
   */
  async createInvitations(
    tx: EntityManager,
    people: Person[],
    actor: Actor,
  ): Promise<Array<{ person: Person; link: string; expiresAt: Date }>> {
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600_000);
    const created = people.map((person) => ({ person, token: randomToken() }));
    for (let i = 0; i < created.length; i += 200) {
      await tx.getRepository(AccountLink).insert(
        created.slice(i, i + 200).map(({ person, token }) => ({
          personId: person.id,
          purpose: 'invitation' as const,
          tokenHash: this.hash(token),
          expiresAt,
          createdById: actor.personId,
        })),
      );
    }
    await this.audit.recordMany(
      tx,
      actor,
      people.map((p) => ({
        action: 'invitation.created',
        entityType: 'person',
        entityId: p.id,
        after: { expiresAt: expiresAt.toISOString() },
      })),
    );
    return created.map(({ person, token }) => ({
      person,
      link: `${this.config.publicBaseUrl}${PATHS.invitation}/${token}`,
      expiresAt,
    }));
  }

  /** E-mails invitations made by `createInvitations`, a few at a time. */
  async sendInvitations(
    invitations: Array<{ person: Person; link: string; expiresAt: Date }>,
    actor: Actor,
  ): Promise<void> {
    const queue = [...invitations];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        await this.mail.send({
          to: next.person.email,
          subject: `You're invited to ${this.config.orgName}`,
          template: 'invitation',
          context: {
            name: next.person.displayName,
            invitedBy: actor.personId ? actor.label : this.config.orgName,
            link: next.link,
            expires: this.expiresText(next.expiresAt),
            sso: this.signInInstead(),
          },
        });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  /** Always answers the same, whether or not the address has an account, so it cannot be used to find accounts. */
  async requestReset(email: string, ip: string | null): Promise<void> {
    this.refuseWithoutPasswords();
    // Per address too, counted wherever the rate limits live (shared by every instance): one address cannot walk
    // through many accounts' mailboxes. Refused before the account is looked up, so the answer tells nothing.
    if (!(await this.rateLimits.allow('forgot-password', ip ?? 'unknown', RESETS_PER_ADDRESS_PER_HOUR, 3600_000)))
      throw new HttpException(
        {
          statusCode: 429,
          message: 'Too many password reset requests from this address. Wait an hour and try again.',
          errors: [],
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const person = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .addSelect('p.passwordHash')
      .where('p.email_key = :key', { key: emailKey(email) })
      .andWhere("p.status = 'active'")
      .getOne();
    if (!person) return;
    // At most three reset e-mails an hour per account, so the form cannot be used to flood a mailbox.
    const recent = await this.dataSource.getRepository(AccountLink).countBy({
      personId: person.id,
      purpose: 'password_reset',
      createdAt: MoreThan(new Date(Date.now() - 3600_000)),
    });
    if (recent >= 3) return;
    const created = await this.dataSource.transaction(async (tx) => {
      const link = await this.createLink(tx, person, 'password_reset', null);
      await this.audit.record(
        tx,
        { personId: null, label: 'anonymous (password reset form)', ip },
        { action: 'password_reset.requested', entityType: 'person', entityId: person.id },
      );
      return link;
    });
    await this.mail.send({
      to: person.email,
      subject: `Reset your ${this.config.orgName} password`,
      template: 'password-reset',
      context: { name: person.displayName, link: created.link, expires: this.expiresText(created.expiresAt) },
    });
  }

  /** The person a live link belongs to; 404 for an unknown, used or expired link (all look alike). */
  async findUsable(token: string, purpose: AccountLinkPurpose): Promise<{ link: AccountLink; person: Person }> {
    const link = await this.dataSource
      .getRepository(AccountLink)
      .findOneBy({ tokenHash: this.hash(token), purpose, usedAt: IsNull() });
    if (!link || link.expiresAt.getTime() <= Date.now()) {
      throw new NotFoundException(LINK_GONE);
    }
    const person = await this.dataSource.getRepository(Person).findOneByOrFail({ id: link.personId });
    if (person.status !== 'active') throw new NotFoundException(LINK_GONE);
    return { link, person };
  }

  /**
   * Sets the password through a link; the link is spent and every earlier session ends. Accepting an invitation
   * then signs the person in here (the link came to their mailbox, which is what a sign-in would prove anyway),
   * returning the new session's cookie token; a reset returns none, so whoever asked for it signs in once with
   * the new password.
   */
  async usePasswordLink(
    token: string,
    purpose: AccountLinkPurpose,
    password: string,
    [ip, userAgent]: [ip: string, userAgent: string | null],
  ): Promise<{ person: Person; sessionToken: string | null }> {
    this.refuseWithoutPasswords();
    const { link, person } = await this.findUsable(token, purpose);
    const passwordHash = await hashPassword(password);
    const sessionToken = await this.dataSource.transaction(async (tx) => {
      // Spending the link first, conditionally, makes a second use lose the race instead of succeeding twice.
      const spent = await tx
        .getRepository(AccountLink)
        .update({ id: link.id, usedAt: IsNull() }, { usedAt: new Date() });
      if (spent.affected !== 1) throw new NotFoundException(LINK_GONE);
      await tx.getRepository(Person).update({ id: person.id }, { passwordHash, passwordChangedAt: new Date() });
      await this.sessions.revokeAll(tx, person.id, 'password_reset');
      // A new password lifts a sign-in block, as the block's message promises.
      await tx.getRepository(LoginFailure).delete({ emailKey: emailKey(person.email) });
      await this.audit.record(
        tx,
        { personId: person.id, label: person.name, ip },
        {
          action: purpose === 'invitation' ? 'invitation.accepted' : 'password.reset',
          entityType: 'person',
          entityId: person.id,
        },
      );
      if (purpose !== 'invitation') return null;
      return (await this.sessions.signIn(tx, person, ip, userAgent)).token;
    });
    return { person, sessionToken };
  }

  /**
   * Break-glass: a single-use sign-in link for an admin, valid 15 minutes, made only from the command line. It is how
   * an admin gets in when single sign-on is down and PASSWORD_SIGNIN=off; making it and using it are both audited.
   */
  async createSignInLink(personId: string, actor: Actor): Promise<{ link: string; expiresAt: Date }> {
    const person = await this.dataSource.getRepository(Person).findOneBy({ id: personId });
    if (!person || person.status !== 'active' || !(await this.isAdmin(person.id)))
      throw new BadRequestException('Sign-in links are for active admins only.');
    return this.dataSource.transaction(async (tx) => {
      const link = await this.createLink(tx, person, 'sign_in', null);
      await this.audit.record(tx, actor, {
        action: 'sign_in_link.created',
        entityType: 'person',
        entityId: person.id,
        after: { expiresAt: link.expiresAt.toISOString() },
      });
      return link;
    });
  }

  /** Spends a sign-in link and opens a session; the person must still be an active admin. */
  async useSignInLink(token: string, [ip, userAgent]: [ip: string, userAgent: string | null]): Promise<string> {
    const { link, person } = await this.findUsable(token, 'sign_in');
    if (!(await this.isAdmin(person.id))) throw new NotFoundException(LINK_GONE);
    return this.dataSource.transaction(async (tx) => {
      const spent = await tx
        .getRepository(AccountLink)
        .update({ id: link.id, usedAt: IsNull() }, { usedAt: new Date() });
      if (spent.affected !== 1) throw new NotFoundException(LINK_GONE);
      return (await this.sessions.signIn(tx, person, ip, userAgent, 'sign_in_link')).token;
    });
  }

  /** With PASSWORD_SIGNIN=off nobody sets, resets or uses a password. */
  refuseWithoutPasswords(): void {
    if (!this.config.signIn.passwords) throw new ForbiddenException(passwordsOffMessage(this.config));
  }

  /** With passwords off, invitations say how to sign in instead of asking for a password. */
  private signInInstead(): { label: string; link: string } | null {
    if (this.config.signIn.passwords) return null;
    return { label: this.config.signIn.oidc?.label ?? 'Sign in', link: `${this.config.publicBaseUrl}/login` };
  }

  private async isAdmin(personId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(PersonRole).countBy({ personId, role: 'admin' })) > 0;
  }

  private async createLink(tx: EntityManager, person: Person, purpose: AccountLinkPurpose, createdById: string | null) {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + TTL_MS[purpose]);
    // A new link replaces any earlier unused one of the same kind.
    await tx
      .getRepository(AccountLink)
      .update({ personId: person.id, purpose, usedAt: IsNull() }, { usedAt: new Date() });
    await tx
      .getRepository(AccountLink)
      .insert({ personId: person.id, purpose, tokenHash: this.hash(token), expiresAt, createdById });
    return { link: `${this.config.publicBaseUrl}${PATHS[purpose]}/${token}`, expiresAt };
  }

  private hash(token: string): string {
    return keyedHash(this.config.sessionSecret, `link:${token}`);
  }

  private expiresText(at: Date): string {
    const time = at.toLocaleTimeString('en-US', {
      timeZone: this.config.timeZone,
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    return `${formatDate(dateInZone(at, this.config.timeZone))} at ${time}`;
  }
}
