import { join } from 'node:path';
import { openPage, screenshot, TEST_TIMEOUT, useDemoBrowser, type Session } from '../helpers/browser';

const app = useDemoBrowser();

describe('the audit log in a real browser', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'checks the chain from its button (the form carries the CSRF token) and reads in words',
    async () => {
      session = await openPage();
      const { page } = session;
      await page.goto('/audit');
      // Signing in put "session.login" at the top; it reads as words, from an address without "::ffff:".
      const newest = page.locator('main table tbody tr').first();
      expect(await newest.innerText()).toContain('Signed in');
      expect(await page.locator('main table').innerText()).not.toContain('::ffff:');
      await Promise.all([
        page.waitForURL(/\/audit\/verify/),
        page.getByRole('button', { name: 'Verify the chain' }).click(),
      ]);
      const [{ n }] = await app().dataSource.query('SELECT COUNT(*) AS n FROM audit_log');
      expect(await page.getByRole('status').innerText()).toMatch(new RegExp(`^Intact ${Number(n)} entries checked`));
      await screenshot(page, 'audit-verified.png');
      // The full page is the whole log; the top, with the button and its answer, is what a person looks at.
      await page.screenshot({ path: join(__dirname, 'screenshots', 'audit-verified-top.png') });
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
