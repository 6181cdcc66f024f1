import { readFileSync } from 'node:fs';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import { Person } from '../../src/modules/people/person.entity';
import {
  DEMO_ACCOUNTS,
  issueDemoCertificates,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';
import { pdfQrText, pdfText } from '../helpers/pdf';

const app = useDemoBrowser();

describe('certificates in a real browser', () => {
  let session: Session;
  beforeAll(() => issueDemoCertificates(app()), 60_000);
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'a peer downloads their certificate from their credentials; its QR opens the public verify page',
    async () => {
      session = await openPage({ width: 1280, height: 900 }, DEMO_ACCOUNTS.peer);
      const { page } = session;
      await page.goto('/my/credentials');
      expect(await page.locator('main h1').textContent()).toBe('Renée Two Feathers');
      const link = page.getByRole('link', { name: 'Download PDF' });
      expect(await link.count()).toBe(1);
      await screenshot(page, 'certificates-my-credentials.png');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toMatch(
        /^Renée Two Feathers - 40-hour Peer Support Course .* - [0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\.pdf$/,
      );
      const pdf = readFileSync((await download.path())!);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = pdfText(pdf);
      expect(text).toContain('Renée Two Feathers');
      expect(text).toContain('40-hour Peer Support Course (incl. Ethics & Boundaries)');

      // What a phone reads from the QR, opened in a signed-out browser.
      const qr = new URL(pdfQrText(pdf)!);
      expect(qr.pathname).toMatch(/^\/verify\/[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      expect(text).toContain(qr.pathname.slice('/verify/'.length));
      await session.context.close();
      session = await openPage({ width: 420, height: 860 }, null);
      await session.page.goto(qr.pathname);
      expect(await session.page.locator('main h1').innerText()).toBe('This certificate is genuine and current');
      expect(await session.page.locator('dl.facts').innerText()).toContain('Renée Two Feathers');
      await screenshot(session.page, 'certificates-verify-from-qr.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'anyone checks a typed code with the form; an admin revokes and the page shows the tombstone; a typo finds nothing',
    async () => {
      const peer = await app().dataSource.getRepository(Person).findOneByOrFail({ email: DEMO_ACCOUNTS.peer });
      const certificate = await app().dataSource.getRepository(Certificate).findOneByOrFail({ personId: peer.id });
      session = await openPage({ width: 1280, height: 900 }, null);
      const { page } = session;
      await page.goto('/verify');
      await screenshot(page, 'certificates-verify-form.png');
      await page.getByLabel('Verification code').fill(certificate.code.toLowerCase().replace(/-/g, ' '));
      await Promise.all([
        page.waitForURL(`**/verify/${certificate.code}`),
        page.getByRole('button', { name: 'Check' }).click(),
      ]);
      expect(await page.locator('.badge').first().innerText()).toBe('Valid');
      await page.goto(`/verify/${certificate.code.slice(0, -1)}${certificate.code.endsWith('0') ? '1' : '0'}`);
      expect(await page.locator('main h1').innerText()).toBe('No certificate has this code');
      await screenshot(page, 'certificates-verify-unknown.png');
      await session.context.close();

      session = await openPage({ width: 1280, height: 900 }, DEMO_ACCOUNTS.admin);
      await session.page.goto(`/certificates/${certificate.id}`);
      await screenshot(session.page, 'certificates-admin-show.png');
      await session.page.locator('summary', { hasText: 'Revoke this certificate' }).click();
      await session.page.getByLabel('Reason category').selectOption('issued_in_error');
      await session.page
        .locator('form[action$="/revoke"] input[name="note"]')
        .fill('Recorded against the wrong person');
      await session.page.getByLabel('Show the reason publicly').check();
      await Promise.all([
        session.page.waitForEvent('load'),
        session.page.getByRole('button', { name: 'Revoke certificate and credential' }).click(),
      ]);
      // Nothing is revoked yet: a second page says what will happen and asks to confirm (issue 19).
      expect(await session.page.locator('main h1').innerText()).toContain('Revoke PS-40 of Renée Two Feathers?');
      expect(await session.page.locator('.confirm-revoke').innerText()).toContain('It cannot be undone.');
      await Promise.all([
        session.page.waitForEvent('load'),
        session.page.getByRole('button', { name: 'Revoke', exact: true }).click(),
      ]);
      expect(await session.page.locator('.notice').innerText()).toContain('Revoked');
      await session.page.goto(`/verify/${certificate.code}`);
      expect(await session.page.locator('main h1').innerText()).toBe('This certificate was revoked');
      expect(await session.page.locator('.tombstone').innerText()).toContain('Issued in error');
      await screenshot(session.page, 'certificates-verify-revoked.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'an admin regenerates a selection and watches its progress; the old certificate points to the new one',
    async () => {
      session = await openPage({ width: 1280, height: 900 }, DEMO_ACCOUNTS.admin);
      const { page } = session;
      await page.goto('/certificates');
      await screenshot(page, 'certificates-admin-list.png');
      const boxes = page.locator('input[name="credentialIds"]');
      expect(await boxes.count()).toBeGreaterThan(3);
      const firstCode = await page.locator('main tbody tr').first().locator('code').innerText();
      for (let i = 0; i < 3; i++) await boxes.nth(i).check();
      await page.getByLabel('Reason').selectOption('template_update');
      await page.getByLabel('Note').fill('New layout');
      await Promise.all([
        page.waitForURL(/\/certificates\/jobs\//),
        page.getByRole('button', { name: 'Regenerate selected' }).click(),
      ]);
      await page.locator('[data-job-state]', { hasText: 'completed' }).waitFor();
      // Let the bar's transition finish before the picture.
      await page.waitForTimeout(600);
      expect(await page.locator('progress').getAttribute('value')).toBe('3');
      await screenshot(page, 'certificates-regenerate-job.png');
      await page.goto(`/verify/${firstCode}`);
      expect(await page.locator('main h1').innerText()).toBe('This certificate was replaced by a newer one');
      await screenshot(page, 'certificates-verify-superseded.png');
      await page.locator('.tombstone a').click();
      expect(await page.locator('main h1').innerText()).toBe('This certificate is genuine and current');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
