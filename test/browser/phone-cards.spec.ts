import { join } from 'node:path';
import {
  DEMO_ACCOUNTS,
  issueDemoCertificates,
  openPage,
  PHONE,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';

// Issue 19, broken 3: below 640 px every table people act on is one card per row (table.stack-sm), each value named
// by its column, so the links and buttons of a row are on screen without scrolling sideways. (axe.spec.ts checks
// every page's width at 390 px; this looks at the cards themselves on a few of the busiest lists.)

const app = useDemoBrowser();

interface Card {
  display: string;
  labels: string[];
  /** Right edges of the row's links, buttons and summaries, in px. */
  rights: number[];
}

describe('tables people act on, on a 390 px phone', () => {
  let session: Session;
  beforeAll(() => issueDemoCertificates(app()), 60_000);
  afterEach(async () => {
    await session?.context.close();
  });

  // Page, who looks, the screenshot, the table (within main) and labels each of its cards shows.
  const pages: [string, keyof typeof DEMO_ACCOUNTS, string, string, string[]][] = [
    ['/people', 'admin', 'phone-people.png', 'table', ['Roles', 'Status']],
    ['/certificates', 'admin', 'phone-certificates.png', 'table', ['Credential', 'Issued', 'Code', 'Status']],
    ['/admin/jobs', 'admin', 'phone-jobs.png', '[aria-labelledby="recent"] table', ['State', 'Tries', 'Actions']],
    ['/training', 'trainer', 'phone-cohorts.png', 'table', ['Course', 'Dates', 'Status']],
  ];
  for (const [path, role, file, table, labels] of pages) {
    it(
      `${path} as the ${role}: one card per row, values labelled, every action on screen`,
      async () => {
        session = await openPage(PHONE, DEMO_ACCOUNTS[role]);
        const { page } = session;
        await page.goto(path);
        const cards = await page.evaluate<Card[]>(`[...document.querySelectorAll('main ${table}.stack-sm tbody tr')]
          .filter((tr) => !tr.querySelector('[colspan]'))
          .map((tr) => ({
            display: getComputedStyle(tr).display,
            labels: [...tr.querySelectorAll('[data-label]')].filter((c) => getComputedStyle(c).display !== 'none')
              .map((c) => c.dataset.label),
            rights: [...tr.querySelectorAll('a, button, summary, input, select')]
              .map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => r.right),
          }))`);
        expect(cards.length).toBeGreaterThan(0);
        for (const card of cards) {
          expect(card.display).toBe('block');
          expect(card.labels).toEqual(expect.arrayContaining(labels));
          for (const right of card.rights) expect(right).toBeLessThanOrEqual(PHONE.width);
        }
        // The column headings are for screen readers only on a phone; the page does not scroll sideways.
        expect(await page.locator('main table.stack-sm thead').first().boundingBox()).toMatchObject({ width: 1 });
        expect(await page.evaluate<number>('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
        await screenshot(page, file);
        // And the first cards as the phone shows them, at their real size.
        await page.locator(`main ${table}.stack-sm`).first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(__dirname, 'screenshots', file.replace('.png', '-cards.png')) });
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }
});
