import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ACCOUNTS, openPage, screenshot, TEST_TIMEOUT, useDemoBrowser, type Session } from '../helpers/browser';

useDemoBrowser();

describe('the program dashboard in a real browser, with the demo program', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'shows the headline figures, the charts with their tables, and a one-page PDF',
    async () => {
      session = await openPage({ width: 1400, height: 1000 });
      const { page } = session;
      const res = await page.goto('/reports');
      expect(res?.status()).toBe(200);
      expect(await page.locator('main h1').textContent()).toBe('Program dashboard');
      // Each chart is an image named by its title and described, with a data table beside it.
      const charts = page.locator('figure.chart-figure');
      await expect(charts.count()).resolves.toBe(3);
      for (const id of ['expirations', 'cleared', 'pipeline']) {
        const svg = page.locator(`svg#chart-${id}`);
        expect(await svg.getAttribute('role')).toBe('img');
        expect(await svg.locator('title').first().textContent()).toBeTruthy();
        expect(await svg.locator('desc').textContent()).toBeTruthy();
      }
      // The demo program has something expiring in the next year and peers cleared as Peer Support Specialist.
      expect(await page.locator('svg#chart-expirations g.bar').count()).toBeGreaterThan(0);
      expect(await page.locator('svg#chart-cleared polyline.series-line').count()).toBeGreaterThan(0);
      expect(await page.locator('ul.cleared-today li').count()).toBeGreaterThan(0);
      expect(await page.locator('section.story li').first().textContent()).toMatch(/ are cleared as .* today/);
      await screenshot(page, 'reports-dashboard.png');
      await page
        .locator('figure.chart-figure')
        .nth(1)
        .screenshot({ path: join(__dirname, 'screenshots', 'reports-chart-cleared.png') });

      const pdf = await page.request.get('/reports/dashboard.pdf');
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      const body = await pdf.body();
      expect(body.subarray(0, 5).toString()).toBe('%PDF-');
      const dir = mkdtempSync(join(tmpdir(), 'dashboard-pdf-'));
      // Kept beside the screenshots for a human to look at.
      writeFileSync(join(__dirname, 'screenshots', 'reports-dashboard.pdf'), body);
      writeFileSync(join(dir, 'dashboard.pdf'), body);
      execFileSync('pdftoppm', ['-png', '-r', '60', join(dir, 'dashboard.pdf'), join(dir, 'page')]);
      // One page: pdftoppm writes one PNG per page.
      expect(readdirSync(dir).filter((f) => f.endsWith('.png'))).toHaveLength(1);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'narrows a report with filters, keeps a bad date beside its field, and a supervisor sees only their team',
    async () => {
      session = await openPage();
      const { page } = session;
      await page.goto('/reports/training-activity');
      expect(await page.locator('main h1').textContent()).toBe('Training activity');
      // The demo's Billings clinic and Great Falls community cohorts have attendance this year.
      expect(await page.locator('table.report tbody tr').count()).toBeGreaterThanOrEqual(2);
      await screenshot(page, 'reports-training-activity.png');
      const bad = await page.goto('/reports/supervision-summary?from=2026-02-30');
      expect(bad?.status()).toBe(400);
      expect(await page.locator('#from-error').textContent()).toContain('must be a real date (YYYY-MM-DD)');
      // A date input cannot hold an impossible date, but the page sends back what was typed.
      expect(await page.getByLabel('From').getAttribute('value')).toBe('2026-02-30');
      await session.context.close();

      session = await openPage(undefined, DEMO_ACCOUNTS.supervisor);
      await session.page.goto('/reports');
      expect(await session.page.locator('main hgroup p').textContent()).toContain('your team');
      await screenshot(session.page, 'reports-dashboard-supervisor.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
