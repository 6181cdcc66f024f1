import { Person } from '../../src/modules/people/person.entity';
import {
  DEMO_ACCOUNTS,
  DESKTOP,
  PHONE,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';

// Issue 21 §4: an admin changes a person's status with a reason on the edit page; the person page shows the periods.

const app = useDemoBrowser();

describe('status history on the person page', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'deactivates a peer with a reason and shows the periods, on a laptop and on a phone',
    async () => {
      // A demo peer other than the one who signs in: the first active one by name.
      const peer = await app()
        .dataSource.getRepository(Person)
        .createQueryBuilder('p')
        .innerJoin('person_roles', 'r', "r.person_id = p.id AND r.role = 'peer'")
        .where("p.status = 'active' AND p.email <> :signsIn", { signsIn: DEMO_ACCOUNTS.peer })
        .orderBy('p.name')
        .getOneOrFail();
      session = await openPage(DESKTOP);
      const { page } = session;
      await page.goto(`/people/${peer.id}/edit`);
      await page.locator('select[name="status"]').selectOption('inactive');
      await page.locator('select[name="statusReason"]').selectOption('leave');
      await Promise.all([
        page.waitForURL(`**/people/${peer.id}?notice=saved`),
        page.getByRole('button', { name: /save/i }).click(),
      ]);
      const history = page.locator('section[aria-labelledby="status-history"]');
      await expect(history.getByRole('heading', { name: 'Status history' }).isVisible()).resolves.toBe(true);
      const rows = history.locator('tbody tr');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).innerText()).toMatch(/inactive[\s\S]*now[\s\S]*On leave/);
      await screenshot(page, 'status-history-desktop.png');
      expect(session.problems).toEqual([]);
      await session.context.close();

      session = await openPage(PHONE);
      await session.page.goto(`/people/${peer.id}`);
      await session.page.locator('#status-history').scrollIntoViewIfNeeded();
      await screenshot(session.page, 'status-history-phone.png');
      expect(await session.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
        PHONE.width,
      );
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
