import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ssoRefusalModel, type SsoRefusalModel } from './auth.views';
import { OidcClient, OidcRefusal, type OidcClaims } from './oidc-client';
import { openFlow, sealFlow } from './oidc-flow';
import { SsoSignInService } from './sso-sign-in.service';

type Refused = { refusal: SsoRefusalModel; status: number };

/** Reasons that are about the person, not the exchange: 403; everything else is a broken or stale exchange (400). */
const ACCOUNT_REASONS = new Set([
  'email_not_verified',
  'domain_not_allowed',
  'unknown_email',
  'deactivated',
  'linked_to_another_account',
  'no_email',
]);

/** The two legs of an OpenID Connect sign-in as the pages see them: off to the provider, and back. */
@Injectable()
export class OidcLogin {
  constructor(
    private readonly client: OidcClient,
    private readonly signIns: SsoSignInService,
    private readonly config: AppConfig,
  ) {}

  async start(next: string): Promise<{ url: string; cookie: string } | Refused> {
    const settings = this.config.signIn.oidc;
    if (!settings) return { refusal: ssoRefusalModel('not_configured', null), status: 404 };
    if (!(await this.client.discover()))
      return { refusal: ssoRefusalModel('unavailable', settings.label), status: 503 };
    const { url, flow } = await this.client.start(next);
    return { url, cookie: sealFlow(this.config.sessionSecret, flow) };
  }

  /** Every refusal is audited and answered with its page; nobody is signed in unless every check passed. */
  async finish(
    search: string,
    sealedFlow: string | undefined,
    [ip, userAgent]: [ip: string, userAgent: string | null],
  ): Promise<{ token: string; next: string } | Refused> {
    let claims: OidcClaims | null = null;
    try {
      if (!this.config.signIn.oidc) throw new OidcRefusal('not_configured', '');
      const flow = openFlow(this.config.sessionSecret, sealedFlow);
      if (!flow) throw new OidcRefusal('flow_missing', 'No sign-in was started in this browser, or it expired.');
      if (!(await this.client.discover())) throw new OidcRefusal('unavailable', '');
      claims = await this.client.finish(search, flow);
      const { token } = await this.signIns.signIn(claims, ip, userAgent);
      return { token, next: flow.next };
    } catch (e) {
      if (!(e instanceof OidcRefusal)) throw e;
      await this.signIns.recordRefusal(e, claims, ip);
      const detail = e.reason === 'unavailable' ? (this.config.signIn.oidc?.label ?? null) : (claims?.email ?? null);
      const status = e.reason === 'not_configured' ? 404 : ACCOUNT_REASONS.has(e.reason) ? 403 : 400;
      return { refusal: ssoRefusalModel(e.reason, detail), status };
    }
  }
}
