import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { IsNull, Not } from 'typeorm';
import { Certificate } from '../../src/modules/certificates/certificate.entity';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { systemActor } from '../../src/common/auth/actor';
import { Credential } from '../../src/modules/credentials/credential.entity';
import { CredentialsService } from '../../src/modules/credentials/credentials.service';
import { Person } from '../../src/modules/people/person.entity';
import { Cohort } from '../../src/modules/training/cohort.entity';
import {
  DEMO_ACCOUNTS,
  DESKTOP,
  issueDemoCertificates,
  openPage,
  PHONE,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';
import { pdfText, pdfToPng } from '../helpers/pdf';

const app = useDemoBrowser();

/** What has the keyboard focus, described well enough to aim Tab presses at it. */
function focused(page: Page) {
  return page.evaluate<{ tag: string; name: string; type: string; text: string }>(`(() => {
    const el = document.activeElement;
    return {
      tag: el ? el.tagName.toLowerCase() : '',
      name: (el && el.getAttribute('name')) || '',
      type: (el && el.getAttribute('type')) || '',
      text: ((el && (el.innerText || el.textContent)) || '').trim().replace(/\\s+/g, ' '),
    };
  })()`);
}

/** Presses Tab (and only Tab) until the focused element matches; fails after `max` presses. */
async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (match(await focused(page))) return;
  }
  throw new Error(`Tab never reached the element; last focused: ${JSON.stringify(await focused(page))}`);
}

/** A 240 × 60 signature-like PNG: a dark wavy stroke on white. */
function signaturePng(): Buffer {
  const png = new PNG({ width: 240, height: 60 });
  png.data.fill(255);
  for (let x = 10; x < 230; x++) {
    const y = Math.round(30 + 18 * Math.sin(x / 14) * Math.cos(x / 41));
    for (let dy = -2; dy <= 2; dy++) {
      const i = ((y + dy) * 240 + x) * 4;
      png.data[i] = png.data[i + 1] = 20;
      png.data[i + 2] = 80;
    }
  }
  return PNG.sync.write(png);
}

describe('admin details in a real browser (issue 19)', () => {
  let session: Session;
  beforeAll(() => issueDemoCertificates(app()), 60_000);
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'an admin revokes a certificate with the keyboard alone, through the confirmation page',
    async () => {
      const renee = await app().dataSource.getRepository(Person).findOneByOrFail({ email: DEMO_ACCOUNTS.peer });
      const certificate = await app()
        .dataSource.getRepository(Certificate)
        .findOneOrFail({ where: { personId: Not(renee.id), supersededAt: IsNull(), revokedOn: IsNull() } });
      session = await openPage(DESKTOP, DEMO_ACCOUNTS.admin);
      const { page } = session;
      await page.goto(`/certificates/${certificate.id}`);

      await tabTo(page, (f) => f.tag === 'summary' && f.text.startsWith('Revoke this certificate'));
      await page.keyboard.press('Enter');
      expect(await page.locator('details.danger-zone').getAttribute('open')).not.toBeNull();
      await tabTo(page, (f) => f.tag === 'select' && f.name === 'reason');
      // A closed select takes the arrow keys: the first reason after "Choose…".
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('form[action$="/revoke"] select[name="reason"]').inputValue()).toBe('disciplinary');
      await tabTo(page, (f) => f.type === 'checkbox' && f.name === 'reasonPublic');
      await page.keyboard.press('Space');
      expect(await page.locator('input[type="checkbox"][name="reasonPublic"]').isChecked()).toBe(true);
      await tabTo(page, (f) => f.tag === 'button' && f.text.startsWith('Revoke certificate and credential'));
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);

      // The confirmation page: nothing revoked yet, and it says what will happen.
      expect(await page.locator('main h1').innerText()).toMatch(/^Revoke .+\?$/);
      const said = await page.locator('.confirm-revoke').innerText();
      expect(said).toContain(`certificate ${certificate.code}`);
      expect(said).toContain('with the reason "Disciplinary action"');
      expect(said).toContain('It cannot be undone.');
      expect(
        (await app().dataSource.getRepository(Credential).findOneByOrFail({ id: certificate.credentialId })).revokedOn,
      ).toBeNull();
      await screenshot(page, 'admin-revoke-confirm-desktop.png');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'admin-revoke-confirm-phone.png');
      await page.setViewportSize(DESKTOP);
      // Cancel comes first in the tab order, then Revoke.
      await tabTo(page, (f) => f.tag === 'a' && f.text === 'Cancel');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ tag: 'button', text: 'Revoke' });
      await Promise.all([page.waitForURL(/\?notice=revoked$/), page.keyboard.press('Space')]);
      expect(await page.locator('.notice').innerText()).toContain('Revoked');

      await page.goto(`/verify/${certificate.code}`);
      expect(await page.locator('main h1').innerText()).toBe('This certificate was revoked');
      const tombstone = await page.locator('.tombstone').innerText();
      expect(tombstone).toMatch(/^Revoked on [A-Z][a-z]{2} \d{1,2}, \d{4}\. Reason: Disciplinary action\./);
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    "a completed cohort's page follows its certificate batch live: 'N of M drawn'",
    async () => {
      const cohort = await app().dataSource.getRepository(Cohort).findOneByOrFail({ status: 'completed' });
      const drawn = await app()
        .dataSource.getRepository(Certificate)
        .find({
          // A revoked award needs no certificate, so the count leaves it out (the revoke test above may take one).
          where: { credential: { cohortId: cohort.id, revokedOn: IsNull() }, supersededAt: IsNull() },
          relations: { credential: true },
        });
      expect(drawn.length).toBeGreaterThan(1);
      // Two of the batch taken back, as if their jobs had not run yet.
      const pending = drawn.slice(0, 2);
      await app()
        .dataSource.getRepository(Certificate)
        .update(
          pending.map((c) => c.id),
          { supersededAt: new Date() },
        );
      session = await openPage(DESKTOP, DEMO_ACCOUNTS.admin);
      const { page } = session;
      await page.goto(`/training/cohorts/${cohort.id}`);
      const count = page.locator('[data-job-count]');
      expect(await count.innerText()).toBe(`${drawn.length - 2} of ${drawn.length}`);
      expect(await page.getByLabel(/drawn/).getAttribute('max')).toBe(String(drawn.length));
      await screenshot(page, 'admin-cohort-batch-running-desktop.png');

      // The jobs catch up, one and then the other: the page follows without a reload.
      await app().dataSource.getRepository(Certificate).update({ id: pending[0].id }, { supersededAt: null });
      await page.locator('[data-job-count]', { hasText: `${drawn.length - 1} of ${drawn.length}` }).waitFor();
      await app().dataSource.getRepository(Certificate).update({ id: pending[1].id }, { supersededAt: null });
      await page.locator('[data-job-state]', { hasText: 'completed' }).waitFor();
      expect(await count.innerText()).toBe(`${drawn.length} of ${drawn.length}`);
      expect(await page.locator('[data-job-hint]').innerText()).toContain('All certificates are drawn');
      await page.waitForTimeout(600);
      await screenshot(page, 'admin-cohort-batch-done-desktop.png');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'admin-cohort-batch-done-phone.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    "an admin sets the director's name and signature; the next certificate prints them; adding a person offers the invitation",
    async () => {
      session = await openPage(DESKTOP, DEMO_ACCOUNTS.admin);
      const { page } = session;
      await page.goto('/certificates');
      await page.getByRole('link', { name: /Settings: the program director/ }).click();
      await page.getByLabel("Director's name").fill('Dana Littlelight');
      await Promise.all([
        page.waitForURL(/notice=director/),
        page.getByRole('button', { name: 'Save the name' }).click(),
      ]);
      await page.getByLabel(/Upload a PNG or JPEG/).setInputFiles({
        name: 'signature.png',
        mimeType: 'image/png',
        buffer: signaturePng(),
      });
      await Promise.all([
        page.waitForURL(/notice=signature/),
        page.getByRole('button', { name: 'Upload the signature' }).click(),
      ]);
      expect(await page.locator('.signature-preview img').isVisible()).toBe(true);
      const image = await page.request.get('/admin/settings/signature');
      expect([image.status(), image.headers()['content-type']]).toEqual([200, 'image/png']);
      await screenshot(page, 'admin-settings-desktop.png');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'admin-settings-phone.png');
      await page.setViewportSize(DESKTOP);

      const holder = await app().person(['peer'], { name: 'Tamsin Old Coyote' });
      const awarded = await app()
        .app.get(CredentialsService)
        .record(holder.id, { credentialTypeCode: 'PS-40', issuedOn: app().config.today() }, systemActor('test'));
      const fresh = (await app().app.get(CertificatesService).issue(awarded.id, null))!;
      const response = await page.request.get(`/certificates/${fresh.id}/download`);
      const pdf = Buffer.from(await response.body());
      expect(pdfText(pdf)).toMatch(/Dana Littlelight PROGRAM DIRECTOR/);
      writeFileSync(join(__dirname, 'screenshots', 'admin-certificate-director-signature.png'), pdfToPng(pdf, 60));

      await page.goto('/people/new');
      expect(await page.getByLabel('Send the invitation now').isChecked()).toBe(true);
      await screenshot(page, 'admin-add-person-invitation.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
