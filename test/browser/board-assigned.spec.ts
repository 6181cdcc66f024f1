import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import {
  bodyRows,
  DEMO_ACCOUNTS,
  DESKTOP,
  PHONE,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';

// Issue 19, "the board shows what matters" and "Supervisor home", in Chromium at desktop and phone widths.

useDemoBrowser();

/** Serious or critical accessibility problems on the page's main content. */
async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include('main').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('The clearance board with assigned roles, in a real browser', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'on a desktop: colours the roles people work in, quiet cells for the rest, tiles, the filter and a sticky name column',
    async () => {
      session = await openPage(DESKTOP, DEMO_ACCOUNTS.supervisor);
      const { page } = session;
      await page.goto('/clearance');
      const cells = page.locator('table.board tbody td.role a.cell');
      // Each cell's text starts with who and which role for screen readers (visually hidden); then what it shows.
      const texts = (await cells.allInnerTexts()).map((t) => t.replace(/^[^:\n—]+: [^,\n]+,\s*/, ''));
      expect(texts.every((t) => /^(Cleared|Warning|Not cleared|Eligible|—)/.test(t))).toBe(true);
      expect(texts.some((t) => t.startsWith('Eligible'))).toBe(true);
      expect(texts.some((t) => t.startsWith('—'))).toBe(true);
      // Each cell's accessible name says person, role and status.
      const jesse = bodyRows(page).filter({ hasText: 'Jesse Redcloud' });
      await expect(
        jesse.getByRole('link', { name: 'Jesse Redcloud: Peer Support Specialist, Not cleared', exact: true }).count(),
      ).resolves.toBe(1);
      expect(
        await jesse.getByRole('link', { name: /^Jesse Redcloud: Narcan Class Instructor, not assigned$/ }).count(),
      ).toBe(1);
      // PSS is the first role column: the catalogue's order.
      expect(await page.locator('table.board thead th').nth(2).innerText()).toBe('Peer Support Specialist');
      const tiles = page.locator('section.board-tiles');
      expect(await tiles.innerText()).toMatch(/\d+\s*not cleared in a role they work in/);

      // The name column stays put while the grid scrolls sideways inside its box.
      const wrap = page.locator('.board-wrap');
      const name = jesse.locator('th').first();
      expect(
        await name.evaluate(
          (el) =>
            (
              el.ownerDocument.defaultView as unknown as { getComputedStyle(e: unknown): { position: string } }
            ).getComputedStyle(el).position,
        ),
      ).toBe('sticky');
      const before = (await name.boundingBox())!.x;
      await wrap.evaluate((el) => el.scrollBy({ left: 600 }));
      await page.waitForFunction("document.querySelector('.board-wrap').scrollLeft > 0");
      expect(Math.abs((await name.boundingBox())!.x - before)).toBeLessThan(1);
      await wrap.evaluate((el) => el.scrollTo({ left: 0 }));
      await screenshot(page, 'board-assigned-desktop.png');
      expect(await axeProblems(page)).toEqual([]);

      // Every role: no quiet cells, and more problems counted.
      const notClearedAssigned = Number((await tiles.locator('article').first().locator('strong').innerText()).trim());
      await page.getByLabel('Show').selectOption('all');
      await Promise.all([page.waitForURL(/roles=all/), page.getByRole('button', { name: 'Show' }).click()]);
      const everyTexts = await page.locator('table.board tbody td.role a.cell').allInnerTexts();
      expect(everyTexts.some((t) => t.startsWith('Eligible') || t.startsWith('—'))).toBe(false);
      const notClearedAny = Number(
        (await page.locator('section.board-tiles article').first().locator('strong').innerText()).trim(),
      );
      expect(notClearedAny).toBeGreaterThanOrEqual(notClearedAssigned);
      expect(await page.locator('section.board-tiles article').first().innerText()).not.toContain('role they work in');
      await screenshot(page, 'board-every-role-desktop.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'on a 390 px phone: one card per person with the roles they work in, instead of the wide grid',
    async () => {
      session = await openPage(PHONE, DEMO_ACCOUNTS.supervisor);
      const { page } = session;
      await page.goto('/clearance');
      expect(await page.locator('table.board').isVisible()).toBe(false);
      const cards = page.locator('li.board-card');
      expect(await cards.count()).toBeGreaterThanOrEqual(10);
      const jesse = cards.filter({ hasText: 'Jesse Redcloud' });
      expect(await jesse.locator('.card-roles li').allInnerTexts()).toEqual([
        expect.stringMatching(/^Jesse Redcloud:\s+Peer Support Specialist\s+Not cleared/),
      ]);
      // Cards hold only roles people work in: never a quiet cell.
      expect(await page.locator('li.board-card .cell.eligible, li.board-card .cell.none').count()).toBe(0);
      // Nothing runs off the side of the phone.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, 'board-assigned-phone.png');
      // The cards at the phone's own size (the full page is long).
      await jesse.scrollIntoViewIfNeeded();
      await page.screenshot({ path: 'test/browser/screenshots/board-assigned-phone-cards.png' });
      expect(await axeProblems(page)).toEqual([]);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['390 px phone', PHONE],
  ] as const) {
    it(
      `on a ${label}: the supervisor's home lists who needs attention first, with the reasons, then the rest`,
      async () => {
        session = await openPage(viewport, DEMO_ACCOUNTS.supervisor);
        const { page } = session;
        await page.goto('/');
        const attention = page.locator('ul.supervisee-cards > li');
        expect(await attention.count()).toBeGreaterThan(0);
        const jesse = attention.filter({ hasText: 'Jesse Redcloud' });
        expect(await jesse.locator('.reasons').innerText()).toMatch(/Not cleared as Peer Support Specialist/);
        expect(await page.locator('#supervisees-attention-h').innerText()).toBe('Supervisees who need attention');
        // The attention list comes before the rest on the page.
        const [a, r] = await Promise.all([
          page.locator('#supervisees-attention-h').boundingBox(),
          page.locator('#rest-h').boundingBox(),
        ]);
        expect(a!.y).toBeLessThan(r!.y);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        const shot = `supervisor-home-${viewport === PHONE ? 'phone' : 'desktop'}`;
        await screenshot(page, `${shot}.png`);
        await page.screenshot({ path: `test/browser/screenshots/${shot}-top.png` });
        expect(await axeProblems(page)).toEqual([]);
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }

  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['390 px phone', PHONE],
  ] as const) {
    it(
      `on a ${label}: an admin assigns a practice role on the person page and ends it, and the board follows`,
      async () => {
        session = await openPage(viewport, DEMO_ACCOUNTS.admin);
        const { page } = session;
        const role = viewport === PHONE ? 'Trauma Group Facilitator' : 'Jail Services';
        await page.goto('/people');
        await Promise.all([
          page.waitForURL(/\/people\/[0-9a-f-]{36}$/),
          page.locator('main').getByRole('link', { name: 'Shelby Lindqvist' }).first().click(),
        ]);
        const section = page.locator('section[aria-labelledby="practice-roles"]');
        await section.getByText('Assign a practice role').click();
        await section.getByLabel('Practice role').selectOption({ label: role });
        await Promise.all([
          page.waitForURL(/notice=practice-role-assigned/),
          section.getByRole('button', { name: 'Assign' }).click(),
        ]);
        expect(await page.locator('p.notice').innerText()).toBe('Practice role assigned.');
        const row = section.locator('tbody tr').filter({ hasText: role });
        expect(await row.innerText()).toContain('current');
        await section.scrollIntoViewIfNeeded();
        await page.screenshot({
          path: `test/browser/screenshots/person-practice-roles-${viewport === PHONE ? 'phone' : 'desktop'}.png`,
        });
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        expect(await axeProblems(page)).toEqual([]);
        const personUrl = page.url();

        // The board now colours that role for her (she is not cleared for it): a problem, where it read "—".
        await page.goto('/clearance');
        if (viewport === PHONE) {
          const card = page.locator('li.board-card').filter({ hasText: 'Shelby Lindqvist' });
          expect(await card.locator('.card-roles').innerText()).toContain(role);
        } else {
          const shelby = bodyRows(page).filter({ hasText: 'Shelby Lindqvist' });
          expect(
            await shelby.getByRole('link', { name: `Shelby Lindqvist: ${role}, Not cleared`, exact: true }).count(),
          ).toBe(1);
        }
        await page.goto(personUrl);
        await Promise.all([
          page.waitForURL(/notice=practice-role-ended/),
          row.getByRole('button', { name: `End ${role}` }).click(),
        ]);
        // Ended today (its last day, so still current today): kept, with its end date instead of "open".
        const ended = await section.locator('tbody tr').filter({ hasText: role }).innerText();
        expect(ended).not.toContain('open');
        expect(await section.locator('tbody tr').filter({ hasText: role }).getByRole('button').count()).toBe(0);
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }
});
