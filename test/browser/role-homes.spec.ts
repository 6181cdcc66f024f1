import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import {
  DEMO_ACCOUNTS,
  DESKTOP,
  PHONE,
  menuLink,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';

// Issue 19, "each role lands on its own work": the trainer's and the admin's homes, and the admin's long menu
// grouped into dropdowns on one line at 1366 px and behind one "Menu" button on a 390 px phone, by keyboard too.

useDemoBrowser();

const WIDE = { width: 1366, height: 900 };

/** Nothing on the page scrolls sideways. */
async function fitsWidth(page: Page, width: number) {
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
}

/** Serious and critical accessibility violations on the page as it is now (a menu open or closed), by rule and target. */
async function axeProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** The distinct top edges (rounded) of the header's top-level entries that are shown: one value is one line. */
async function menuLines(page: Page): Promise<number[]> {
  const tops = await page
    .locator('header nav > ul > li:visible, header nav ul.nav-items > li:visible')
    .evaluateAll((items) => items.map((li) => Math.round(li.getBoundingClientRect().top / 8)));
  return [...new Set(tops)];
}

describe('Trainer and admin homes, and the grouped menu, in a real browser', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(
      `the trainer's home on a ${label} leads with their cohorts and work, and their own record is a link lower down`,
      async () => {
        session = await openPage(viewport, DEMO_ACCOUNTS.trainer);
        const { page } = session;
        await page.goto('/');
        const main = page.locator('main');
        expect(await main.locator('h2').allInnerTexts()).toEqual(['To do', 'Next sessions', 'My cohorts']);
        await expect(main.getByRole('button', { name: 'Plan a cohort' }).isVisible()).resolves.toBe(true);
        // The demo trainer runs cohorts: they are listed, each linking to its page.
        const cohorts = main.locator('section[aria-labelledby="cohorts-h"] tbody tr');
        expect(await cohorts.count()).toBeGreaterThan(0);
        expect(await cohorts.first().getByRole('link').first().getAttribute('href')).toMatch(/^\/training\/cohorts\//);
        // Their own credentials are not the lead: no credential tables, one small link after the work.
        expect(await main.locator('#lapsed-h, #expiring-h').count()).toBe(0);
        const own = main.getByRole('link', { name: 'Your own credentials and record' });
        expect(await own.isVisible()).toBe(true);
        // A short menu stays flat: no dropdowns.
        expect(await page.locator('header details.dropdown').count()).toBe(0);
        await fitsWidth(page, viewport.width);
        if (viewport === PHONE) {
          // The menu is behind "Menu"; the cohort rows are cards on the phone.
          expect(await page.locator('header nav ul.nav-items').isVisible()).toBe(false);
          await (await menuLink(page, 'Training')).click();
          await page.waitForURL(/\/training$/);
        }
        await page.goto('/');
        expect(await axeProblems(page)).toEqual([]);
        await screenshot(page, `home-trainer-${label}.png`);
        await screenshot(page, `home-trainer-${label}-top.png`, { fullPage: false });
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      `the admin's home on a ${label} leads with what needs attention, before the figures`,
      async () => {
        session = await openPage(viewport, DEMO_ACCOUNTS.admin);
        const { page } = session;
        await page.goto('/');
        const headings = await page.locator('main h2').allInnerTexts();
        expect(headings[0]).toBe('Needs attention');
        const attention = page.locator('main section[aria-labelledby="attention-h"]');
        // Either items, each a count that links somewhere, or a line saying nothing does.
        const items = attention.locator('li');
        for (const item of await items.all()) {
          expect(await item.locator('a strong').innerText()).toMatch(/^[1-9]\d*$/);
        }
        if ((await items.count()) === 0) expect(await attention.innerText()).toContain('Nothing needs attention');
        const box = (await attention.boundingBox())!;
        const figures = (await page.locator('main section.stats').boundingBox())!;
        expect(box.y).toBeLessThan(figures.y);
        await fitsWidth(page, viewport.width);
        expect(await axeProblems(page)).toEqual([]);
        await screenshot(page, `home-admin-${label}.png`);
        await screenshot(page, `home-admin-${label}-top.png`, { fullPage: false });
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }

  it(
    "at 1366 px the admin's menu is one line of groups; a group opens from the keyboard and marks the current page",
    async () => {
      session = await openPage(WIDE, DEMO_ACCOUNTS.admin);
      const { page } = session;
      await page.goto('/');
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.locator('details.nav-menu > summary').isVisible()).toBe(false);
      expect(await nav.locator('details.dropdown > summary').allInnerTexts()).toEqual(['Records', 'Training', 'Admin']);
      expect(await menuLines(page)).toHaveLength(1);
      // Closed, a group's links are out of sight and out of the tab order.
      const jobs = nav.getByRole('link', { name: 'Jobs', exact: true });
      expect(await jobs.count()).toBe(0);

      // Keyboard only: Tab to "Admin", Enter opens it, Tab reaches its first link, Enter follows it.
      const admin = nav.locator('details.dropdown > summary', { hasText: 'Admin' });
      await page.locator('header a.brand').focus();
      for (let i = 0; i < 10 && !(await admin.evaluate((s) => s.ownerDocument.activeElement === s)); i++)
        await page.keyboard.press('Tab');
      expect(await admin.evaluate((s) => s.ownerDocument.activeElement === s)).toBe(true);
      await page.keyboard.press('Enter');
      expect(await admin.evaluate((s) => s.parentElement!.hasAttribute('open'))).toBe(true);
      expect(await nav.getByRole('link', { name: 'Reports' }).isVisible()).toBe(true);
      expect(await axeProblems(page)).toEqual([]);
      await screenshot(page, 'nav-admin-open-1366.png', { fullPage: false });
      for (let i = 0; i < 10 && (await page.evaluate('document.activeElement?.textContent')) !== 'Jobs'; i++)
        await page.keyboard.press('Tab');
      await Promise.all([page.waitForURL(/\/admin\/jobs$/), page.keyboard.press('Enter')]);

      // On its page: the link is aria-current, its group says it holds the current page, the others do not.
      expect(await nav.locator('a[aria-current="page"]').evaluateAll((as) => as.map((a) => a.textContent))).toEqual([
        'Jobs',
      ]);
      expect(await nav.locator('summary.current').allInnerTexts()).toEqual([expect.stringMatching(/^Admin/)]);
      expect(await menuLines(page)).toHaveLength(1);
      // Opening another group closes the first (one name for all of them), so two lists never overlap.
      await nav.locator('details.dropdown > summary', { hasText: 'Records' }).click();
      expect(await nav.locator('details.dropdown[open]').count()).toBe(1);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    "on a 390 px phone the admin's menu is one Menu button that opens from the keyboard, groups inside",
    async () => {
      session = await openPage(PHONE, DEMO_ACCOUNTS.admin);
      const { page } = session;
      await page.goto('/');
      const nav = page.getByRole('navigation', { name: 'Main' });
      const toggle = nav.locator('details.nav-menu > summary');
      expect(await toggle.isVisible()).toBe(true);
      expect(await toggle.innerText()).toMatch(/^Menu/);
      expect(await nav.locator('ul.nav-items').isVisible()).toBe(false);
      // The header stays small: the brand, then the Menu button with the bell, name and sign-out.
      expect((await page.locator('header').boundingBox())!.height).toBeLessThan(200);
      await screenshot(page, 'nav-admin-closed-phone.png', { fullPage: false });

      await toggle.focus();
      await page.keyboard.press('Enter');
      expect(await nav.locator('ul.nav-items').isVisible()).toBe(true);
      const records = nav.locator('details.dropdown > summary', { hasText: 'Records' });
      await records.focus();
      await page.keyboard.press('Space');
      expect(await nav.getByRole('link', { name: 'People' }).isVisible()).toBe(true);
      // Every entry is as wide as the phone, big enough to tap, and nothing scrolls sideways.
      for (const link of await nav.locator('ul.nav-items a:visible, ul.nav-items summary:visible').all()) {
        const box = (await link.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(24);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      }
      await fitsWidth(page, PHONE.width);
      expect(await axeProblems(page)).toEqual([]);
      await screenshot(page, 'nav-admin-open-phone.png', { fullPage: false });
      await Promise.all([page.waitForURL(/\/people$/), nav.getByRole('link', { name: 'People' }).click()]);
      expect(await nav.locator('a[aria-current="page"]').evaluateAll((as) => as.map((a) => a.textContent))).toEqual([
        'People',
      ]);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
