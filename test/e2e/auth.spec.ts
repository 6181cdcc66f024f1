import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { addDays, dateInZone } from '../../src/common/dates';
import { AccountLink } from '../../src/modules/auth/account-link.entity';
import { csrfTokenFor } from '../../src/modules/auth/csrf';
import { randomToken } from '../../src/modules/auth/secrets';
import { AuditEntry } from '../../src/modules/audit/audit-entry.entity';
import { Person } from '../../src/modules/people/person.entity';
import { createTestApp, TEST_PASSWORD, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

const LOGIN_FAILED = 'That e-mail and password do not match an active account.';
const TOO_MANY = 'Too many sign-in attempts. Wait 15 minutes and try again, or reset your password.';
const CSRF_FAILED = 'This form has expired or did not come from this site. Go back, reload the page and try again.';
const LINK_GONE = 'This link is not valid any more: it was already used or it expired. Ask for a new one.';
const TOKEN_INVALID = 'The API token is not valid, or it was revoked.';
const NEW_PASSWORD = 'correct horse battery staple';

type Jar = Omit<Browser, 'person'>;

const setCookies = (res: Response) => (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
const sessionCookie = (res: Response) => setCookies(res).find((c) => c.startsWith('lms_session='));

/** The jar after a response: Set-Cookie replaces cookies by name, and an emptied cookie is dropped. */
function keepCookies(cookie: string[], res: Response): string[] {
  const byName = new Map(cookie.map((c) => [c.split('=')[0], c]));
  for (const set of setCookies(res)) {
    const pair = set.split(';')[0];
    byName.set(pair.split('=')[0], pair);
  }
  return [...byName.values()].filter((c) => !c.endsWith('='));
}

/** An input's value as a browser reads it from the page (Handlebars escapes &<>"'`=). */
function inputValue(html: string, name: string): string {
  const raw = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return raw.replace(/&(?:#x([0-9a-f]+)|(\w+));/gi, (entity: string, hex: string | undefined, name: string) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : (named[name] ?? entity),
  );
}
const formToken = (html: string) => inputValue(html, '_csrf');

/** Decodes the quoted-printable parts of an .eml well enough to search its text. */
const decodeMail = (eml: string) =>
  eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describeEachEngine('Authentication', (engine) => {
  let t: TestApp;
  let adminApi: ReturnType<TestApp['withBearer']>;
  beforeAll(async () => {
    t = await createTestApp(engine);
    adminApi = t.withBearer((await t.token(['admin'])).bearer);
  });
  afterAll(async () => t?.close());

  /** GETs a page with a form, as a browser would, keeping its cookies and the form's CSRF token. */
  async function openForm(path: string, jar: Jar = { cookie: [], csrf: '' }, ip = '127.0.0.1') {
    const res = await t.http().get(path).set('Cookie', jar.cookie).set('X-Forwarded-For', ip);
    return { res, jar: { cookie: keepCookies(jar.cookie, res), csrf: formToken(res.text) } };
  }

  async function submit(path: string, jar: Jar, fields: Record<string, string>, ip = '127.0.0.1') {
    const res = await t
      .http()
      .post(path)
      .set('Cookie', jar.cookie)
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ _csrf: jar.csrf, ...fields });
    return { res, jar: { cookie: keepCookies(jar.cookie, res), csrf: jar.csrf } };
  }

  /** Signs in through the real form. */
  async function signIn(email: string, password = TEST_PASSWORD, options: { next?: string; ip?: string } = {}) {
    const form = await openForm(
      options.next ? `/login?next=${encodeURIComponent(options.next)}` : '/login',
      undefined,
      options.ip,
    );
    expect(form.res.status).toBe(200);
    return submit('/login', form.jar, { email, password, next: inputValue(form.res.text, 'next') }, options.ip);
  }

  async function signedIn(jar: Jar): Promise<boolean> {
    const res = await t.http().get('/account').set('Cookie', jar.cookie);
    if (res.status === 303) expect(res.headers.location).toBe('/login?next=%2Faccount');
    else expect(res.status).toBe(200);
    return res.status === 200;
  }

  async function mails(): Promise<string[]> {
    const dir = join(t.config.dataDir, 'mail');
    const files = await readdir(dir).catch(() => [] as string[]);
    return Promise.all(
      files.filter((f) => f.endsWith('.eml')).map(async (f) => decodeMail(await readFile(join(dir, f), 'utf8'))),
    );
  }

  const pathOf = (link: string) => new URL(link).pathname;
  const sql = (query: string, params: unknown[]) =>
    t.dataSource.query(engine === 'sqlite' ? query.replace(/\$\d+/g, '?') : query, params);

  describe('signing in', () => {
    it('opens an HttpOnly, SameSite=Lax session and goes to the same-site page asked for', async () => {
      const p = await t.person(['peer']);
      const { res, jar } = await signIn(p.email, TEST_PASSWORD, { next: '/account?tab=sessions' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account?tab=sessions');
      expect(sessionCookie(res)).toMatch(/^lms_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(await signedIn(jar)).toBe(true);
      const me = await t.http().get('/api/v1/me').set('Cookie', jar.cookie).expect(200);
      expect(me.body).toMatchObject({ id: p.id, via: 'session' });
    });

    it.each(['//evil.example', 'https://evil.example', '/\\evil.example'])(
      'goes home instead of to %s',
      async (next) => {
        const p = await t.person(['peer']);
        const { res } = await submit('/login', (await openForm('/login')).jar, {
          email: p.email,
          password: TEST_PASSWORD,
          next,
        });
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/');
      },
    );

    it('marks the cookie Secure when the site is served over https', async () => {
      const secure = await createTestApp(engine, { env: { PUBLIC_BASE_URL: 'https://lms.example.org' } });
      try {
        const p = await secure.person(['peer']);
        const page = await secure.http().get('/login').expect(200);
        const res = await secure
          .http()
          .post('/login')
          .set('Cookie', keepCookies([], page))
          .type('form')
          .send({ _csrf: formToken(page.text), email: p.email, password: TEST_PASSWORD })
          .expect(303);
        expect(sessionCookie(res)).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      } finally {
        await secure.close();
      }
    });

    it('answers a wrong password, an unknown e-mail and an inactive person with the same 401 page', async () => {
      const active = await t.person(['peer']);
      const inactive = await t.person(['peer'], { status: 'inactive' });
      const attempts: Array<[string, string]> = [
        [active.email, 'not the password at all'],
        [`nobody.${randomUUID()}@example.org`, TEST_PASSWORD],
        [inactive.email, TEST_PASSWORD],
      ];
      for (const [email, password] of attempts) {
        const { res } = await signIn(email, password, { ip: '198.51.100.1' });
        expect(res.status).toBe(401);
        expect(res.text).toContain(`<p role="alert" class="field-error">${LOGIN_FAILED}</p>`);
        expect(sessionCookie(res)).toBeUndefined();
      }
    });
  });

  describe('throttling', () => {
    it('refuses an account after 5 failures, even with the right password and from elsewhere', async () => {
      const p = await t.person(['peer']);
      for (let i = 0; i < 5; i++) {
        const { res } = await signIn(i % 2 ? p.email.toUpperCase() : p.email, `wrong ${i}`, { ip: '198.51.100.10' });
        expect(res.status).toBe(401);
      }
      const { res } = await signIn(p.email, TEST_PASSWORD, { ip: '198.51.100.11' });
      expect(res.status).toBe(429);
      expect(res.text).toContain(TOO_MANY);
      expect(sessionCookie(res)).toBeUndefined();
    });

    it('refuses an address after 20 failures across accounts, but not other addresses', async () => {
      const p = await t.person(['peer']);
      for (let i = 0; i < 20; i++) {
        const { res } = await signIn(`guess.${i}.${randomUUID()}@example.org`, 'wrong password', {
          ip: '203.0.113.20',
        });
        expect(res.status).toBe(401);
      }
      const blocked = await signIn(p.email, TEST_PASSWORD, { ip: '203.0.113.20' });
      expect(blocked.res.status).toBe(429);
      expect(blocked.res.text).toContain(TOO_MANY);
      expect((await signIn(p.email, TEST_PASSWORD, { ip: '203.0.113.21' })).res.status).toBe(303);
    });
  });

  describe('sessions end', () => {
    it('on sign-out', async () => {
      const p = await t.person(['peer']);
      const { jar } = await signIn(p.email);
      const account = await openForm('/account', jar);
      const out = await submit('/logout', account.jar, {});
      expect(out.res.status).toBe(303);
      expect(out.res.headers.location).toBe('/login?notice=signed-out');
      expect(await signedIn(jar)).toBe(false);
    });

    it('elsewhere on a password change, keeping the current one', async () => {
      const p = await t.person(['peer']);
      const here = await openForm('/account', (await signIn(p.email)).jar);
      const elsewhere = (await signIn(p.email)).jar;
      const changed = await submit('/account/password', here.jar, {
        current: TEST_PASSWORD,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      expect(changed.res.status).toBe(303);
      expect(changed.res.headers.location).toBe('/account?notice=password-changed');
      expect(await signedIn(here.jar)).toBe(true);
      expect(await signedIn(elsewhere)).toBe(false);
      expect((await signIn(p.email, TEST_PASSWORD)).res.status).toBe(401);
      expect((await signIn(p.email, NEW_PASSWORD)).res.status).toBe(303);
    });

    it('everywhere when an admin deactivates the person, and stay ended when they are reactivated', async () => {
      const p = await t.person(['peer']);
      const one = (await signIn(p.email)).jar;
      const two = (await signIn(p.email)).jar;
      await adminApi.patch(`/api/v1/people/${p.id}`).send({ status: 'inactive' }).expect(200);
      expect(await signedIn(one)).toBe(false);
      expect(await signedIn(two)).toBe(false);
      const again = await signIn(p.email);
      expect(again.res.status).toBe(401);
      expect(again.res.text).toContain(LOGIN_FAILED);

      await adminApi.patch(`/api/v1/people/${p.id}`).send({ status: 'active' }).expect(200);
      expect(await signedIn(one)).toBe(false);
    });

    it('elsewhere on "sign out the other sessions"', async () => {
      const p = await t.person(['peer']);
      const here = await openForm('/account', (await signIn(p.email)).jar);
      const elsewhere = (await signIn(p.email)).jar;
      expect((await openForm('/account', here.jar)).res.text).toContain('Sign out the other 1 session');
      const res = await submit('/account/sessions/sign-out-others', here.jar, {});
      expect(res.res.headers.location).toBe('/account?notice=others-signed-out');
      expect(await signedIn(here.jar)).toBe(true);
      expect(await signedIn(elsewhere)).toBe(false);
    });
  });

  describe('CSRF', () => {
    const personCount = (email: string) => t.dataSource.getRepository(Person).countBy({ email });

    it('refuses a form without a valid token for its own cookie, and changes nothing', async () => {
      const admin = await t.browser(['admin']);
      const email = `csrf.${randomUUID()}@example.org`;
      const form = { name: 'Forged Person', email, roles: 'peer' };
      const otherSeedToken = csrfTokenFor(t.config.sessionSecret, randomToken());
      for (const token of [undefined, 'f'.repeat(64), otherSeedToken]) {
        const res = await t
          .http()
          .post('/people')
          .set('Cookie', admin.cookie)
          .type('form')
          .send(token ? { ...form, _csrf: token } : form);
        expect(res.status).toBe(403);
        expect(res.text).toContain(CSRF_FAILED);
      }
      expect(await personCount(email)).toBe(0);
      await t
        .http()
        .post('/people')
        .set('Cookie', admin.cookie)
        .type('form')
        .send({ ...form, _csrf: admin.csrf })
        .expect(303);
      expect(await personCount(email)).toBe(1);
    });

    it('needs no token with an API token', async () => {
      const email = `bearer.${randomUUID()}@example.org`;
      await adminApi
        .post('/api/v1/people')
        .send({ name: 'By Token', email, roles: ['peer'] })
        .expect(201);
      expect(await personCount(email)).toBe(1);
    });

    it('guards the sign-in form too', async () => {
      const p = await t.person(['peer']);
      const { jar } = await openForm('/login');
      const res = await t
        .http()
        .post('/login')
        .set('Cookie', jar.cookie)
        .type('form')
        .send({ email: p.email, password: TEST_PASSWORD });
      expect(res.status).toBe(403);
      expect(res.text).toContain(CSRF_FAILED);
      expect(sessionCookie(res)).toBeUndefined();
    });
  });

  describe('invitation and reset links', () => {
    it('invites by e-mail; the link sets a password once', async () => {
      const p = await t.person(['peer']);
      const invited = await adminApi.post(`/api/v1/people/${p.id}/invitation`).expect(201);
      expect(invited.body.link).toMatch(new RegExp(`^${t.config.publicBaseUrl}/invitation/[\\w-]{43}$`));
      expect(Math.abs(Date.parse(invited.body.expiresAt) - (Date.now() + 7 * 24 * 3600_000))).toBeLessThan(60_000);
      expect((await mails()).filter((m) => m.includes(invited.body.link))).toHaveLength(1);

      const path = pathOf(invited.body.link);
      const form = await openForm(path);
      expect(form.res.status).toBe(200);
      expect(form.res.text).toContain(p.email);
      const mismatch = await submit(path, form.jar, { password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}!` });
      expect(mismatch.res.status).toBe(400);
      expect(mismatch.res.text).toContain('does not match the password');
      const short = await submit(path, form.jar, { password: 'too short', confirm: 'too short' });
      expect(short.res.status).toBe(400);
      expect(short.res.text).toContain('must be 12 to 200 characters; a few unrelated words make a good one');

      const ok = await submit(path, form.jar, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      expect(ok.res.status).toBe(303);
      // Accepting the invitation signs the person in, as the sign-in form would: a session cookie, its audit entry.
      expect(ok.res.headers.location).toBe('/?notice=welcome');
      expect(sessionCookie(ok.res)).toMatch(/^lms_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(await signedIn(ok.jar)).toBe(true);
      const home = await t.http().get('/?notice=welcome').set('Cookie', ok.jar.cookie).expect(200);
      expect(home.text).toContain(`Welcome, ${p.name}. Your password is set and you are signed in.`);
      expect(home.text).toContain('Your credentials');
      expect(home.text).not.toContain('Verify a certificate');
      const trail = await t.dataSource
        .getRepository(AuditEntry)
        .find({ where: { actorId: p.id }, order: { id: 'ASC' } });
      expect(trail.map((e) => e.action)).toEqual(['invitation.accepted', 'session.login']);
      expect(trail[1]).toMatchObject({ entityType: 'session', actorLabel: p.name });
      expect((await signIn(p.email, NEW_PASSWORD)).res.status).toBe(303);

      const used = await t.http().get(path).expect(404);
      expect(used.text).toContain(LINK_GONE);
      expect(
        (await submit(path, form.jar, { password: 'yet another password', confirm: 'yet another password' })).res
          .status,
      ).toBe(404);
      expect((await signIn(p.email, 'yet another password')).res.status).toBe(401);
    });

    it('refuses an expired link and one replaced by a newer invitation', async () => {
      const p = await t.person(['peer']);
      const first = await adminApi.post(`/api/v1/people/${p.id}/invitation`).expect(201);
      const second = await adminApi.post(`/api/v1/people/${p.id}/invitation`).expect(201);
      expect((await t.http().get(pathOf(first.body.link)).expect(404)).text).toContain(LINK_GONE);
      await t.http().get(pathOf(second.body.link)).expect(200);

      await t.dataSource
        .getRepository(AccountLink)
        .update({ personId: p.id }, { expiresAt: new Date(Date.now() - 1000) });
      expect((await t.http().get(pathOf(second.body.link)).expect(404)).text).toContain(LINK_GONE);
    });

    it('answers a reset request the same for any address, and the reset link ends every session', async () => {
      const p = await t.person(['peer']);
      const sessions = [(await signIn(p.email)).jar, (await signIn(p.email)).jar];
      const before = (await mails()).length;
      for (const email of [p.email, `nobody.${randomUUID()}@example.org`]) {
        const { res } = await submit('/forgot-password', (await openForm('/forgot-password')).jar, { email });
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/login?notice=reset-sent');
      }
      const sent = await mails();
      expect(sent).toHaveLength(before + 1);
      const link = /(http\S+\/reset-password\/[\w-]{43})/.exec(
        sent.find((m) => m.includes(`To: ${p.email}`)) ?? '',
      )?.[1];
      expect(link).toBeDefined();

      const path = pathOf(link!);
      const form = await openForm(path);
      expect(form.res.status).toBe(200);
      expect(
        (await submit(path, form.jar, { password: NEW_PASSWORD, confirm: NEW_PASSWORD })).res.headers.location,
      ).toBe('/login?notice=password-set');
      for (const jar of sessions) expect(await signedIn(jar)).toBe(false);
      expect((await signIn(p.email, NEW_PASSWORD)).res.status).toBe(303);
      expect((await t.http().get(path).expect(404)).text).toContain(LINK_GONE);
    });
  });

  describe('API tokens', () => {
    it("act with a peer's scope", async () => {
      const { person, bearer } = await t.token(['peer']);
      const other = await t.person(['peer']);
      const api = t.withBearer(bearer);
      const me = await api.get('/api/v1/me').expect(200);
      expect(me.body).toEqual({
        id: person.id,
        name: person.displayName,
        email: person.email,
        roles: ['peer'],
        via: 'api_token',
      });
      expect((await api.get(`/api/v1/people/${person.id}`).expect(200)).body.id).toBe(person.id);
      await api.get(`/api/v1/people/${other.id}`).expect(404);
      await api.get('/api/v1/people').expect(403);
    });

    it("act with a supervisor's scope: today's supervisees only", async () => {
      const { person: supervisor, bearer } = await t.token(['supervisor']);
      const [current, former, stranger] = [
        await t.person(['peer']),
        await t.person(['peer']),
        await t.person(['peer']),
      ];
      const today = dateInZone(new Date(), t.config.timeZone);
      const assign = (peerId: string, endsOn: string | null) =>
        sql(
          'INSERT INTO supervision_assignments (id, peer_id, supervisor_id, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)',
          [randomUUID(), peerId, supervisor.id, addDays(today, -30), endsOn],
        );
      await assign(current.id, null);
      await assign(former.id, addDays(today, -1));
      const api = t.withBearer(bearer);
      expect((await api.get(`/api/v1/people/${current.id}`).expect(200)).body.email).toBe(current.email);
      await api.get(`/api/v1/people/${former.id}`).expect(404);
      await api.get(`/api/v1/people/${stranger.id}`).expect(404);
      const list = await api.get('/api/v1/people?pageSize=100').expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id).sort()).toEqual([supervisor.id, current.id].sort());
    });

    it('record their last use, never show the secret, and stop working when revoked', async () => {
      const p = await t.person(['peer']);
      const issued = await adminApi.post(`/api/v1/people/${p.id}/tokens`).send({ name: 'Billing export' }).expect(201);
      const api = t.withBearer(`Bearer ${issued.body.token}`);
      const unused = await adminApi.get(`/api/v1/people/${p.id}/tokens`).expect(200);
      expect(unused.body).toEqual([
        expect.objectContaining({ id: issued.body.id, name: 'Billing export', lastUsedAt: null, revokedAt: null }),
      ]);
      await api.get('/api/v1/me').expect(200);

      const listed = await adminApi.get(`/api/v1/people/${p.id}/tokens`).expect(200);
      expect(Math.abs(Date.parse(listed.body[0].lastUsedAt) - Date.now())).toBeLessThan(60_000);
      expect(Object.keys(listed.body[0]).sort()).toEqual([
        'createdAt',
        'id',
        'lastUsedAt',
        'name',
        'prefix',
        'revokedAt',
      ]);
      expect(JSON.stringify(listed.body)).not.toContain(issued.body.token.slice(12));

      await adminApi.delete(`/api/v1/people/${p.id}/tokens/${issued.body.id}`).expect(204);
      const refused = await api.get('/api/v1/me').expect(401);
      expect(refused.body.message).toBe(TOKEN_INVALID);
    });

    it('refuses an unknown token', async () => {
      const res = await t.withBearer(`Bearer lms_${randomToken()}`).get('/api/v1/me').expect(401);
      expect(res.body.message).toBe(TOKEN_INVALID);
    });
  });
});
