import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemActor } from '../../src/common/auth/actor';
import { AccountLinksService } from '../../src/modules/auth/account-links.service';
import { csrfTokenFor } from '../../src/modules/auth/csrf';
import { randomToken } from '../../src/modules/auth/secrets';
import { ExternalIdentity } from '../../src/modules/auth/external-identity.entity';
import { SsoSignInService } from '../../src/modules/auth/sso-sign-in.service';
import { AuditEntry } from '../../src/modules/audit/audit-entry.entity';
import { PeopleService } from '../../src/modules/people/people.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine, type Engine } from '../helpers/engines';
import { signInAtProvider, startTestProvider, type ProviderAccount, type TestProvider } from '../helpers/oidc';

// The app is reached through supertest, so its public address only has to match what the provider has registered.
const BASE = 'http://lms.test';

const setCookies = (res: { headers: Record<string, unknown> }) =>
  (res.headers['set-cookie'] as string[] | undefined) ?? [];
const cookieNamed = (res: { headers: Record<string, unknown> }, name: string) =>
  setCookies(res)
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);

let provider: TestProvider;
beforeAll(async () => {
  provider = await startTestProvider({ baseUrls: [BASE], accounts: {} });
});
afterAll(async () => provider?.stop());

describeEachEngine('Single sign-on (OpenID Connect)', (engine: Engine) => {
  let t: TestApp;
  const accounts: Record<string, ProviderAccount> = {};
  /** Adds or changes an account at the provider; logins carry the engine so both runs can share the provider. */
  async function account(login: string, claims: ProviderAccount): Promise<string> {
    const key = `${engine}-${login}`;
    accounts[key] = claims;
    await provider.control({ accounts });
    return key;
  }
  const mail = (name: string) => `${name}.${engine}@example.org`;

  beforeAll(async () => {
    t = await createTestApp(engine, {
      env: { PUBLIC_BASE_URL: BASE, ...provider.env({ OIDC_ALLOWED_DOMAINS: 'example.org, staff.example.org' }) },
    });
  });
  afterAll(async () => t?.close());

  /** Button → provider sign-in → back to the callback, as a browser goes; returns the callback's answer. */
  async function ssoSignIn(login: string, alter: (callbackPath: string) => string = (p) => p) {
    const start = await t.http().get('/login/oidc').expect(303);
    const flow = cookieNamed(start, 'lms_oidc')!;
    expect(flow).toBeDefined();
    const back = await signInAtProvider(start.headers.location, login, BASE);
    const callbackPath = alter(back.slice(BASE.length));
    const res = await t.http().get(callbackPath).set('Cookie', [flow]);
    return { res, flow, callbackPath };
  }

  async function lastAudit(action: string) {
    const entries = await t.dataSource
      .getRepository(AuditEntry)
      .find({ where: { action }, order: { id: 'DESC' }, take: 1 });
    return entries[0] ? { ...entries[0], after: entries[0].after ? JSON.parse(entries[0].after) : null } : null;
  }

  async function expectRefused(
    res: { status: number; text: string; headers: Record<string, unknown> },
    status: number,
    reason: string,
  ) {
    expect(res.status).toBe(status);
    expect(res.text).toContain(`data-reason="${reason}"`);
    expect(res.text).toContain('Nobody was signed in.');
    expect(cookieNamed(res, 'lms_session')).toBeUndefined();
    expect((await lastAudit('session.sso_refused'))?.after.reason).toBe(reason);
  }

  it('puts the SSO button first on the sign-in page, above the password form', async () => {
    const page = await t.http().get('/login').expect(200);
    expect(page.text).toContain('href="/login/oidc"');
    expect(page.text).toContain('Sign in with Test ID');
    expect(page.text.indexOf('/login/oidc')).toBeLessThan(page.text.indexOf('name="password"'));
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce', async () => {
    const start = await t.http().get('/login/oidc?next=/account').expect(303);
    const url = new URL(start.headers.location);
    expect(url.origin).toBe(provider.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('scope')).toBe('openid email profile');
    expect(url.searchParams.get('redirect_uri')).toBe(`${BASE}/login/oidc/callback`);
    expect(cookieNamed(start, 'lms_oidc')).toBeDefined();
  });

  it('links the invited person with that verified e-mail on the first sign-in, and signs them in', async () => {
    const person = await t.person(['peer'], { email: mail('ana') });
    const login = await account('ana', { email: mail('ana'), email_verified: true, name: 'Ana' });
    const { res } = await ssoSignIn(login);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const session = cookieNamed(res, 'lms_session')!;
    const me = await t.http().get('/api/v1/me').set('Cookie', [session]).expect(200);
    expect(me.body.id).toBe(person.id);
    const link = await t.dataSource.getRepository(ExternalIdentity).findOneByOrFail({ personId: person.id });
    expect(link).toMatchObject({ provider: 'oidc', issuer: provider.issuer, subject: login, email: mail('ana') });
    expect((await lastAudit('session.login_sso'))?.actorId).toBe(person.id);
    expect((await lastAudit('sso.linked'))?.entityId).toBe(person.id);
  });

  it('finds a returning person by the provider subject after their e-mail changed there', async () => {
    const person = await t.person(['peer'], { email: mail('ben') });
    const login = await account('ben', { email: mail('ben'), email_verified: true });
    expect((await ssoSignIn(login)).res.status).toBe(303);
    await account('ben', { email: mail('ben.renamed'), email_verified: true });
    const { res } = await ssoSignIn(login);
    expect(res.status).toBe(303);
    const me = await t
      .http()
      .get('/api/v1/me')
      .set('Cookie', [cookieNamed(res, 'lms_session')!])
      .expect(200);
    expect(me.body.id).toBe(person.id);
    const link = await t.dataSource.getRepository(ExternalIdentity).findOneByOrFail({ personId: person.id });
    expect(link.email).toBe(mail('ben.renamed'));
  });

  // Through the service, as two callbacks (GETs, which the HTTP write lock lets through) would reach it at once.
  it('links once when two first sign-ins arrive together, and signs both in', async () => {
    const person = await t.person(['peer'], { email: mail('pia') });
    const claims = { issuer: provider.issuer, subject: `${engine}-pia`, email: mail('pia'), emailVerified: true };
    const signIns = t.app.get(SsoSignInService);
    const both = await Promise.all([
      signIns.signIn(claims, '127.0.0.1', 'first tab'),
      signIns.signIn(claims, '127.0.0.1', 'second tab'),
    ]);
    expect(both.map((b) => b.person.id)).toEqual([person.id, person.id]);
    expect(await t.dataSource.getRepository(ExternalIdentity).countBy({ personId: person.id })).toBe(1);
  });

  it('never takes roles from the provider: a provider "admin" stays a peer here', async () => {
    await t.person(['peer'], { email: mail('cat') });
    const login = await account('cat', { email: mail('cat'), email_verified: true, roles: ['admin'] });
    const { res } = await ssoSignIn(login);
    const session = cookieNamed(res, 'lms_session')!;
    const me = await t.http().get('/api/v1/me').set('Cookie', [session]).expect(200);
    expect(me.body.roles).toEqual(['peer']);
    await t.http().get('/people/new').set('Cookie', [session]).set('Accept', 'application/json').expect(403);
  });

  it('refuses an e-mail that matches no one: no account is made', async () => {
    const login = await account('stranger', { email: mail('stranger'), email_verified: true });
    const { res } = await ssoSignIn(login);
    await expectRefused(res, 403, 'unknown_email');
    expect(res.text).toContain('Ask your program admin to add you');
    const people = await t.dataSource.query(`SELECT count(*) AS n FROM people WHERE email = '${mail('stranger')}'`);
    expect(Number(people[0].n)).toBe(0);
  });

  it('refuses an e-mail the provider has not verified', async () => {
    await t.person(['peer'], { email: mail('dan') });
    const login = await account('dan', { email: mail('dan'), email_verified: false });
    await expectRefused((await ssoSignIn(login)).res, 403, 'email_not_verified');
    expect(await t.dataSource.getRepository(ExternalIdentity).countBy({ subject: login })).toBe(0);
  });

  it('refuses an e-mail domain outside OIDC_ALLOWED_DOMAINS', async () => {
    const email = `eve.${engine}@elsewhere.net`;
    await t.person(['peer'], { email });
    const login = await account('eve', { email, email_verified: true });
    await expectRefused((await ssoSignIn(login)).res, 403, 'domain_not_allowed');
  });

  it('refuses a deactivated person even though the provider says yes, linked or not', async () => {
    const person = await t.person(['peer'], { email: mail('fay') });
    const login = await account('fay', { email: mail('fay'), email_verified: true });
    expect((await ssoSignIn(login)).res.status).toBe(303);
    await t.app.get(PeopleService).update(person.id, { status: 'inactive' }, systemActor('test'));
    await expectRefused((await ssoSignIn(login)).res, 403, 'deactivated');
  });

  it('refuses a tampered state', async () => {
    await t.person(['peer'], { email: mail('gus') });
    const login = await account('gus', { email: mail('gus'), email_verified: true });
    const { res } = await ssoSignIn(login, (p) => p.replace(/state=[^&]+/, 'state=forged-state'));
    await expectRefused(res, 400, 'state_mismatch');
  });

  it('refuses a callback without the flow cookie of the browser that started it', async () => {
    const start = await t.http().get('/login/oidc').expect(303);
    const login = await account('hal', { email: mail('hal'), email_verified: true });
    const back = await signInAtProvider(start.headers.location, login, BASE);
    await expectRefused(await t.http().get(back.slice(BASE.length)), 400, 'flow_missing');
  });

  it('refuses a replayed code', async () => {
    await t.person(['peer'], { email: mail('ivy') });
    const login = await account('ivy', { email: mail('ivy'), email_verified: true });
    const first = await ssoSignIn(login);
    expect(first.res.status).toBe(303);
    const replay = await t.http().get(first.callbackPath).set('Cookie', [first.flow]);
    await expectRefused(replay, 400, 'invalid_grant');
  });

  it('refuses an expired code', async () => {
    await t.person(['peer'], { email: mail('jo') });
    const login = await account('jo', { email: mail('jo'), email_verified: true });
    await provider.control({ codeTtl: 1 });
    try {
      const { res } = await ssoSignIn(login, (p) => p);
      // The code had a second to live and the exchange is immediate; so wait, then use it again in a new flow.
      expect(res.status).toBe(303);
      const start = await t.http().get('/login/oidc').expect(303);
      const flow = cookieNamed(start, 'lms_oidc')!;
      const back = await signInAtProvider(start.headers.location, login, BASE);
      await new Promise((r) => setTimeout(r, 2100));
      await expectRefused(await t.http().get(back.slice(BASE.length)).set('Cookie', [flow]), 400, 'invalid_grant');
    } finally {
      await provider.control({ codeTtl: 60 });
    }
  });

  it('refuses an ID token with the wrong nonce', async () => {
    await t.person(['peer'], { email: mail('kim') });
    const login = await account('kim', { email: mail('kim'), email_verified: true });
    await provider.control({ idTokenClaims: { nonce: 'a nonce from another sign-in' } });
    await expectRefused((await ssoSignIn(login)).res, 400, 'nonce_mismatch');
  });

  it('refuses an ID token from another issuer', async () => {
    await t.person(['peer'], { email: mail('lee') });
    const login = await account('lee', { email: mail('lee'), email_verified: true });
    await provider.control({ idTokenClaims: { iss: 'http://127.0.0.1:9/another-issuer' } });
    await expectRefused((await ssoSignIn(login)).res, 400, 'issuer_mismatch');
  });

  it('refuses an expired ID token', async () => {
    await t.person(['peer'], { email: mail('max') });
    const login = await account('max', { email: mail('max'), email_verified: true });
    const past = Math.floor(Date.now() / 1000) - 3600;
    await provider.control({ idTokenClaims: { iat: past - 600, exp: past } });
    await expectRefused((await ssoSignIn(login)).res, 400, 'id_token_expired');
  });

  it('signs out here and offers to sign out at the provider', async () => {
    await t.person(['peer'], { email: mail('ned') });
    const login = await account('ned', { email: mail('ned'), email_verified: true });
    const session = cookieNamed((await ssoSignIn(login)).res, 'lms_session')!;
    const page = await t.http().get('/account').set('Cookie', [session]).expect(200);
    const csrfCookie = cookieNamed(page, 'lms_csrf')!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const out = await t.http().post('/logout').set('Cookie', [session, csrfCookie]).type('form').send({ _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login?notice=signed-out-sso');
    const signedOut = await t.http().get(out.headers.location).expect(200);
    const endSession = /href="([^"]+)">Sign out there too/
      .exec(signedOut.text)?.[1]
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    expect(endSession).toBeDefined();
    const url = new URL(endSession!);
    expect(url.origin + url.pathname).toBe(`${provider.issuer}/session/end`);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${BASE}/login?notice=signed-out`);
    await t.http().get('/api/v1/me').set('Cookie', [session]).set('Accept', 'application/json').expect(401);
  });

  it('shows an admin that a person signs in with SSO, and lets them unlink it', async () => {
    const person = await t.person(['peer'], { email: mail('ola') });
    const login = await account('ola', { email: mail('ola'), email_verified: true });
    expect((await ssoSignIn(login)).res.status).toBe(303);
    const admin = await t.browser(['admin']);
    const record = await t.as(admin).get(`/people/${person.id}`).expect(200);
    expect(record.text).toContain(`Signs in with SSO as ${mail('ola')}`);
    const page = await t.as(admin).get(`/people/${person.id}/access`).expect(200);
    expect(page.text).toContain(`signs in with SSO as ${mail('ola')}`);
    await t.as(admin).post(`/people/${person.id}/sso/unlink`).type('form').send({}).expect(303);
    expect(await t.dataSource.getRepository(ExternalIdentity).countBy({ personId: person.id })).toBe(0);
    expect((await lastAudit('sso.unlinked'))?.entityId).toBe(person.id);
    const after = await t.as(admin).get(`/people/${person.id}/access`).expect(200);
    expect(after.text).not.toContain('signs in with SSO');
  });
});

describeEachEngine('Single sign-on with PASSWORD_SIGNIN=off', (engine: Engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { env: { PUBLIC_BASE_URL: BASE, ...provider.env({ PASSWORD_SIGNIN: 'off' }) } });
  });
  afterAll(async () => t?.close());

  it('hides the password form and refuses a posted password', async () => {
    const page = await t.http().get('/login').expect(200);
    expect(page.text).toContain('Sign in with Test ID');
    expect(page.text).not.toContain('name="password"');
    expect(page.text).not.toContain('Forgot your password?');
    const person = await t.person(['peer']);
    // No form on the page to carry a CSRF token, so one is made as a form would carry it.
    const seed = randomToken();
    const csrf = csrfTokenFor(t.config.sessionSecret, seed);
    const posted = await t
      .http()
      .post('/login')
      .set('Cookie', [`lms_csrf=${seed}`])
      .type('form')
      .send({ _csrf: csrf, email: person.email, password: 'a long test password' });
    expect(posted.status).toBe(403);
    expect(posted.text).toContain('Passwords are not used here');
    expect(cookieNamed(posted, 'lms_session')).toBeUndefined();
  });

  it('has no other password form either: reset, forgotten password, invitation, account', async () => {
    const person = await t.person(['peer']);
    const links = t.app.get(AccountLinksService);
    const { link } = await links.invite(person.id, systemActor('test'), { send: false });
    const invitation = await t.http().get(link.slice(BASE.length)).expect(303);
    expect(invitation.headers.location).toBe('/login');
    const forgot = await t.http().get('/forgot-password').expect(200);
    expect(forgot.text).toContain('Passwords are not used here');
    expect(forgot.text).not.toContain('name="email"');
    const seed = randomToken();
    const posted = await t
      .http()
      .post('/forgot-password')
      .set('Cookie', [`lms_csrf=${seed}`])
      .type('form')
      .send({ _csrf: csrfTokenFor(t.config.sessionSecret, seed), email: person.email });
    expect(posted.status).toBe(403);
    const me = await t.browser(['peer']);
    const account = await t.as(me).get('/account').expect(200);
    expect(account.text).not.toContain('Change password');
    const changed = await t
      .as(me)
      .post('/account/password')
      .type('form')
      .send({ current: 'x', password: 'correct horse battery staple', confirm: 'correct horse battery staple' });
    // The form helper says a service's refusal on the page, at 400.
    expect(changed.status).toBe(400);
    expect(changed.text).toContain('Passwords are not used here');
  });

  it('invites people to sign in with SSO instead of choosing a password', async () => {
    const person = await t.person(['peer']);
    const admin = await t.token(['admin']);
    await t.withBearer(admin.bearer).post(`/api/v1/people/${person.id}/invitation`).expect(201);
    const dir = join(t.config.dataDir, 'mail');
    const files = await readdir(dir);
    const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
    const invitation = texts.map((x) => x.replace(/=\r?\n/g, '')).find((x) => x.includes(person.email))!;
    expect(invitation).toContain('Sign in with Test ID');
    expect(invitation).not.toContain('Choose your password');
  });

  it("still lets an admin in through the command line's single-use sign-in link, audited", async () => {
    const admin = await t.person(['admin']);
    const { link } = await t.app.get(AccountLinksService).createSignInLink(admin.id, systemActor('command line'));
    const path = link.slice(BASE.length);
    const page = await t.http().get(path).expect(200);
    const csrfCookie = cookieNamed(page, 'lms_csrf')!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const used = await t.http().post(path).set('Cookie', [csrfCookie]).type('form').send({ _csrf: csrf });
    expect(used.status).toBe(303);
    const me = await t
      .http()
      .get('/api/v1/me')
      .set('Cookie', [cookieNamed(used, 'lms_session')!])
      .expect(200);
    expect(me.body.id).toBe(admin.id);
    const again = await t.http().post(path).set('Cookie', [csrfCookie]).type('form').send({ _csrf: csrf });
    expect(again.status).toBe(404);
    const peer = await t.person(['peer']);
    await expect(t.app.get(AccountLinksService).createSignInLink(peer.id, systemActor('command line'))).rejects.toThrow(
      'Sign-in links are for active admins only.',
    );
    const actions = (await t.dataSource.getRepository(AuditEntry).findBy({ entityId: admin.id })).map((e) => e.action);
    expect(actions).toContain('sign_in_link.created');
  });
});

describeEachEngine('Single sign-on when the provider cannot be reached', (engine: Engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, {
      env: { PUBLIC_BASE_URL: BASE, ...provider.env({ OIDC_ISSUER: 'http://127.0.0.1:9' }) },
    });
  });
  afterAll(async () => t?.close());

  it('starts anyway, and the sign-in page says SSO is unavailable', async () => {
    const page = await t.http().get('/login').expect(200);
    expect(page.text).toContain('is unavailable right now');
    expect(page.text).toContain('name="password"');
    const start = await t.http().get('/login/oidc');
    expect(start.status).toBe(503);
    expect(start.text).toContain('data-reason="unavailable"');
  });
});

describeEachEngine('Without single sign-on configured', (engine: Engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('shows only the password form, and the SSO routes say it is not set up', async () => {
    const page = await t.http().get('/login').expect(200);
    expect(page.text).not.toContain('/login/oidc');
    expect(page.text).toContain('name="password"');
    const start = await t.http().get('/login/oidc').expect(404);
    expect(start.text).toContain('data-reason="not_configured"');
    const back = await t.http().get('/login/oidc/callback?code=x&state=y').expect(404);
    expect(back.text).toContain('Nobody was signed in.');
  });
});
