import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { WriteLock } from '../../common/db/write-lock';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { emailKey } from '../people/email-key';
import { Person } from '../people/person.entity';
import { ExternalIdentitiesRepository } from './external-identities.repository';
import { OidcRefusal, type OidcClaims } from './oidc-client';
import { SessionsService } from './sessions.service';

/**
 * Who an OpenID Connect sign-in is, by this system's rules rather than the provider's: the linked subject first,
 * else the invited person with that verified e-mail (linked from then on). Nobody is created, and nothing about
 * roles is taken from the provider: a person keeps exactly the roles an admin gave them here.
 */
@Injectable()
export class SsoSignInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly identities: ExternalIdentitiesRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly writeLock: WriteLock,
  ) {}

  /** Opens a session for the person the claims are, or throws an `OidcRefusal` saying why not. */
  async signIn(claims: OidcClaims, ip: string, userAgent: string | null): Promise<{ token: string; person: Person }> {
    // The callback is a GET, which the HTTP write lock lets through; it writes, so it takes SQLite's turn itself.
    return this.writeLock.run(async () => {
      try {
        return await this.signInOnce(claims, ip, userAgent);
      } catch (e) {
        // Two first sign-ins at once (a double click) both try to link; the loser finds the winner's link, goes on.
        if (e instanceof OidcRefusal || !(await this.identities.findBySubject('oidc', claims.issuer, claims.subject)))
          throw e;
        return this.signInOnce(claims, ip, userAgent);
      }
    });
  }

  private async signInOnce(
    claims: OidcClaims,
    ip: string,
    userAgent: string | null,
  ): Promise<{ token: string; person: Person }> {
    const email = claims.email?.trim() ?? '';
    if (!email) throw new OidcRefusal('no_email', 'The provider did not say which e-mail address you use.');
    if (!claims.emailVerified) throw new OidcRefusal('email_not_verified', email);
    const allowed = this.config.signIn.oidc?.allowedDomains ?? [];
    const domain = email.split('@').pop()!.toLowerCase();
    if (allowed.length && !allowed.includes(domain)) throw new OidcRefusal('domain_not_allowed', email);

    const linked = await this.identities.findBySubject('oidc', claims.issuer, claims.subject);
    const person = await this.dataSource
      .getRepository(Person)
      .findOneBy(linked ? { id: linked.personId } : { emailKey: emailKey(email) });
    if (!person) throw new OidcRefusal('unknown_email', email);
    if (!linked && (await this.identities.findForPerson(person.id, 'oidc', claims.issuer)))
      throw new OidcRefusal('linked_to_another_account', email);
    if (person.status !== 'active') throw new OidcRefusal('deactivated', email);

    const token = await this.dataSource.transaction(async (tx) => {
      const now = new Date();
      if (linked) {
        await this.identities.recordSignIn(tx, linked.id, email, now);
      } else {
        await this.identities.insert(tx, {
          personId: person.id,
          provider: 'oidc',
          issuer: claims.issuer,
          subject: claims.subject,
          email,
          lastSignInAt: now,
        });
        await this.audit.record(
          tx,
          { personId: person.id, label: person.name, ip },
          { action: 'sso.linked', entityType: 'person', entityId: person.id, after: { issuer: claims.issuer, email } },
        );
      }
      return (await this.sessions.signIn(tx, person, ip, userAgent, 'sso')).token;
    });
    return { token, person };
  }

  /** Every refused callback leaves an entry: what went wrong, and as whom the provider said it was. */
  async recordRefusal(refusal: OidcRefusal, claims: OidcClaims | null, ip: string): Promise<void> {
    const email = claims?.email ?? null;
    const person = email ? await this.dataSource.getRepository(Person).findOneBy({ emailKey: emailKey(email) }) : null;
    await this.writeLock.run(() =>
      this.audit.record(
        this.dataSource.manager,
        { personId: null, label: `anonymous (single sign-on${email ? ` as ${email.slice(0, 120)}` : ''})`, ip },
        {
          action: 'session.sso_refused',
          entityType: 'person',
          entityId: person?.id ?? null,
          after: { reason: refusal.reason, ...(claims ? { issuer: claims.issuer, subject: claims.subject } : {}) },
        },
      ),
    );
  }

  /** An admin removes a person's provider link: their next SSO sign-in links again by verified e-mail. */
  async unlink(personId: string, actor: Actor): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const removed = await this.identities.deleteForPerson(tx, personId);
      if (removed.length)
        await this.audit.record(tx, actor, {
          action: 'sso.unlinked',
          entityType: 'person',
          entityId: personId,
          before: removed.map((l) => ({ issuer: l.issuer, email: l.email })),
        });
      return removed.length;
    });
  }
}
