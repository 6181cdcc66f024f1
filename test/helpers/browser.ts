import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { seedDemo } from '../../src/database/seeds/demo.seed';
import { Person } from '../../src/modules/people/person.entity';
import { hashPassword } from '../../src/modules/auth/passwords';
import { createTestApp, TEST_PASSWORD, type TestApp } from './app';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';

// Real pages in Debian's Chromium (never a downloaded browser), against the real app on SQLite
// with the demo program loaded. Screenshots go to test/browser/screenshots/ (git-ignored) for a human to look at.

const SCREENSHOTS = join(__dirname, '..', 'browser', 'screenshots');
export const DEMO_ACCOUNTS = {
  admin: 'jolene.ashby@example.org',
  trainer: 'corey.whitehorse@example.org',
  supervisor: 'ellen.brightwater@example.org',
  peer: 'renee.twofeathers@example.org',
} as const;
/** The phone the issues test with (an iPhone 12–15 width) and a common laptop. */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export const TEST_TIMEOUT = 60_000;

let t: TestApp;
let browser: Browser;
let baseUrl: string;

/** Draws the certificates of the demo's program-issued credentials, as the jobs `npm start` queues would. */
export async function issueDemoCertificates(t: TestApp): Promise<void> {
  const certificates = t.app.get(CertificatesService);
  await t.write(async () => {
    for (const id of await certificates.findMissing()) await certificates.issue(id, null);
  });
}

/** A port nothing listens on now, so the app's address can be known (and registered elsewhere) before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the app with the demo program and Chromium for the test file that calls it; returns the app. `env` gets the
 * app's address before it starts, for settings that must name it (an identity provider's redirect URI).
 */
export function useDemoBrowser(
  options: { env?: (baseUrl: string) => Promise<Record<string, string>> } = {},
): () => TestApp {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const port = options.env ? await freePort() : 0;
    const env = options.env ? await options.env(`http://127.0.0.1:${port}`) : {};
    t = await createTestApp('sqlite', { env });
    await t.write(() => seedDemo(t.dataSource, t.config));
    // One demo person per role can sign in with the test password.
    const passwordHash = await hashPassword(TEST_PASSWORD);
    await t.write(async () => {
      for (const email of Object.values(DEMO_ACCOUNTS))
        await t.dataSource
          .getRepository(Person)
          .createQueryBuilder()
          .update()
          .set({ passwordHash })
          .where('email = :email', { email })
          .execute();
    });
    await t.app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 60_000);
  return () => t;
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors (CSP violations, failed assets) and failed requests seen so far. */
  problems: string[];
}

/** Signs in through the sign-in form, as a person would. */
export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  // The next page to load is the answer: home (or `next`) on success, the form again on failure.
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}

/** A fresh context per test, so no cookie or cache leaks between tests; signed in as the demo admin unless told otherwise. */
export async function openPage(
  viewport = { width: 1280, height: 900 },
  as: string | null = DEMO_ACCOUNTS.admin,
): Promise<Session> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (msg) => {
    // The app serves no /favicon.ico yet; Chromium asks for it on its own and logs the 404.
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico'))
      problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A load cut short because the page moved on (net::ERR_ABORTED) is the browser's doing, not a fault.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED')
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  // The pages must get their styles: a missing stylesheet would still "load" but look broken.
  page.on('response', (response) => {
    if (response.url().includes('/assets/') && response.status() >= 400)
      problems.push(`asset ${response.status()}: ${response.url()}`);
  });
  if (as) await signIn(page, as);
  return { context, page, problems };
}

/** The whole page, or with `fullPage: false` what the screen shows (the header and a menu opened over the page). */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage });
}

/** The body rows of the tables within `scope` (by default the whole main content). */
export function bodyRows(page: Page, scope = 'main') {
  return page.locator(`${scope} table tbody tr`);
}

/**
 * The main menu's link named `name`, made visible as a person would: the "Menu" button first on a phone, then the
 * group (dropdown) it sits in when the menu is grouped.
 */
export async function menuLink(page: Page, name: string): Promise<Locator> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const toggle = nav.locator('details.nav-menu > summary');
  if ((await toggle.isVisible()) && !(await nav.locator('details.nav-menu').evaluate((d) => d.hasAttribute('open'))))
    await toggle.click();
  const label = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
  const link = nav.locator('ul.nav-items a', { hasText: label }).first();
  const group = nav.locator('details.dropdown', { has: page.locator('a', { hasText: label }) });
  if ((await group.count()) && !(await group.evaluate((d) => d.hasAttribute('open'))))
    await group.locator('summary').click();
  return link;
}
