import { addDays, dateInZone, formatDate } from '../../src/common/dates';
import { openPage, TEST_TIMEOUT, useDemoBrowser, type Session } from '../helpers/browser';

const app = useDemoBrowser();
const SHOTS = 'test/browser/screenshots';

describe("editing a practice role's rule in a real browser", () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'adds a requirement with the post-back buttons, shows a past date beside its field keeping the draft, then saves a new version',
    async () => {
      const t = app();
      const today = dateInZone(new Date(), t.config.timeZone);
      const from = addDays(today, 7);
      const admin = t.withBearer((await t.token(['admin'])).bearer);
      const roles = (await admin.get('/api/v1/practice-roles').expect(200)).body as Array<{ id: string; code: string }>;
      const doula = roles.find((r) => r.code === 'RECOVERY-DOULA')!;

      session = await openPage();
      const { page } = session;
      expect((await page.goto(`/catalog/practice-roles/${doula.id}`))?.status()).toBe(200);
      await page.getByText('Change the rule…').click();
      const editor = page.locator('#edit-rule');
      // The seeded rule: PSS, any of two doula certifications, the state licence from 2027.
      await expect(editor.locator('select[name="code"]').count()).resolves.toBe(4);
      expect(await editor.locator('#node-5 input[name="from"]').inputValue()).toBe('2027-01-01');

      await editor.locator('select[name="add-0"]').selectOption('credential');
      await editor.locator('button[value="add:0"]').click();
      await page.waitForURL(/\/rule#edit-rule$/);
      await editor.locator('#node-6 select[name="code"]').selectOption('CPR');
      await editor.getByLabel('In force from').fill(addDays(today, -1));
      await editor.getByLabel('Why it changes').fill('Doulas must hold CPR before attending births');
      await editor.getByRole('button', { name: 'Save as a new version' }).click();

      await expect(editor.locator('#effectiveFrom-error').innerText()).resolves.toMatch(/cannot be in the past/);
      expect(await editor.locator('#node-6 select[name="code"]').inputValue()).toBe('CPR');
      expect(await editor.getByLabel('Why it changes').inputValue()).toBe(
        'Doulas must hold CPR before attending births',
      );
      await editor.screenshot({ path: `${SHOTS}/rule-editor-error.png` });

      await editor.getByLabel('In force from').fill(from);
      await editor.getByRole('button', { name: 'Save as a new version' }).click();
      await page.waitForURL(/\?notice=rule-saved#history$/);
      expect(await page.getByRole('status').innerText()).toContain('The new rule version is recorded');
      const versions = page.locator('section[aria-labelledby="history"] tbody tr');
      await expect(versions.count()).resolves.toBe(2);
      expect(await versions.nth(0).innerText()).toContain(`From ${formatDate(from)}, still in force`);
      expect(await versions.nth(0).innerText()).toContain('CPR / First Aid');
      expect(await versions.nth(0).innerText()).toContain('Why: Doulas must hold CPR before attending births');
      expect(await versions.nth(1).innerText()).toContain(
        `From the beginning through ${formatDate(addDays(from, -1))}`,
      );
      await page.locator('section[aria-labelledby="history"]').screenshot({ path: `${SHOTS}/rule-editor-history.png` });

      // On a phone the editor wraps into the page's width instead of scrolling sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByText('Change the rule…').click();
      // A string, because it runs in the page and the project compiles without the DOM library.
      const wide = await page.evaluate<string[]>(`[...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap'))
        .map((e) => e.outerHTML.slice(0, 80))`);
      expect(wide).toEqual([]);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await editor.screenshot({ path: `${SHOTS}/rule-editor-phone.png` });
      // The only 4xx is the deliberate refusal; Chromium logs it to the console as a failed resource.
      expect(session.problems.filter((p) => !/status of 400 .*\/rule#edit-rule/.test(p))).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
