import { randomUUID } from 'node:crypto';
import { ExpiryScanService } from '../../src/modules/expiry/expiry-scan.service';
import {
  DEMO_ACCOUNTS,
  menuLink,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';

const app = useDemoBrowser();

describe('notifications and the jobs page in a real browser', () => {
  let session: Session;
  beforeAll(async () => {
    await app().app.get(ExpiryScanService).run(app().config.today());
  });
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'shows the supervisor the bell with a count, the list, and marks everything read',
    async () => {
      session = await openPage(undefined, DEMO_ACCOUNTS.supervisor);
      const { page } = session;
      await page.goto('/');
      const bell = page.locator('header a.bell');
      const label = await bell.getAttribute('aria-label');
      expect(label).toMatch(/^Notifications, \d+ unread$/);
      const unread = Number(/(\d+) unread/.exec(label!)![1]);
      expect(unread).toBeGreaterThan(0);
      expect(await bell.locator('.badge').innerText()).toBe(String(unread));
      await bell.click();
      await page.waitForURL(/\/notifications$/);
      expect(await page.locator('main h1').textContent()).toBe('Notifications');
      await expect(page.locator('li.notification.unread').count()).resolves.toBe(Math.min(unread, 50));
      expect(await page.locator('li.notification').first().innerText()).toMatch(
        /expires|lapsed|expired|Weekly summary|cleared/,
      );
      await screenshot(page, 'notifications.png');
      await Promise.all([
        page.waitForURL(/\/notifications$/),
        page.getByRole('button', { name: 'Mark all read' }).click(),
      ]);
      await expect(page.locator('li.notification.unread').count()).resolves.toBe(0);
      expect(await page.locator('header a.bell').getAttribute('aria-label')).toBe('Notifications');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'lets the peer turn reminder e-mail off on the account page',
    async () => {
      session = await openPage({ width: 390, height: 844 }, DEMO_ACCOUNTS.peer);
      const { page } = session;
      await page.goto('/account');
      const toggle = page.getByLabel('E-mail me reminders about my credentials');
      expect(await toggle.isChecked()).toBe(true);
      await toggle.uncheck();
      await Promise.all([
        page.waitForURL(/notice=notifications-saved/),
        page.getByRole('button', { name: 'Save' }).click(),
      ]);
      expect(await page.getByLabel('E-mail me reminders about my credentials').isChecked()).toBe(false);
      await page.goto('/notifications');
      await screenshot(page, 'notifications-phone.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows the admin the queues, a failure with its error, and retries it',
    async () => {
      const failedId = randomUUID();
      const now = Date.now();
      await app().dataSource.query(
        `INSERT INTO jobs (id, queue, name, payload, state, attempts_made, max_attempts, backoff_ms, run_at, error, created_at, finished_at)
         VALUES (?, 'notifications', 'notification.deliver', ?, 'failed', 8, 8, 5000, ?, ?, ?, ?)`,
        [
          failedId,
          JSON.stringify({ outboxId: randomUUID() }),
          now,
          '421 mail.example.org Service not available, closing transmission channel',
          now - 60_000,
          now,
        ],
      );
      session = await openPage();
      const { page } = session;
      await page.goto('/');
      await Promise.all([page.waitForURL(/\/admin\/jobs$/), (await menuLink(page, 'Jobs')).click()]);
      expect(await page.locator('main h1').textContent()).toBe('Jobs');
      const queues = page.locator('section[aria-labelledby="queues"] tbody tr');
      // certificates, notifications, maintenance and imports
      await expect(queues.count()).resolves.toBe(4);
      expect(await queues.filter({ hasText: 'notifications' }).innerText()).toMatch(
        /notifications\s+\d+\s+\d+\s+\d+\s+1\s+\d+/,
      );
      const failure = page.locator('section[aria-labelledby="failures"] tbody tr').filter({ hasText: failedId });
      expect(await failure.innerText()).toContain('Service not available');
      await screenshot(page, 'admin-jobs.png');
      await Promise.all([page.waitForURL(/notice=retry/), failure.getByRole('button', { name: 'Retry' }).click()]);
      expect(await page.locator('p.notice').innerText()).toBe('The job is queued again.');
      await expect(
        page.locator('section[aria-labelledby="failures"] tbody tr').filter({ hasText: failedId }).count(),
      ).resolves.toBe(0);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
