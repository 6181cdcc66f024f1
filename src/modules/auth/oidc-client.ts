import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type * as OpenIdClient from 'openid-client';
import { AppConfig, type OidcConfig } from '../../config/app-config';
import type { OidcFlow } from './oidc-flow';

type Library = typeof OpenIdClient;

/** What the provider vouched for, once openid-client has checked the ID token. */
export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/** Why a callback was refused, in words the refusal page and the audit log use. */
export class OidcRefusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export const CALLBACK_PATH = '/login/oidc/callback';
/** A failed discovery is tried again on a sign-in attempt, at most this often. */
const REDISCOVER_MS = 30_000;

/**
 * The relying party, through openid-client (ESM-only): discovery, the authorization URL with PKCE (S256), state and
 * nonce, and the code exchange with every ID token check the library makes (signature, issuer, audience, expiry,
 * nonce). Nothing of OAuth is written here by hand.
 */
@Injectable()
export class OidcClient implements OnApplicationBootstrap {
  private readonly logger = new Logger('SingleSignOn');
  private library: Library | null = null;
  private configuration: OpenIdClient.Configuration | null = null;
  private lastAttempt = 0;

  constructor(private readonly config: AppConfig) {}

  get settings(): OidcConfig | null {
    return this.config.signIn.oidc;
  }

  /** Configured and discovered: the button works. */
  get available(): boolean {
    return this.configuration !== null;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.discover();
  }

  /** Discovery at start-up; a provider that cannot be reached leaves the app running with SSO unavailable. */
  async discover(): Promise<boolean> {
    const settings = this.settings;
    if (!settings || this.configuration) return this.configuration !== null;
    if (Date.now() - this.lastAttempt < REDISCOVER_MS) return false;
    this.lastAttempt = Date.now();
    try {
      // Kept as import() in the CommonJS build (module node20), which loads the ES module; Jest turns it into require.
      const lib = (this.library ??= await import('openid-client'));
      const issuer = new URL(settings.issuer);
      this.configuration = await lib.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
        timeout: 5,
        // A plain-http issuer is refused in production at start-up; elsewhere it is a local test provider.
        execute: issuer.protocol === 'http:' ? [lib.allowInsecureRequests] : [],
      });
      this.logger.log(`Single sign-on ready: ${issuer.href}`);
      return true;
    } catch (e) {
      this.logger.warn(`Single sign-on unavailable: discovery at ${settings.issuer} failed (${(e as Error).message})`);
      return false;
    }
  }

  /** A new trip to the provider: its URL, and the secrets the callback must match. */
  async start(next: string): Promise<{ url: string; flow: OidcFlow }> {
    const { lib, configuration } = this.ready();
    const codeVerifier = lib.randomPKCECodeVerifier();
    const flow: OidcFlow = {
      codeVerifier,
      state: lib.randomState(),
      nonce: lib.randomNonce(),
      next,
      startedAt: Date.now(),
    };
    const url = lib.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(),
      scope: 'openid email profile',
      code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { url: url.href, flow };
  }

  /**
   * Finishes the callback: openid-client checks the state, exchanges the code with the PKCE verifier and validates
   * the ID token (signature, issuer, audience, expiry and nonce). The e-mail comes from the ID token, or from the
   * userinfo endpoint when the provider keeps it out of the token.
   */
  async finish(callbackQuery: string, flow: OidcFlow): Promise<OidcClaims> {
    const { lib, configuration } = this.ready();
    const current = new URL(`${this.redirectUri()}${callbackQuery}`);
    let tokens: Awaited<ReturnType<Library['authorizationCodeGrant']>>;
    try {
      tokens = await lib.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (e) {
      throw new OidcRefusal(refusalReason(e), (e as Error).message);
    }
    const claims = tokens.claims();
    if (!claims) throw new OidcRefusal('no_id_token', 'The provider sent no ID token.');
    let email = typeof claims.email === 'string' ? claims.email : null;
    let verified: unknown = claims.email_verified;
    if (email === null && tokens.access_token) {
      const info = await lib.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      email = typeof info.email === 'string' ? info.email : null;
      verified = info.email_verified;
    }
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email,
      emailVerified: verified === true || verified === 'true',
    };
  }

  /** The provider's sign-out page (RP-initiated logout), when it has one. */
  endSessionUrl(): string | null {
    if (!this.configuration || !this.library) return null;
    if (!this.configuration.serverMetadata().end_session_endpoint) return null;
    return this.library.buildEndSessionUrl(this.configuration, {
      client_id: this.configuration.clientMetadata().client_id,
      post_logout_redirect_uri: `${this.config.publicBaseUrl}/login?notice=signed-out`,
    }).href;
  }

  redirectUri(): string {
    return `${this.config.publicBaseUrl}${CALLBACK_PATH}`;
  }

  private ready(): { lib: Library; configuration: OpenIdClient.Configuration } {
    if (!this.library || !this.configuration)
      throw new OidcRefusal('unavailable', 'Single sign-on is not available right now.');
    return { lib: this.library, configuration: this.configuration };
  }
}

/**
 * A short, stable name for what the library refused, for the audit log and the page ("state_mismatch",
 * "invalid_grant"…). openid-client wraps oauth4webapi's error, whose own cause names the claim that failed.
 */
function refusalReason(e: unknown): string {
  const error = e as { code?: unknown; error?: unknown; cause?: { message?: string; cause?: { claim?: unknown } } };
  if (typeof error.error === 'string') return error.error.slice(0, 40);
  const claim = error.cause?.cause?.claim;
  const names: Record<string, string> = {
    nonce: 'nonce_mismatch',
    iss: 'issuer_mismatch',
    aud: 'audience_mismatch',
    exp: 'id_token_expired',
    iat: 'id_token_expired',
    nbf: 'id_token_not_yet_valid',
  };
  if (typeof claim === 'string') return names[claim] ?? `${claim.slice(0, 20)}_mismatch`;
  if (/"state"/.test(error.cause?.message ?? '')) return 'state_mismatch';
  return typeof error.code === 'string'
    ? error.code
        .replace(/^OAUTH_/, '')
        .toLowerCase()
        .slice(0, 40)
    : 'rejected';
}
