import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Response } from 'supertest';
import { AuditEntry } from '../../src/modules/audit/audit-entry.entity';
import { csrfTokenFor } from '../../src/modules/auth/csrf';
import { randomToken } from '../../src/modules/auth/secrets';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

// Break-glass with PASSWORD_SIGNIN=off (issue 22): the compiled command line still makes an admin, and prints a
// single-use sign-in link that the app takes once, for admins only, audited.
describeEachEngine('Sign-in links from the command line with passwords off', (engine) => {
  const BASE = 'https://lms.example.org';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { env: { PASSWORD_SIGNIN: 'off', PUBLIC_BASE_URL: BASE } });
  });
  afterAll(() => t?.close());

  const cli = (...args: string[]) => {
    const path = resolve(__dirname, '../../dist/src/cli.js');
    if (!existsSync(path))
      throw new Error(`${path} is missing: run "npm run build" first (npm test's pretest does it)`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: t.config.dataDir,
      NODE_ENV: 'development',
      PASSWORD_SIGNIN: 'off',
      PUBLIC_BASE_URL: BASE,
    };
    if (t.config.database.type === 'postgres') env.DATABASE_URL = t.config.database.url;
    return spawnSync(process.execPath, [path, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  };

  /** POSTs the link's confirm form as a browser would, with a CSRF token. */
  async function useLink(link: string): Promise<Response> {
    const seed = randomToken();
    return t
      .http()
      .post(link.slice(BASE.length))
      .set('Cookie', [`lms_csrf=${seed}`])
      .type('form')
      .send({ _csrf: csrfTokenFor(t.config.sessionSecret, seed) });
  }
  const linkIn = (stdout: string) => /^https:\/\/lms\.example\.org\/sign-in-link\/\S+$/m.exec(stdout)?.[0];

  it('create-admin prints a sign-in link instead of a password invitation, and the link signs the admin in once', async () => {
    const email = `cli-admin-${engine}@example.org`;
    const made = cli('create-admin', '--email', email, '--name', 'Jo Ashby');
    expect({ status: made.status, stderr: made.stderr }).toEqual({ status: 0, stderr: '' });
    expect(made.stdout).toContain('Password sign-in is off. Sign in once');
    expect(made.stdout).not.toContain('/invitation/');
    const link = linkIn(made.stdout)!;
    expect(link).toBeDefined();
    const used = await useLink(link);
    expect(used.status).toBe(303);
    const session = (used.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lms_session='))!;
    const me = await t
      .http()
      .get('/api/v1/me')
      .set('Cookie', [session.split(';')[0]])
      .expect(200);
    expect(me.body.email).toBe(email);
    expect(me.body.roles).toEqual(['admin']);
    expect((await useLink(link)).status).toBe(404);
  }, 90_000);

  it('sign-in-link prints a fresh link for an admin, audited, and refuses anyone who is not an admin', async () => {
    const admin = await t.person(['admin']);
    const out = cli('sign-in-link', '--email', admin.email);
    expect({ status: out.status, stderr: out.stderr }).toEqual({ status: 0, stderr: '' });
    expect(linkIn(out.stdout)).toBeDefined();
    const audit = await t.dataSource
      .getRepository(AuditEntry)
      .findBy({ action: 'sign_in_link.created', entityId: admin.id });
    expect(audit.map((a) => a.actorLabel)).toEqual(['system: command line']);
    expect((await useLink(linkIn(out.stdout)!)).status).toBe(303);

    const peer = await t.person(['peer']);
    const refused = cli('sign-in-link', '--email', peer.email);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Sign-in links are for active admins only.');
    const nobody = cli('sign-in-link', '--email', `nobody-${engine}@example.org`);
    expect(nobody.status).toBe(1);
    expect(nobody.stderr).toContain('No one here has the e-mail address');
  }, 90_000);
});
