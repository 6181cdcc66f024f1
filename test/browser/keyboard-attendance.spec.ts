import type { Page } from 'playwright-core';
import { Attendance } from '../../src/modules/training/attendance.entity';
import { Person } from '../../src/modules/people/person.entity';
import { TrainingSession } from '../../src/modules/training/training-session.entity';
import {
  DEMO_ACCOUNTS,
  DESKTOP,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';

// Issue 19, accessibility: a trainer records attendance with the keyboard alone (Tab, Space, Enter; no click),
// and each control reached shows a focus ring that stands out from the page.

const app = useDemoBrowser();

interface Focused {
  tag: string;
  name: string;
  outline: string;
}

/** What has the keyboard focus: its tag, its accessible name (aria-label or text) and its outline. */
function focused(page: Page): Promise<Focused> {
  return page.evaluate<Focused>(`(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute('aria-label') || el.innerText || '').trim(),
      outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
    };
  })()`);
}

/** Presses Tab until the focused element is a `tag` whose name matches, and returns it; fails naming what it passed. */
async function tabTo(page: Page, tag: string, name: RegExp, most = 250): Promise<Focused> {
  const passed: string[] = [];
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.tag === tag && name.test(now.name)) return now;
    passed.push(`${now.tag} "${now.name.slice(0, 40)}"`);
  }
  throw new Error(`No ${tag} named ${name} within ${most} Tabs; passed ${passed.join(', ')}`);
}

/** Presses a key that loads the next page, and waits for it. */
async function pressAndLoad(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

// The focus ring public/app.css draws: 3 px of dark blue (#0b3d91, over 10:1 on the white page).
const RING = 'solid 3px rgb(11, 61, 145)';

describe("a trainer's attendance, keyboard only", () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'opens the cohort, reaches its attendance, marks an absent person present, saves, and sees it saved',
    async () => {
      const ds = app().dataSource;
      // The demo's running Great Falls cohort: Colt Zimmerman missed its first day.
      const colt = await ds.getRepository(Person).findOneByOrFail({ name: 'Colt Zimmerman' });
      const absent = await ds.getRepository(Attendance).findOneByOrFail({ personId: colt.id, status: 'absent' });
      const day = await ds.getRepository(TrainingSession).findOneByOrFail({ id: absent.sessionId });

      session = await openPage(DESKTOP, DEMO_ACCOUNTS.trainer);
      const { page } = session;
      await page.goto('/training');
      const link = await tabTo(page, 'a', /^Great Falls/);
      expect(link.outline).toBe(RING);
      await pressAndLoad(page, 'Enter');
      expect(await page.locator('main h1').innerText()).toMatch(/^Great Falls/);

      const attendance = await tabTo(page, 'a', /^Attendance$/);
      expect(attendance.outline).toBe(RING);
      await pressAndLoad(page, 'Enter');
      expect(await page.locator('main h1').innerText()).toBe('Attendance');

      // Colt's cell for that day: typing picks the option, as a keyboard user does on a closed select.
      const cell = await tabTo(page, 'select', /^Colt Zimmerman, /);
      expect(cell.outline).toBe(RING);
      const select = page.locator(`select[name="cell[${colt.id}][${day.id}]"]`);
      expect(await select.evaluate((el) => el === (el.ownerDocument.activeElement as unknown))).toBe(true);
      expect(await select.inputValue()).toBe('absent');
      await page.keyboard.press('P');
      expect(await select.inputValue()).toBe('present');
      await screenshot(page, 'keyboard-attendance-cell.png');

      const save = await tabTo(page, 'button', /^Save attendance$/);
      expect(save.outline).toBe(RING);
      await pressAndLoad(page, 'Space');
      expect(await page.locator('.notice').innerText()).toBe('Attendance saved.');
      expect(await page.locator(`select[name="cell[${colt.id}][${day.id}]"]`).inputValue()).toBe('present');
      expect(
        (await ds.getRepository(Attendance).findOneByOrFail({ sessionId: absent.sessionId, personId: colt.id })).status,
      ).toBe('present');
      await screenshot(page, 'keyboard-attendance-saved.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT * 2,
  );
});
