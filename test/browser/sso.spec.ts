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
      accounts: { renee: { email: DEMO_ACCOUNTS.peer, email_verified: true, name: 'Renee' } },
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
