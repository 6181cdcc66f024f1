import { addDays, dateInZone, formatDate } from '../../src/common/dates';
import type { Person } from '../../src/modules/people/person.entity';
import { SupervisionSession } from '../../src/modules/supervision/supervision-session.entity';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** The rows of the page's first table body, each as its cells' text (tags dropped, spaces collapsed). */
function rows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) =>
      c[1]
        .replace(/<span class="sr-only">[\s\S]*?<\/span>/g, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

/** The names the log form's picker offers. */
function pickerNames(html: string): string[] {
  const select = /<select name="personId"[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';
  return [...select.matchAll(/<option value="[^"]+"[^>]*>([^<]*)<\/option>/g)].map((m) => m[1]);
}

const form = (fields: Record<string, string>, csrf: string) =>
  new URLSearchParams({ _csrf: csrf, ...fields }).toString();

/** Issue 19: a supervisor's own list of supervisees and logging a session from a picker. */
describeEachEngine('My supervisees and logging from a picker', (engine) => {
  let t: TestApp;
  let api: ReturnType<TestApp['withBearer']>;
  let ellen: Browser;
  let web: ReturnType<TestApp['as']>;
  let ada: Person;
  let bea: Person;
  let cal: Person;
  let gone: Person;
  let others: Person;
  let today: string;
  let monthStart: string;

  const assign = (peer: Person, supervisorId: string, startsOn: string, to?: string) =>
    api.post('/api/v1/supervision/assignments').send({ peerId: peer.id, supervisorId, startsOn, to }).expect(201);
  const session = (peer: Person, heldOn: string, minutes: number) =>
    t.dataSource.getRepository(SupervisionSession).insert({
      peerId: peer.id,
      supervisorId: ellen.person.id,
      heldOn,
      minutes,
      summary: 'Boundaries and self-care',
      attestedAt: new Date(),
    });

  beforeAll(async () => {
    t = await createTestApp(engine);
    api = t.withBearer((await t.token(['admin'])).bearer);
    today = dateInZone(new Date(), t.config.timeZone);
    monthStart = `${today.slice(0, 7)}-01`;
    ellen = await t.browser(['supervisor'], { name: 'Ellen Brightwater' });
    web = t.as(ellen);
    const otherSupervisor = await t.person(['supervisor'], { name: 'Oscar Other' });
    ada = await t.person(['peer'], { name: 'Ada Okafor' });
    bea = await t.person(['peer'], { name: 'Bea Running Crane' });
    cal = await t.person(['peer'], { name: 'Cal Two Bulls' });
    gone = await t.person(['peer'], { name: 'Gus Formerly' });
    others = await t.person(['peer'], { name: 'Olive Elsewhere' });
    const long = addDays(today, -400);
    for (const p of [ada, bea, cal]) await assign(p, ellen.person.id, long);
    await assign(gone, ellen.person.id, long, addDays(today, -1));
    await assign(others, otherSupervisor.id, long);

    // Ada: this month (two sessions), one the day before the month began (not this month's), and one in the
    // future that must not count as her last (the service refuses those; a stored one must still be ignored).
    await session(ada, monthStart, 30);
    await session(ada, today, 60);
    await session(ada, addDays(monthStart, -1), 45);
    await session(ada, addDays(today, 3), 15);
    // Bea: last seen just past the gap, so overdue. Cal: never.
    await session(bea, addDays(today, -(t.config.supervisionGapDays + 1)), 60);
    await session(gone, today, 60);
  });
  afterAll(async () => t?.close());

  it('lists current supervisees only, overdue first, with the last session on or before today and minutes this month', async () => {
    const page = await web.get('/supervision/mine').expect(200);
    const table = rows(page.text);
    expect(table.map((r) => r[0])).toEqual(['Bea Running Crane', 'Cal Two Bulls', 'Ada Okafor']);
    expect(table[0].slice(1, 3)).toEqual([
      `${formatDate(addDays(today, -(t.config.supervisionGapDays + 1)))} overdue`,
      '0', // a gap longer than any month starts before this month began
    ]);
    expect(table[1].slice(1, 3)).toEqual(['None logged overdue', '0']);
    // Today's session, not the stored future one; both of this month's sessions, not last month's.
    expect(table[2].slice(1, 3)).toEqual([formatDate(today), '90']);
    expect(page.text).toContain('2 overdue');
    expect(page.text).toContain(`href="/supervision/mine/log?personId=${ada.id}"`);
    expect(page.text).not.toContain('Gus Formerly');
    expect(page.text).not.toContain('Olive Elsewhere');
    expect(page.text).toContain('<a href="/supervision/mine" aria-current="page">My supervisees</a>');
  });

  it('offers only current supervisees in the picker, and preselects the one the address names', async () => {
    const picker = await web.get(`/supervision/mine/log?personId=${bea.id}`).expect(200);
    expect(pickerNames(picker.text)).toEqual(['Ada Okafor', 'Bea Running Crane', 'Cal Two Bulls']);
    expect(picker.text).toContain(`<option value="${bea.id}" selected>`);
    // Someone else's supervisee named in the address is not preselected, nor named.
    const probe = await web.get(`/supervision/mine/log?personId=${others.id}`).expect(200);
    expect(probe.text).not.toContain(' selected>');
    expect(probe.text).not.toContain('Olive Elsewhere');
    await web.get('/supervision/mine/log?personId=not-a-uuid').expect(400);
  });

  it('logs a session for a supervisee through the service rules, and then shows it as their last', async () => {
    const res = await web
      .post('/supervision/mine/sessions')
      .type('form')
      .send(
        form(
          { personId: cal.id, heldOn: today, minutes: '45', summary: 'Sharing one’s story safely', attest: 'true' },
          ellen.csrf,
        ),
      )
      .expect(303);
    expect(res.headers.location).toBe('/supervision/mine?notice=logged');
    const page = await web.get(res.headers.location).expect(200);
    expect(page.text).toContain('Session logged.');
    const calRow = rows(page.text).find((r) => r[0] === 'Cal Two Bulls')!;
    expect(calRow[1]).not.toMatch(/None logged|overdue/);
    expect(calRow[2]).toBe('45');
    expect((await api.get(`/api/v1/people/${cal.id}/supervision-sessions`).expect(200)).body).toEqual([
      expect.objectContaining({ heldOn: today, minutes: 45, supervisorId: ellen.person.id }),
    ]);
  });

  it('refuses someone who is not their supervisee now, without naming them, and keeps the draft', async () => {
    for (const peer of [others, gone]) {
      const res = await web
        .post('/supervision/mine/sessions')
        .type('form')
        .send(
          form(
            { personId: peer.id, heldOn: today, minutes: '30', summary: 'Ethics and boundaries', attest: 'true' },
            ellen.csrf,
          ),
        )
        .expect(400);
      expect(res.text).toContain('must be one of your supervisees');
      expect(res.text).toContain('Ethics and boundaries');
      expect(res.text).not.toContain(peer.name);
    }
    const junk = await web
      .post('/supervision/mine/sessions')
      .type('form')
      .send(
        form(
          { personId: 'x', heldOn: today, minutes: '30', summary: 'Ethics and boundaries', attest: 'true' },
          ellen.csrf,
        ),
      )
      .expect(400);
    expect(junk.text).toContain('must be one of your supervisees');
    expect((await api.get(`/api/v1/people/${others.id}/supervision-sessions`).expect(200)).body).toEqual([]);
  });

  it("re-shows the service's own refusals beside their fields, with the supervisee still chosen", async () => {
    const res = await web
      .post('/supervision/mine/sessions')
      .type('form')
      .send(
        form({ personId: ada.id, heldOn: addDays(today, 1), minutes: '20', summary: 'Short', attest: '' }, ellen.csrf),
      )
      .expect(400);
    expect(res.text).toContain('must be in blocks of 15 minutes');
    expect(res.text).toContain('must say briefly what was covered');
    expect(res.text).toContain(`<option value="${ada.id}" selected>`);
    const future = await web
      .post('/supervision/mine/sessions')
      .type('form')
      .send(
        form(
          { personId: ada.id, heldOn: addDays(today, 1), minutes: '30', summary: 'Boundaries again', attest: 'true' },
          ellen.csrf,
        ),
      )
      .expect(400);
    expect(future.text).toContain('cannot be in the future');
    expect(future.text).toContain('Boundaries again');
  });

  it('offers Log a session on the board row of their own supervisees only', async () => {
    const board = await web.get('/clearance').expect(200);
    for (const p of [ada, bea, cal]) expect(board.text).toContain(`href="/supervision/mine/log?personId=${p.id}"`);
    const admin = await t.browser(['admin']);
    const adminBoard = await t.as(admin).get('/clearance').expect(200);
    expect(adminBoard.text).toContain('Ada Okafor');
    expect(adminBoard.text).not.toContain('/supervision/mine/log');
  });
});
