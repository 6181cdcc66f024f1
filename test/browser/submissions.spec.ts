import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, formatDate } from '../../src/common/dates';
import { makePng } from '../factories/evidence-files';
import {
  DEMO_ACCOUNTS,
  openPage,
  PHONE,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
  menuLink,
} from '../helpers/browser';

// Issue 17: a peer renews a credential from their phone, with the evidence picked in the file picker; an admin
// reviews it on a desktop with the evidence shown in the page, returns it, and approves the fixed version.

const app = useDemoBrowser();

/**
 * The factory's makePdf has no page, so a viewer shows nothing: this one has a page with the licence on it, so the
 * review page's screenshot shows whether the PDF is drawn. No cross-reference table: Chromium rebuilds it.
 */
function licencePdf(): Buffer {
  const text = 'BT /F1 28 Tf 30 120 Td (MT-CBHPSS licence CBHPSS-4139) Tj 0 -40 Td (Expires Jan 8, 2028) Tj ET';
  return Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 220] /Contents 4 0 R' +
      ' /Resources << /Font << /F1 5 0 R >> >> >> endobj\n' +
      `4 0 obj << /Length ${text.length} >> stream\n${text}\nendstream endobj\n` +
      '5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n' +
      'trailer << /Root 1 0 R >>\n%%EOF\n',
    'latin1',
  );
}

describe('handing in a renewal and reviewing it, in a real browser', () => {
  let dir: string;
  const sessions: Session[] = [];
  const open = async (...args: Parameters<typeof openPage>) => {
    const session = await openPage(...args);
    sessions.push(session);
    return session;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-'));
    writeFileSync(join(dir, 'cbhpss-licence.pdf'), licencePdf());
    writeFileSync(join(dir, 'cbhpss-card.png'), makePng([20, 90, 160]));
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'goes from Renew on My credentials through return and resubmission to the renewed credential on the record',
    async () => {
      const today = app().config.today();
      const issuedOn = addDays(today, -3);
      const expiresOn = addDays(today, 400);

      // The peer, on a phone: My credentials → Renew → the form, prefilled, with a PDF from the file picker.
      const peer = await open(PHONE, DEMO_ACCOUNTS.peer);
      await peer.page.goto('/my/credentials');
      await Promise.all([
        peer.page.waitForURL(/\/my\/credentials\/[0-9a-f-]+\/renew$/),
        peer.page.getByRole('link', { name: 'Renew MT-CBHPSS' }).click(),
      ]);
      expect(await peer.page.locator('main h1').innerText()).toBe('Renew MT-CBHPSS');
      expect(await peer.page.getByLabel('Credential type').inputValue()).toBe('MT-CBHPSS');
      await expect(peer.page.getByText('Never upload health information').isVisible()).resolves.toBe(true);
      // A refusal keeps the draft: no evidence attached.
      await peer.page.getByLabel('Issued').fill(issuedOn);
      await peer.page.getByLabel('Expires').fill(expiresOn);
      await peer.page.getByLabel('Licence number').fill('CBHPSS-4139');
      const refused = await Promise.all([
        peer.page.waitForEvent('load'),
        peer.page.getByRole('button', { name: 'Submit for review' }).click(),
      ]);
      expect(refused).toBeTruthy();

      expect(await peer.page.locator('#files-error').innerText()).toMatch(/Attach the evidence/);
      expect(await peer.page.getByLabel('Licence number').inputValue()).toBe('CBHPSS-4139');
      expect(await peer.page.getByLabel('Issued').inputValue()).toBe(issuedOn);
      const [chooser] = await Promise.all([
        peer.page.waitForEvent('filechooser'),
        peer.page.getByLabel(/^Evidence/).click(),
      ]);
      await chooser.setFiles(join(dir, 'cbhpss-licence.pdf'));
      await screenshot(peer.page, 'submission-phone-form.png');
      await Promise.all([
        peer.page.waitForURL(/\/my\/submissions\/[0-9a-f-]+\?notice=submitted$/),
        peer.page.getByRole('button', { name: 'Submit for review' }).click(),
      ]);
      expect(await peer.page.locator('main hgroup .badge').innerText()).toBe('submitted');
      const mineUrl = peer.page.url().split('?')[0];

      // The admin, on a desktop: Submissions in the menu with its count, the queue, the evidence in the page.
      const admin = await open(undefined, DEMO_ACCOUNTS.admin);
      await admin.page.goto('/');
      // In the Admin group, whose summary shows the count while it is closed.
      const group = admin.page.locator('header details.dropdown > summary', { hasText: 'Admin' });
      expect(await group.locator('.badge').textContent()).toBe('1 waiting');
      const menu = await menuLink(admin.page, 'Submissions');
      expect(await menu.locator('.badge').textContent()).toBe('1 waiting');
      await Promise.all([admin.page.waitForURL(/\/admin\/submissions$/), menu.click()]);
      const row = admin.page.locator('main table tbody tr').first();
      expect(await row.innerText()).toMatch(/under an hour[\s\S]*Renée[\s\S]*Renewal[\s\S]*MT-CBHPSS/);
      await Promise.all([admin.page.waitForURL(/\/admin\/submissions\/[0-9a-f-]+$/), row.getByRole('link').click()]);
      const viewer = admin.page.locator('figure.evidence iframe');
      expect(await viewer.getAttribute('src')).toMatch(/\/api\/v1\/submissions\/[0-9a-f-]+\/files\/1\?inline=1$/);
      // Chromium draws a PDF with its viewer inside the frame: the file's own sandboxing CSP does not stop it.
      const pdfViewer = () => admin.page.frames().some((f) => f.url().startsWith('chrome-extension://'));
      for (let i = 0; i < 100 && !pdfViewer(); i++) await admin.page.waitForTimeout(100);
      expect(pdfViewer()).toBe(true);
      expect(admin.page.frames().some((f) => f.url().startsWith('chrome-error://'))).toBe(false);
      expect(await admin.page.getByLabel('Checked on').inputValue()).toBe(today);
      // The viewer draws the page a moment after its frame appears; the screenshot is for a person to look at.
      await admin.page.waitForTimeout(1500);
      await screenshot(admin.page, 'submission-admin-review.png');
      await admin.page.getByLabel('What to fix').fill('The scan is cut off: the expiry date is not readable.');
      await Promise.all([
        admin.page.waitForURL(/notice=returned$/),
        admin.page.getByRole('button', { name: 'Return' }).click(),
      ]);
      expect(await admin.page.locator('main hgroup .badge').innerText()).toBe('returned');

      // The peer sees the reason and sends it again, with a clearer picture of the card.
      await peer.page.goto(mineUrl);
      expect(await peer.page.locator('.returned-reason').innerText()).toMatch(/expiry date is not readable/);
      const fix = peer.page.locator('section', { has: peer.page.getByRole('heading', { name: 'Fix and send again' }) });
      expect(await fix.getByLabel('Licence number').inputValue()).toBe('CBHPSS-4139');
      await fix.locator('input[type=file]').setInputFiles(join(dir, 'cbhpss-card.png'));
      await Promise.all([
        peer.page.waitForURL(/notice=submitted$/),
        fix.getByRole('button', { name: 'Send again' }).click(),
      ]);
      expect(await peer.page.locator('#history').isVisible()).toBe(true);
      expect(await peer.page.locator('main').innerText()).toMatch(/returned — what to fix: The scan is cut off/);

      // The admin approves the new version, its PNG shown as an image, with the primary-source check.
      await admin.page.goto('/admin/submissions');
      await Promise.all([
        admin.page.waitForURL(/\/admin\/submissions\/[0-9a-f-]+$/),
        admin.page.locator('main table tbody tr').first().getByRole('link').click(),
      ]);
      // The image loaded (a broken one has no natural width): served inline, under the page's own policy.
      await admin.page.waitForFunction("document.querySelector('figure.evidence img')?.naturalWidth === 1");
      await admin.page.getByLabel('Where').fill('Montana licence lookup');
      await Promise.all([
        admin.page.waitForURL(/notice=approved$/),
        admin.page.getByRole('button', { name: 'Approve' }).click(),
      ]);
      expect(await admin.page.locator('main hgroup .badge').innerText()).toBe('approved');
      await admin.page.goto('/');
      expect(await admin.page.locator('header nav a', { hasText: 'Submissions' }).locator('.badge').count()).toBe(0);

      // The peer's record shows the renewed credential, checked at the source today.
      await peer.page.goto('/my/credentials');
      const renewed = peer.page.locator('main table tbody tr', { hasText: 'MT-CBHPSS' }).first();
      await expect(renewed.innerText()).resolves.toContain(formatDate(expiresOn));
      await expect(renewed.innerText()).resolves.toContain(`checked ${formatDate(today)}: confirmed`);
      // The one 400 is the refusal asked for above (no evidence attached), re-shown as the form.
      expect(peer.problems.filter((p) => !/status of 400 .*\/my\/submissions\)$/.test(p))).toEqual([]);
      expect(admin.problems).toEqual([]);
    },
    TEST_TIMEOUT * 2,
  );
});
