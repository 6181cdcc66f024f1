import { dateInZone, formatDate } from '../../src/common/dates';
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
  menuLink,
} from '../helpers/browser';

// Issue 19, broken 4: a supervisor reaches supervision from the menu, sees their supervisees and logs a session.

const app = useDemoBrowser();

describe('My supervisees in a real browser', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['390 px phone', PHONE],
  ] as const) {
    it(
      `on a ${label}: opens My supervisees from the menu, logs a session from the picker and sees it as the last`,
      async () => {
        session = await openPage(viewport, DEMO_ACCOUNTS.supervisor);
        const { page } = session;
        const today = formatDate(dateInZone(new Date(), app().config.timeZone));
        await page.goto('/');
        await Promise.all([page.waitForURL(/\/supervision\/mine$/), (await menuLink(page, 'My supervisees')).click()]);
        expect(await page.locator('main h1').innerText()).toBe('My supervisees');
        const rows = bodyRows(page);
        expect(await rows.count()).toBeGreaterThan(0);
        // Overdue ones come first: no overdue row follows one that is not.
        const overdue = (await rows.allInnerTexts()).map((text) => /overdue/.test(text));
        expect(overdue).toEqual([...overdue].sort((a, b) => Number(b) - Number(a)));
        // Log for the last one listed on the desktop and the first on the phone, so each run changes a row.
        const row = viewport === PHONE ? rows.first() : rows.last();
        const name = await row.locator('th').innerText();
        const listed = await rows.locator('th').allInnerTexts();
        const minutesBefore = Number(await row.locator('td').nth(1).innerText());

        await Promise.all([
          page.waitForURL(/\/supervision\/mine\/log$/),
          page.locator('main p.actions').getByRole('link', { name: 'Log a session' }).click(),
        ]);
        const picker = page.getByLabel('Supervisee');
        // The picker offers exactly the people on the list, by name.
        expect(await picker.locator('option').allInnerTexts()).toEqual([
          'Choose…',
          ...[...listed].sort((a, b) => a.localeCompare(b)),
        ]);
        await picker.selectOption({ label: name });
        expect(await page.getByLabel('Date').inputValue()).toBe(dateInZone(new Date(), app().config.timeZone));
        await page.getByLabel('Minutes').fill('45');
        await page.getByLabel('What was covered').fill('Self-care after a hard shift; boundaries.');
        // Sent without the attestation first: refused beside the field, with the draft and the person kept.
        await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Log session' }).click()]);
        expect(await page.locator('main form').innerText()).toMatch(/recorded\.\s*is required/);
        expect(await page.getByLabel('What was covered').inputValue()).toBe(
          'Self-care after a hard shift; boundaries.',
        );
        expect(await page.getByLabel('Supervisee').locator('option:checked').innerText()).toBe(name);
        await page.getByLabel(/I attest/).check();
        await screenshot(page, `my-supervisees-log-${viewport.width}.png`);
        await Promise.all([
          page.waitForURL(/\/supervision\/mine\?notice=logged$/),
          page.getByRole('button', { name: 'Log session' }).click(),
        ]);
        expect(await page.locator('.notice').innerText()).toBe('Session logged.');
        const logged = bodyRows(page).filter({ has: page.locator('th', { hasText: name }) });
        expect(await logged.locator('td').first().innerText()).toBe(today);
        expect(await logged.locator('.badge').count()).toBe(0);
        expect(Number(await logged.locator('td').nth(1).innerText())).toBe(minutesBefore + 45);
        // Nothing sticks out sideways on the phone: each row's figures and its link are on screen, not scrolled off.
        for (const cell of [logged.locator('td').nth(1), logged.getByRole('link', { name: /^Log a session/ })]) {
          const box = (await cell.boundingBox())!;
          expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
        }
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `my-supervisees-${viewport.width}.png`);
        // The refused post above answers 400 on purpose, and Chromium logs that; nothing else may go wrong.
        expect(session.problems.filter((p) => !/status of 400 .*\/supervision\/mine\/sessions\)$/.test(p))).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }

  it(
    'offers Log a session from the board row, with that supervisee already chosen',
    async () => {
      session = await openPage(DESKTOP, DEMO_ACCOUNTS.supervisor);
      const { page } = session;
      await page.goto('/clearance');
      const row = bodyRows(page).first();
      const name = await row.locator('th a').first().innerText();
      await Promise.all([
        page.waitForURL(/\/supervision\/mine\/log\?personId=/),
        row.getByRole('link', { name: `Log a session with ${name}` }).click(),
      ]);
      expect(await page.getByLabel('Supervisee').locator('option:checked').innerText()).toBe(name);
      await screenshot(page, 'my-supervisees-from-board.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
