import { systemActor } from '../../src/common/auth/actor';
import { AccountLinksService } from '../../src/modules/auth/account-links.service';
import { openPage, screenshot, TEST_TIMEOUT, useDemoBrowser, type Session } from '../helpers/browser';

// Issue 19, signed out: `/` is a small public page with "Verify a certificate" and "Sign in", and choosing a
// password on an invitation leaves the person signed in on their home. At desktop width and on a 390 px phone.

const app = useDemoBrowser();

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

describe('The public front page and accepting an invitation', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  for (const { name, viewport } of WIDTHS) {
    it(
      `signed out at ${name} width: / offers verify and sign-in, both reachable and on screen`,
      async () => {
        session = await openPage(viewport, null);
        const { page } = session;
        const res = await page.goto('/');
        expect(res?.status()).toBe(200);
        expect(new URL(page.url()).pathname).toBe('/');
        expect(await page.locator('main h1').innerText()).toBe(app().config.orgName);
        const verify = page.locator('main').getByRole('button', { name: 'Verify a certificate' });
        const signIn = page.locator('main').getByRole('button', { name: 'Sign in' });
        for (const action of [verify, signIn]) {
          const box = (await action.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
        }
        // Nothing scrolls sideways on a phone.
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `public-home-${name}.png`);

        await Promise.all([page.waitForEvent('load'), verify.click()]);
        expect(new URL(page.url()).pathname).toBe('/verify');
        await page.goBack();
        await Promise.all([page.waitForEvent('load'), signIn.click()]);
        expect(new URL(page.url()).pathname).toBe('/login');
        // The sign-in page points at verify too, for someone who came to check a certificate.
        await Promise.all([
          page.waitForEvent('load'),
          page.locator('main').getByRole('link', { name: 'Verify a certificate' }).click(),
        ]);
        expect(new URL(page.url()).pathname).toBe('/verify');
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      `at ${name} width: choosing a password on an invitation lands on the person's home, signed in`,
      async () => {
        const person = await app().person(['peer'], { name: `Invited ${name} Person` });
        const { link } = await app()
          .app.get(AccountLinksService)
          .invite(person.id, systemActor('test'), { send: false });
        session = await openPage(viewport, null);
        const { page } = session;
        await page.goto(new URL(link).pathname);
        await screenshot(page, `invitation-form-${name}.png`);
        await page.getByLabel(/^Password/).fill('a long invited password');
        await page.getByLabel('The same password again').fill('a long invited password');
        await Promise.all([page.waitForEvent('load'), page.locator('main form button[type=submit]').click()]);
        expect(new URL(page.url()).pathname).toBe('/');
        await expect(page.locator('main .notice[role=status]').first().innerText()).resolves.toBe(
          `Welcome, ${person.name}. Your password is set and you are signed in.`,
        );
        expect(await page.locator('main h1').innerText()).toBe(`Welcome, ${person.name}`);
        expect(await page.locator('header').getByRole('link', { name: person.name }).count()).toBe(1);
        await screenshot(page, `invitation-signed-in-${name}.png`);
        // A session like any other: the account page opens without signing in again.
        expect((await page.goto('/account'))?.status()).toBe(200);
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }
});
