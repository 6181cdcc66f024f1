import { ExternalIdentity } from '../../src/modules/auth/external-identity.entity';
import {
  DEMO_ACCOUNTS,
  DESKTOP,
  openPage,
  PHONE,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';
import { startTestProvider, type TestProvider } from '../helpers/oidc';

// Issue 22 in Chromium: the SSO button → the provider's own sign-in page → back here, signed in as the invited
// person. The provider is oidc-provider (test/helpers/oidc-provider.mjs), a real one on its own port.

let provider: TestProvider | undefined;
const app = useDemoBrowser({
  env: async (baseUrl) => {
    provider = await startTestProvider({
      baseUrls: [baseUrl],
      accounts: {
        renee: { email: DEMO_ACCOUNTS.peer, email_verified: true, name: 'Renee' },
        stranger: { email: 'stranger@example.org', email_verified: true, name: 'Not in the program' },
      },
    });
    return { PUBLIC_BASE_URL: baseUrl, ...provider.env() };
  },
});
afterAll(async () => provider?.stop());

describe('Single sign-on in the browser', () => {
  let session: Session;
  afterEach(async () => session?.context.close());

  it(
    'signs the invited peer in through the identity provider, first try',
    async () => {
      session = await openPage(DESKTOP, null);
      const { page } = session;
      // oidc-provider's development login page asks for a web font; nothing here leaves this machine.
      await session.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
      await page.goto('/login');
      const button = page.getByRole('button', { name: 'Sign in with Test ID' });
      await screenshot(page, 'sso-login-desktop.png');
      await Promise.all([page.waitForURL(`${provider!.issuer}/**`), button.click()]);
      // The provider's own sign-in page (its development login form: any password).
      await page.locator('input[name="login"]').fill('renee');
      await page.locator('input[name="password"]').fill('any password');
      await Promise.all([
        page.waitForURL((url) => url.origin !== provider!.issuer && url.pathname === '/'),
        page.locator('button[type="submit"]').click(),
      ]);
      await page.goto('/account');
      expect(await page.locator('main').innerText()).toContain(DEMO_ACCOUNTS.peer);
      await screenshot(page, 'sso-signed-in-desktop.png');
      const link = await app().dataSource.getRepository(ExternalIdentity).findOneBy({ subject: 'renee' });
      expect(link?.email).toBe(DEMO_ACCOUNTS.peer);
      // Only that blocked font (on the provider's page, not ours) may have failed.
      expect(session.problems.filter((p) => !p.includes('fonts.googleapis.com'))).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(
      `at ${name} width: someone nobody added gets a clear refusal page, signed out`,
      async () => {
        session = await openPage(viewport, null);
        const { page } = session;
        await session.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
        await page.goto('/login');
        await Promise.all([
          page.waitForURL(`${provider!.issuer}/**`),
          page.getByRole('button', { name: 'Sign in with Test ID' }).click(),
        ]);
        await page.locator('input[name="login"]').fill('stranger');
        await page.locator('input[name="password"]').fill('any password');
        await Promise.all([
          page.waitForURL((url) => url.origin !== provider!.issuer),
          page.locator('button[type="submit"]').click(),
        ]);
        await page.waitForLoadState('load');
        expect(await page.getByRole('alert').innerText()).toContain('No one here signs in with that e-mail address');
        expect(await page.locator('main').innerText()).toContain('Ask your program admin to add you');
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `sso-refused-${name}.png`);
        expect((await session.context.cookies()).some((c) => c.name === 'lms_session')).toBe(false);
        // Besides the blocked font, only the refusal's own 403 (which Chromium logs) may show.
        const others = session.problems.filter((p) => !p.includes('fonts.googleapis.com'));
        expect(others).toEqual([expect.stringMatching(/status of 403 .*\/login\/oidc\/callback\?/)]);
      },
      TEST_TIMEOUT,
    );
  }

  it(
    'shows an admin that the peer signs in with SSO',
    async () => {
      session = await openPage(DESKTOP);
      const { page } = session;
      const peer = (await app().dataSource.getRepository(ExternalIdentity).findOneByOrFail({ subject: 'renee' }))
        .personId;
      await page.goto(`/people/${peer}`);
      expect(await page.locator('main').innerText()).toContain(`Signs in with SSO as ${DEMO_ACCOUNTS.peer}`);
      await screenshot(page, 'sso-person-record-desktop.png');
      await page.goto(`/people/${peer}/access`);
      expect(await page.getByRole('button', { name: 'Unlink SSO' }).isVisible()).toBe(true);
      await screenshot(page, 'sso-person-access-desktop.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows the button first and the password form below it on a phone',
    async () => {
      session = await openPage(PHONE, null);
      const { page } = session;
      await page.goto('/login');
      const button = (await page.getByRole('button', { name: 'Sign in with Test ID' }).boundingBox())!;
      const password = (await page.getByLabel('Password').boundingBox())!;
      expect(button.y).toBeLessThan(password.y);
      expect(button.x + button.width).toBeLessThanOrEqual(PHONE.width);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, 'sso-login-phone.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
