import { randomUUID } from 'node:crypto';
import { Person } from '../../src/modules/people/person.entity';
import { DataImport } from '../../src/modules/imports/import.entity';
import { menuLink, openPage, screenshot, TEST_TIMEOUT, useDemoBrowser, type Session } from '../helpers/browser';

// Issue 16: the admin's import pages, from upload through the mapping step and the preview to the commit.

const app = useDemoBrowser();

/** The page's problems but the refusals the test makes on purpose (a form answered at 400). */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of 400 .*\/admin\/imports/.test(p));

describe('spreadsheet import in a real browser', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    'an admin uploads a messy CSV, maps a column and ignores another, reads the preview and commits skipping the rejected row',
    async () => {
      session = await openPage();
      const { page } = session;
      const x = randomUUID().slice(0, 8);
      // A BOM, semicolons and CRLF, as a spreadsheet exported in Europe; "Staff mail" matches no field by name.
      const csv =
        '\uFEFFFirst name;Last name;Staff mail;Employee ID;Notes\r\n' +
        `Ada;Lovelace;ada.${x}@example.org;HR-${x}-1;first\r\n` +
        `Ben;Many Horses;ben.${x}@example.org;HR-${x}-2;\r\n` +
        `Cy;Bad;not-an-address;HR-${x}-3;typo\r\n` +
        `Dee;Ray;dee.${x}@example.org;;"a; b"\r\n`;

      await page.goto('/');
      await Promise.all([page.waitForURL('**/admin/imports'), (await menuLink(page, 'Imports')).click()]);
      await page.getByLabel('What the file holds').selectOption({ label: 'People (staff and peers)' });
      await page.getByLabel(/^File/).setInputFiles({
        name: `staff-${x}.csv`,
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      await Promise.all([
        page.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Upload and check' }).click(),
      ]);

      // The mapping step: the unmatched headers, each with the kind's fields.
      await page.getByRole('heading', { name: 'Match the columns' }).waitFor();
      expect(await page.locator('main').innerText()).toContain('The file has no column for: E-mail');
      expect(await page.locator('table.mapping tbody th').allInnerTexts()).toEqual(['Staff mail', 'Notes']);
      await screenshot(page, 'imports-mapping.png');
      await page.getByLabel('What the column Staff mail holds').selectOption({ label: 'E-mail' });
      await page.getByLabel('What the column Notes holds').selectOption({ label: 'Ignore this column' });
      await page.getByLabel(/Save this mapping as/).fill(`Staff export ${x}`);
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Check again with these columns' }).click(),
      ]);

      // The preview: how the file was read, the counts, and the rejected row by line and column.
      await page.getByRole('heading', { name: 'What committing would do' }).waitFor();
      const facts = await page.locator('dl.facts').innerText();
      expect(facts).toMatch(/Format\s+CSV/);
      expect(facts).toMatch(/Encoding\s+utf-8-bom/);
      expect(facts).toMatch(/Delimiter\s+semicolon \(;\)/);
      expect(facts).toMatch(/Rows\s+4/);
      const tiles = (await page.locator('.stats article').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      expect(tiles).toEqual(['3 new', '0 updated', '0 unchanged', '1 rejected']);
      const rejected = page.locator('table.rejected tbody tr');
      expect(await rejected.count()).toBe(1);
      const [line, column, reason] = await rejected.first().locator('td').allInnerTexts();
      expect({ line, column }).toEqual({ line: '4', column: 'Staff mail' });
      expect(reason).toMatch(/e-mail/i);
      expect(await page.getByRole('link', { name: 'Download the rejected rows as CSV' }).getAttribute('href')).toMatch(
        /^\/api\/v1\/imports\/[0-9a-f-]{36}\/rejected\.csv$/,
      );
      await screenshot(page, 'imports-preview.png');

      // The rejected-rows file downloads with the session cookie.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download the rejected rows as CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`staff-${x}-rejected.csv`);

      // All or nothing by default: committing with a rejected row is refused on the page, and nothing is written.
      await page.getByRole('button', { name: 'Commit the import' }).click();
      await page.getByText('1 of 4 rows were rejected, so nothing is imported').first().waitFor();
      const people = app().dataSource.getRepository(Person);
      const ours = () =>
        people
          .createQueryBuilder('p')
          .where('p.email_key LIKE :k', { k: `%.${x}@example.org` })
          .getCount();
      expect(await ours()).toBe(0);

      await page.getByLabel('Import the valid rows and skip the 1 rejected ones').check();
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Commit the import' }).click()]);
      // The progress section reloads the page once the commit is done: the summary replaces it.
      await page.getByRole('heading', { name: 'Imported' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('p.notice').innerText()).toMatch(
        /3 new, 0 updated, 0 unchanged, 1 rejected rows skipped/,
      );
      expect(await page.locator('progress').count()).toBe(0);
      expect(await ours()).toBe(3);
      await screenshot(page, 'imports-committed.png');

      // The list shows it, and the saved mapping is offered for the next file.
      await page.goto('/admin/imports');
      const row = page.locator('main table tbody tr', { hasText: `staff-${x}.csv` });
      expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(/People \(staff and peers\) committed 4 3 0 0 1$/);
      expect(await page.getByLabel('Saved column mapping').locator('option').allInnerTexts()).toContain(
        `Staff export ${x} (People (staff and peers))`,
      );
      expect(unexpected(session.problems)).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'an upload with no file is refused on the form at 400; a large commit shows its progress bar until the summary',
    async () => {
      session = await openPage();
      const { page } = session;
      await page.goto('/admin/imports');
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/admin/imports')),
        page.getByRole('button', { name: 'Upload and check' }).click(),
      ]);
      expect(refused.status()).toBe(400);
      await page.getByText('Choose a CSV or XLSX file to import.').first().waitFor();
      expect(await page.locator('input[type=file]').getAttribute('aria-invalid')).toBe('true');

      const x = randomUUID().slice(0, 8);
      const rows = Array.from({ length: 20_000 }, (_, i) => `P${i},Person ${x},p${i}.${x}@example.org`);
      await page.getByLabel('What the file holds').selectOption('people');
      await page.getByLabel(/^File/).setInputFiles({
        name: `many-${x}.csv`,
        mimeType: 'text/csv',
        buffer: Buffer.from(`First name,Last name,Email\n${rows.join('\n')}\n`),
      });
      await Promise.all([
        page.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Upload and check' }).click(),
      ]);
      await page.getByRole('heading', { name: 'What committing would do' }).waitFor({ timeout: 60_000 });
      expect(await page.getByLabel(/skip the/).count()).toBe(0);
      let loads = 0;
      page.on('load', () => loads++);
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Commit the import' }).click()]);
      // A browser running scripts has no refresh to act on; the script moves the bar and reloads once at the end.
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      await page.locator('progress').waitFor();
      await page.getByRole('heading', { name: 'Imported' }).waitFor({ timeout: 60_000 });
      expect(await page.locator('p.notice').innerText()).toContain('20000 new');
      expect(loads).toBe(2);
      const id = page.url().split('/').pop()!;
      expect((await app().dataSource.getRepository(DataImport).findOneByOrFail({ id })).state).toBe('committed');
      expect(unexpected(session.problems)).toEqual([]);
    },
    TEST_TIMEOUT * 3,
  );

  it(
    'a file that cannot be read ends failed, and its page says why',
    async () => {
      session = await openPage();
      const { page } = session;
      await page.goto('/admin/imports');
      await page.getByLabel('What the file holds').selectOption('completions');
      await page.getByLabel(/^File/).setInputFiles({
        name: 'completions.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: Buffer.from('name,course\nAda,PS-40\n'),
      });
      await Promise.all([
        page.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Upload and check' }).click(),
      ]);
      await page.getByRole('heading', { name: 'The file could not be checked' }).waitFor();
      expect(await page.locator('main [role=alert]').innerText()).toContain(
        'is named .xlsx but is not an Excel workbook',
      );
      expect(await page.getByRole('button', { name: 'Commit the import' }).count()).toBe(0);
      expect(unexpected(session.problems)).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
