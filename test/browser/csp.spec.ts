import type { Page } from 'playwright-core';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import {
  DEMO_ACCOUNTS,
  issueDemoCertificates,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';
import { crawl, CRAWL_START } from '../helpers/crawl';

// Issue 14 §4: every page of the demo runs under `script-src 'self'` and `style-src 'self'` (no inline script,
// inline handler or inline style), the API docs under their own policy, and none of them trips a violation.

const app = useDemoBrowser();

/** What the browser reported: `securitypolicyviolation` events and CSP messages in the console. */
interface Watch {
  violations: string[];
}

async function watchCsp(session: Session): Promise<Watch> {
  const watch: Watch = { violations: [] };
  await session.context.exposeBinding('__reportCspViolation', ({ page }, text: string) => {
    watch.violations.push(`${page.url()}: ${text}`);
  });
  // Page code as a string: the test project has no DOM types.
  await session.context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
    window.__reportCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
      ' (' + e.sourceFile + ':' + e.lineNumber + ') ' + e.sample);
  });`);
  session.page.on('console', (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) watch.violations.push(`console: ${msg.text()}`);
  });
  return watch;
}

/** Opens every kind of page reachable by links from `start`, checking each answer is a page under the strict policy. */
function crawlCsp(page: Page, start: string[]) {
  return crawl(page, start, async ({ path, response }) => {
    const policy = response.headers()['content-security-policy'] ?? '';
    expect({ path, policy }).toEqual({ path, policy: expect.stringContaining("script-src 'self';") });
    expect({ path, policy }).toEqual({ path, policy: expect.stringContaining("style-src 'self'") });
    expect(policy).not.toContain('unsafe-inline');
  });
}

/** Problems other than a page that answers 400, 403 or 404 on purpose (the error pages are visited too). */
function unexpected(problems: string[]): string[] {
  return problems.filter(
    (p) =>
      !/^console: Failed to load resource: the server responded with a status of 40[034] .*\(http:[^)]*\)$/.test(p) ||
      /\/assets\//.test(p),
  );
}

/** The kinds of page each role must have reached by links (the crawl finds more). */
const REACHED: Record<keyof typeof DEMO_ACCOUNTS, string[]> = {
  admin: [
    '/clearance', // the board
    '/people',
    '/people/:id',
    '/people/:id/edit',
    '/people/:id/access',
    '/people/:id/ce',
    '/people/:id/supervision',
    '/people/:id/clearance',
    '/credentials/:id/manage',
    '/training',
    '/training/courses/:id',
    '/training/cohorts/:id',
    '/training/cohorts/:id/attendance',
    '/training/cohorts/:id/completion',
    '/training/sessions/:id/edit',
    '/catalog/credential-types/:id',
    '/catalog/practice-roles/:id',
    '/reports',
    '/reports/clearance',
    '/audit',
    '/certificates',
    '/certificates/:id',
    '/admin/settings', // the director's name and signature (issue 19), linked from the certificates list
    '/verify/:n',
    '/supervision',
    '/admin/jobs',
    '/admin/imports', // an import's own pages are walked, violations watched, in imports.spec.ts
    '/admin/submissions',
    '/clearance/date-of-service',
  ],
  trainer: ['/training', '/training/cohorts/:id', '/training/cohorts/:id/attendance', '/people/:id', '/my/training'],
  supervisor: [
    '/clearance',
    '/people',
    '/people/:id',
    '/people/:id/supervision',
    '/people/:id/ce',
    '/reports',
    '/supervision/mine',
    '/supervision/mine/log',
  ],
  peer: [
    '/my/credentials',
    '/my/training',
    '/people/:id',
    '/people/:id/ce',
    '/certificates/:id',
    '/verify/:n',
    '/my/submissions',
    '/my/submissions/new',
    '/my/credentials/:id/renew',
  ],
};

describe('Content-Security-Policy in a real browser', () => {
  let session: Session;
  beforeAll(() => issueDemoCertificates(app()), 60_000);
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'signed out: sign-in, the front page, forgot password, verify and an error page load with no violation',
    async () => {
      session = await openPage(undefined, null);
      const watch = await watchCsp(session);
      const { page } = session;
      const login = await page.goto('/login');
      expect(login?.headers()['content-security-policy']).toContain("script-src 'self';");
      expect(await page.locator('main h1').innerText()).toBe('Sign in');
      // The public front page too: signed out, `/` is a page of its own, not a redirect to sign-in.
      await page.goto('/');
      expect(new URL(page.url()).pathname).toBe('/');
      await page.goto('/forgot-password');
      await page.goto('/verify');
      await page.getByRole('textbox').first().fill('NOT-A-CODE');
      await Promise.all([page.waitForEvent('load'), page.locator('main form button').first().click()]);
      const { code } = await app().dataSource.getRepository(Certificate).findOneByOrFail({});
      await page.goto(`/verify/${code}`);
      expect(await page.locator('main h1').innerText()).toMatch(/^This certificate/);
      const missing = await page.goto('/no-such-page');
      expect(missing?.status()).toBe(404);
      expect(missing?.headers()['content-security-policy']).toContain("style-src 'self'");
      expect(watch.violations).toEqual([]);
      expect(unexpected(session.problems)).toEqual([]);
      // The watch sees what the policy blocks: an inline script and an inline style added to the page.
      await page.evaluate(`(() => {
        const script = document.createElement('script');
        script.textContent = 'document.title = "inline ran"';
        document.body.append(script);
        document.body.setAttribute('style', 'color: red');
      })()`);
      for (let i = 0; i < 50 && watch.violations.filter((v) => !v.startsWith('console:')).length < 2; i++)
        await page.waitForTimeout(100);
      expect(await page.title()).not.toBe('inline ran');
      expect(watch.violations.join('\n')).toMatch(/script-src-elem blocked inline/);
      expect(watch.violations.join('\n')).toMatch(/style-src-attr blocked inline/);
    },
    TEST_TIMEOUT,
  );

  for (const [role, email] of Object.entries(DEMO_ACCOUNTS) as [keyof typeof DEMO_ACCOUNTS, string][]) {
    it(
      `signed in as the demo ${role}: every page reachable by links shows no violation`,
      async () => {
        session = await openPage(undefined, email);
        const watch = await watchCsp(session);
        const { page } = session;
        // Start from home and the menu, and from pages other roles reach, to see their 403 and 404 pages too.
        const visited = await crawlCsp(page, CRAWL_START);
        expect([...visited.entries()].filter(([, { status }]) => status >= 500)).toEqual([]);
        // The kinds of page not reached, by name, so a failure says which link went missing.
        expect(REACHED[role].filter((kind) => !visited.has(kind))).toEqual([]);
        if (role === 'peer') expect(visited.get('/audit')?.status).toBe(403);
        expect(watch.violations).toEqual([]);
        expect(unexpected(session.problems)).toEqual([]);
      },
      TEST_TIMEOUT * 3,
    );
  }

  it(
    'the API docs render Swagger UI under their own policy with no violation',
    async () => {
      session = await openPage(undefined, DEMO_ACCOUNTS.admin);
      const watch = await watchCsp(session);
      const { page } = session;
      const docs = await page.goto('/api/docs');
      const policy = docs?.headers()['content-security-policy'] ?? '';
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).toMatch(/style-src 'self'( 'unsafe-hashes')?( 'sha256-[^']+')+/);
      // Swagger UI's scripts ran: the operations are listed, and one opens.
      const operation = page.locator('.opblock-summary').first();
      await operation.waitFor();
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      await operation.click();
      await page.locator('.opblock-body').first().waitFor();
      await page.getByRole('button', { name: 'Try it out' }).first().click();
      await page.getByRole('button', { name: 'Execute' }).first().waitFor();
      await page.locator('button.authorize').first().click();
      await page.locator('.modal-ux').waitFor();
      await page.locator('.modal-ux button.close-modal').click();
      await screenshot(page, 'api-docs.png');
      // Its stylesheet applied: the hidden icon sprite takes no room.
      expect(await page.evaluate('getComputedStyle(document.querySelector("body > svg")).position')).toBe('absolute');
      expect(watch.violations).toEqual([]);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
  it(
    "the certificate job page's script still runs: it replaces the page's self-refresh with progress in place",
    async () => {
      session = await openPage(undefined, DEMO_ACCOUNTS.admin);
      const watch = await watchCsp(session);
      const { page } = session;
      await page.goto('/certificates');
      const boxes = page.locator('input[name="credentialIds"]');
      const selected = await boxes.count();
      expect(selected).toBeGreaterThan(3);
      for (let i = 0; i < selected; i++) await boxes.nth(i).check();
      await page.getByLabel('Reason').selectOption('template_update');
      let loads = 0;
      page.on('load', () => loads++);
      await Promise.all([
        page.waitForURL(/\/certificates\/jobs\//),
        page.getByRole('button', { name: 'Regenerate selected' }).click(),
      ]);
      // A browser running scripts has no refresh to act on: it sits in a <noscript>.
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      await page.locator('[data-job-state]', { hasText: 'completed' }).waitFor();
      expect(await page.locator('progress').getAttribute('value')).toBe(String(selected));
      expect(loads).toBe(1);
      expect(watch.violations).toEqual([]);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
