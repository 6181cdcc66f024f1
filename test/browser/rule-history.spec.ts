import { addDays, dateInZone, formatDate } from '../../src/common/dates';
import { openPage, screenshot, TEST_TIMEOUT, useDemoBrowser, type Session } from '../helpers/browser';

const app = useDemoBrowser();

describe('a practice-role rule changed in advance, in a real browser', () => {
  let session: Session;
  afterEach(async () => {
    await session?.context.close();
  });

  it(
    "shows the change in the role's history and in the explanation of someone it will stop clearing",
    async () => {
      const t = app();
      const today = dateInZone(new Date(), t.config.timeZone);
      const from = addDays(today, 30);
      const admin = t.withBearer((await t.token(['admin'])).bearer);
      const roles = (await admin.get('/api/v1/practice-roles').expect(200)).body as Array<{ id: string; code: string }>;
      const narcan = roles.find((r) => r.code === 'NARCAN-INSTRUCTOR')!;
      await admin
        .put(`/api/v1/practice-roles/${narcan.id}/rule`)
        .send({
          rule: {
            kind: 'all_of',
            children: [
              { kind: 'credential', credentialTypeCode: 'NARCAN-MT' },
              { kind: 'credential', credentialTypeCode: 'MHFA' },
            ],
          },
          effectiveFrom: from,
          note: 'Instructors must also hold Mental Health First Aid',
        })
        .expect(200);
      // A demo peer cleared as an instructor today who holds no MHFA.
      const board = (await admin.get('/api/v1/clearance/board').query({ role: 'NARCAN-INSTRUCTOR' }).expect(200))
        .body as {
        rows: Array<{
          person: { id: string; name: string };
          clearance: Record<string, { status: string; clearedUntil: string | null }>;
        }>;
      };
      const affected = board.rows.find(
        (r) =>
          r.clearance['NARCAN-INSTRUCTOR'].status !== 'not_cleared' &&
          r.clearance['NARCAN-INSTRUCTOR'].clearedUntil === addDays(from, -1),
      );
      expect(affected).toBeDefined();

      session = await openPage();
      const { page } = session;
      expect((await page.goto(`/catalog/practice-roles/${narcan.id}`))?.status()).toBe(200);
      const versions = page.locator('section[aria-labelledby="history"] tbody tr');
      await expect(versions.count()).resolves.toBe(2);
      expect(await versions.nth(0).innerText()).toContain(`From ${formatDate(from)}, still in force`);
      expect(await versions.nth(0).innerText()).toContain('Why: Instructors must also hold Mental Health First Aid');
      expect(await versions.nth(1).innerText()).toMatch(/in force today/);
      expect(await versions.nth(1).innerText()).toContain(
        `From the beginning through ${formatDate(addDays(from, -1))}`,
      );
      await screenshot(page, 'practice-role-history-change.png');

      expect((await page.goto(`/people/${affected!.person.id}/clearance`))?.status()).toBe(200);
      const card = page.locator('article#NARCAN-INSTRUCTOR');
      expect(await card.innerText()).toContain(`until ${formatDate(addDays(from, -1))}`);
      expect(await card.innerText()).toContain(
        `The rules for Narcan Class Instructor change on ${formatDate(from)} (version 2), and they are not met for that day: cleared through the day before.`,
      );
      expect(await card.innerText()).toContain('Judged by version 1 of the rule, in force from the beginning');
      await card.screenshot({ path: 'test/browser/screenshots/clearance-rule-change.png' });
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
