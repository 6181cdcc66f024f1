import {
  DEMO_ACCOUNTS,
  DESKTOP,
  PHONE,
  issueDemoCertificates,
  openPage,
  screenshot,
  TEST_TIMEOUT,
  useDemoBrowser,
  type Session,
} from '../helpers/browser';
import { Person } from '../../src/modules/people/person.entity';
import { Submission } from '../../src/modules/submissions/submission.entity';
import { Enrollment } from '../../src/modules/training/enrollment.entity';
import { TrainingSession } from '../../src/modules/training/training-session.entity';

// Issue 19, broken 3: on a phone a peer's own lists were 920 px tables in a 358 px box, with Download off-screen.
// Below 640 px they are one card per row (table.stack-sm), so nothing a peer acts on is out of reach.

const app = useDemoBrowser();

describe("a peer's own pages on a 390 px phone", () => {
  let session: Session;
  beforeAll(async () => {
    await issueDemoCertificates(app());
    // The demo peer has handed nothing in and has no session ahead: give each list a row to lay out as a card.
    const ds = app().dataSource;
    const peer = await ds.getRepository(Person).findOneByOrFail({ email: DEMO_ACCOUNTS.peer });
    await ds.getRepository(Submission).insert({
      personId: peer.id,
      kind: 'ce',
      state: 'returned',
      title: 'Suicide prevention: QPR gatekeeper training for peer supporters in rural communities',
      provider: 'Montana DPHHS',
      completedOn: app().config.today(),
      hours: 2,
      category: 'suicide_prevention',
      files: [],
      submittedById: peer.id,
      returnReason: 'The certificate of attendance is for another date; attach the one from the session you went to.',
    });
    const next = await ds
      .getRepository(TrainingSession)
      .createQueryBuilder('s')
      .where('s.heldOn >= :today AND s.cancelledAt IS NULL', { today: app().config.today() })
      .orderBy('s.heldOn')
      .getOneOrFail();
    await ds
      .getRepository(Enrollment)
      .insert({ cohortId: next.cohortId, personId: peer.id, status: 'enrolled', requestedAt: new Date() });
  }, 60_000);
  afterEach(async () => {
    await session?.context.close();
  });

  const scrollWidth = (s: Session) => s.page.evaluate<number>('document.documentElement.scrollWidth');

  it(
    'shows My credentials as cards: the Download link of a certificate is on screen and the page never scrolls sideways',
    async () => {
      session = await openPage(PHONE, DEMO_ACCOUNTS.peer);
      const { page } = session;
      await page.goto('/my/credentials');
      expect(await page.locator('main h1').innerText()).toBe('Renée Two Feathers');
      const link = page.getByRole('link', { name: 'Download PDF' });
      expect(await link.count()).toBeGreaterThanOrEqual(1);
      for (const box of await Promise.all((await link.all()).map((l) => l.boundingBox()))) {
        expect(box).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      }
      expect(await scrollWidth(session)).toBeLessThanOrEqual(PHONE.width);
      // Each card names its values with the column's label, since the headings are hidden; the credential's name,
      // with no label, is the card's title. Strings, because they run in the page and the project has no DOM library.
      const card = await page.evaluate<{ labels: string[]; before: string; titleWeight: string }>(`(() => {
        const row = [...document.querySelectorAll('section[aria-labelledby="creds"] tbody tr')]
          .find((tr) => tr.querySelector('a[href$="/download"]'));
        const issued = row.querySelector('td[data-label="Issued"]');
        return {
          labels: [...row.querySelectorAll('td[data-label]')].map((td) => td.dataset.label),
          before: getComputedStyle(issued, '::before').content,
          titleWeight: getComputedStyle(row.firstElementChild).fontWeight,
        };
      })()`);
      expect(card.labels).toEqual(['Issued', 'Expires', 'Standing', 'Number', 'Certificate']);
      expect(card.before).toBe('"Issued: "');
      expect(card.titleWeight).toBe('600');
      await screenshot(page, 'my-credentials-phone.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  for (const path of ['/my/submissions', '/my/training']) {
    it(
      `fits ${path} on the phone without sideways scrolling`,
      async () => {
        session = await openPage(PHONE, DEMO_ACCOUNTS.peer);
        await session.page.goto(path);
        // A real row, not only the empty-list line, is what must fit.
        expect(await session.page.locator('main table.stack-sm tbody tr td[data-label]').count()).toBeGreaterThan(0);
        expect(await scrollWidth(session)).toBeLessThanOrEqual(PHONE.width);
        await screenshot(session.page, `${path.slice(1).replace('/', '-')}-phone.png`);
        expect(session.problems).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }

  it(
    'keeps the desktop table: column headings shown, one row per credential',
    async () => {
      session = await openPage(DESKTOP, DEMO_ACCOUNTS.peer);
      const { page } = session;
      await page.goto('/my/credentials');
      const table = page.locator('section[aria-labelledby="creds"] table');
      expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('table.stack-sm')).display`)).toBe(
        'table',
      );
      expect((await table.locator('thead th').first().boundingBox())!.width).toBeGreaterThan(50);
      const rowDisplay = `getComputedStyle(document.querySelector('section[aria-labelledby="creds"] tbody tr')).display`;
      expect(await page.evaluate<string>(rowDisplay)).toBe('table-row');
      await screenshot(page, 'my-credentials-desktop.png');
      expect(session.problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
