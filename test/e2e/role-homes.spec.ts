import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/common/dates';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { JobQueue } from '../../src/modules/jobs/jobs';
import type { Person } from '../../src/modules/people/person.entity';
import { makePdf } from '../factories/evidence-files';
import { programFactory } from '../factories/program';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { settle } from '../helpers/jobs';

/** The `<li>`/`<tr>` element of the home page carrying `attr="value"`, or undefined. */
function element(html: string, attr: string, value: string): string | undefined {
  const re = new RegExp(`<(li|tr)[^>]*${attr}="${value}"[^>]*>([\\s\\S]*?)</\\1>`);
  return re.exec(html)?.[2];
}

/** Every value of `attr` on the page, in page order. */
function values(html: string, attr: string): string[] {
  return [...html.matchAll(new RegExp(`${attr}="([^"]+)"`, 'g'))].map((m) => m[1]);
}

/**
 * Issue 19, "each role lands on its own work": the trainer's home lists their open cohorts, the next sessions,
 * the sessions still without attendance and the ended cohorts waiting to be completed, and nothing of another
 * trainer's; the admin's home leads with what needs attention, by count, each linking to where it is dealt with.
 */
describeEachEngine('Role homes', (engine) => {
  let t: TestApp;
  let admin: string;
  let trainer: Browser;
  let today: string;
  let courseId: string;
  let moduleId: string;
  const ids: Record<string, string> = {};

  const asAdmin = () => t.withBearer(admin);
  const cohort = async (name: string, trainerId: string, startsOn: string, endsOn: string) =>
    (
      await asAdmin()
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name,
          location: `${name} hall`,
          setting: 'clinic',
          startsOn,
          endsOn,
          capacity: 10,
          trainerIds: [trainerId],
        })
        .expect(201)
    ).body.id as string;
  const session = async (cohortId: string, heldOn: string) =>
    (
      await asAdmin()
        .post(`/api/v1/cohorts/${cohortId}/sessions`)
        .send({ heldOn, startsAt: '09:00', endsAt: '12:00', moduleIds: [moduleId] })
        .expect(201)
    ).body.id as string;
  const enrol = async (cohortId: string, ...people: Person[]) => {
    for (const p of people)
      await asAdmin().post(`/api/v1/cohorts/${cohortId}/enrollments`).send({ personId: p.id }).expect(201);
  };
  const present = (cohortId: string, sessionId: string, ...people: Person[]) =>
    asAdmin()
      .put(`/api/v1/cohorts/${cohortId}/attendance`)
      .send({ records: people.map((p) => ({ sessionId, personId: p.id, status: 'present' })) })
      .expect(200);
  const run = (cohortId: string) =>
    asAdmin().post(`/api/v1/cohorts/${cohortId}/status`).send({ status: 'running' }).expect(200);

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = t.config.today();
    admin = (await t.token(['admin'])).bearer;
    trainer = await t.browser(['trainer']);
    const other = await t.token(['trainer']);
    const course = (
      await asAdmin()
        .post('/api/v1/courses')
        .send({
          code: `HOME-${randomUUID().slice(0, 6)}`,
          title: 'Home course',
          requiredHours: 3,
          modules: [{ title: 'Ethics', hours: 3, required: true }],
        })
        .expect(201)
    ).body;
    courseId = course.id;
    moduleId = course.modules[0].id;
    const people: Person[] = [];
    // One at a time: SQLite takes one writer.
    for (const n of [1, 2, 3, 4, 5]) people.push(await t.person(['peer'], { name: `Peer ${n}` }));
    const [p1, p2, p3, p4, p5] = people;

    // Running, the trainer's own: one past session half recorded, one fully recorded, one coming, one cancelled.
    ids.running = await cohort('Running own', trainer.person.id, addDays(today, -5), addDays(today, 5));
    await run(ids.running);
    await enrol(ids.running, p1, p2);
    ids.halfRecorded = await session(ids.running, addDays(today, -2));
    await present(ids.running, ids.halfRecorded, p1);
    ids.recorded = await session(ids.running, addDays(today, -1));
    await present(ids.running, ids.recorded, p1, p2);
    ids.next = await session(ids.running, addDays(today, 1));
    ids.cancelled = await session(ids.running, addDays(today, 2));
    await asAdmin().post(`/api/v1/training-sessions/${ids.cancelled}/cancel`).expect(200);
    // Planned, the trainer's own, with a session later.
    ids.planned = await cohort('Planned own', trainer.person.id, addDays(today, 10), addDays(today, 12));
    ids.later = await session(ids.planned, addDays(today, 10));
    // Ended, still running, two people never completed: it waits for completion.
    ids.ended = await cohort('Ended own', trainer.person.id, addDays(today, -20), addDays(today, -10));
    await run(ids.ended);
    await enrol(ids.ended, p3, p4);
    // Another trainer's, with the same kinds of work: none of it is this trainer's.
    ids.others = await cohort("Another trainer's", other.person.id, addDays(today, -20), addDays(today, -1));
    await run(ids.others);
    await enrol(ids.others, p5);
    ids.othersPast = await session(ids.others, addDays(today, -3));
    // A cancelled cohort of the trainer's asks nothing of them.
    ids.dropped = await cohort('Dropped own', trainer.person.id, addDays(today, -8), addDays(today, -4));
    await enrol(ids.dropped, p5);
    ids.droppedPast = await session(ids.dropped, addDays(today, -6));
    await asAdmin().post(`/api/v1/cohorts/${ids.dropped}/status`).send({ status: 'cancelled' }).expect(200);
  }, 60_000);
  afterAll(async () => t?.close());

  it("shows a trainer their open cohorts, next sessions, missing attendance and waiting completions, and no one else's", async () => {
    const html = (await t.as(trainer).get('/').expect(200)).text;
    expect(html).toContain('href="/training/cohorts/new"');
    expect(html).toMatch(/>Plan a cohort</);

    // Running first, then planned; the ended one is still running, so it is listed too (oldest start first).
    expect(values(html, 'data-cohort')).toEqual([ids.ended, ids.running, ids.planned]);
    expect(element(html, 'data-cohort', ids.running)).toMatch(
      /Running own[\s\S]*running[\s\S]*Running own hall[\s\S]*2 of 10/,
    );

    // The next sessions, in date order, with time, cohort and place; cancelled ones and another's are left out.
    expect(values(html, 'data-session')).toEqual([ids.next, ids.later]);
    expect(element(html, 'data-session', ids.next)).toMatch(
      /Tomorrow[\s\S]*09:00–12:00[\s\S]*Running own[\s\S]*Running own hall/,
    );

    // Attendance: the half-recorded session only (not the recorded one, another trainer's, or a cancelled cohort's).
    expect(values(html, 'data-unrecorded')).toEqual([ids.halfRecorded]);
    const unrecorded = element(html, 'data-unrecorded', ids.halfRecorded)!;
    expect(unrecorded).toContain(`href="/training/cohorts/${ids.running}/attendance"`);
    expect(unrecorded).toContain('1 of 2 not recorded');

    // Completions: the ended cohort with its two people.
    expect(values(html, 'data-completion')).toEqual([ids.ended]);
    const waiting = element(html, 'data-completion', ids.ended)!;
    expect(waiting).toContain(`href="/training/cohorts/${ids.ended}/completion"`);
    expect(waiting).toMatch(/<strong>2<\/strong> to complete in Ended own/);

    // Their own record is a small link further down, not the lead.
    expect(html).toContain(`href="/people/${trainer.person.id}"`);
    expect(html).not.toContain('id="lapsed-h"');
    expect(html.indexOf('id="todo-h"')).toBeLessThan(html.indexOf(`href="/people/${trainer.person.id}"`));
  });

  it('gives the other trainer only their own work', async () => {
    const other = await t.browser(['trainer']);
    const html = (await t.as(other).get('/').expect(200)).text;
    expect(values(html, 'data-cohort')).toEqual([]);
    expect(values(html, 'data-unrecorded')).toEqual([]);
    expect(values(html, 'data-completion')).toEqual([]);
    expect(html).toContain('Nothing waiting');
  });

  it("keeps the supervisor's home for a trainer who also supervises, and the peer's for a peer", async () => {
    for (const roles of [['trainer', 'supervisor'], ['peer']] as const) {
      const html = (
        await t
          .as(await t.browser([...roles]))
          .get('/')
          .expect(200)
      ).text;
      expect(html).not.toContain('id="todo-h"');
      expect(html).not.toContain('id="attention-h"');
      expect(html).toContain('id="lapsed-h"');
    }
  });

  it("leads the admin's home with what needs attention, by count, and says nothing when nothing does", async () => {
    const adminBrowser = await t.browser(['admin']);
    const page = async () => (await t.as(adminBrowser).get('/').expect(200)).text;
    const before = await page();
    expect(values(before, 'data-attention')).toEqual(['nothing']);
    expect(before.indexOf('id="attention-h"')).toBeLessThan(before.indexOf('aria-label="Headline figures"'));

    const f = programFactory(t.dataSource);
    // A lapsed person: two of their credentials expired, counted once.
    const lapsed = await t.person(['peer'], { name: 'Lapsed Person' });
    await f.credential(lapsed, 'CPR', addDays(today, -800), addDays(today, -30));
    await f.credential(lapsed, 'MHFA', addDays(today, -900), addDays(today, -20));
    // A certificate drawn while PUBLIC_BASE_URL is unset (as in tests): it points at localhost.
    const holder = await t.person(['peer'], { name: 'Certificate Holder' });
    const credential = await f.credential(holder, 'CORR', today, addDays(today, 364));
    await t.app.get(CertificatesService).issue(credential.id, null);
    // A job that fails on every try: a message whose template does not exist.
    const outboxId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO outbox (id, to_address, subject, template, context) VALUES (${engine === 'postgres' ? '$1, $2, $3, $4, $5' : '?, ?, ?, ?, ?'})`,
      [outboxId, 'someone@example.org', 'Broken', 'no-such-template', '{}'],
    );
    const queue = t.app.get(JobQueue);
    expect((await settle(queue, await queue.add('notification.deliver', { outboxId }))).state).toBe('failed');
    // A submission waiting for review, sent as a peer sends it.
    const peer = await t.browser(['peer']);
    await t
      .as(peer)
      .post('/my/submissions')
      .field('_csrf', peer.csrf)
      .field('kind', 'ce')
      .field('title', 'Boundaries refresher')
      .field('provider', 'MPSN')
      .field('completedOn', addDays(today, -3))
      .field('hours', '1.5')
      .field('category', 'ethics')
      .attach('files', makePdf(), 'cert.pdf')
      .expect(303);

    const after = await page();
    expect(values(after, 'data-attention')).toEqual(['lapsed', 'failed-jobs', 'local-certificates', 'pending-reviews']);
    expect(element(after, 'data-attention', 'lapsed')).toMatch(
      /href="#lapsed-h"><strong>1<\/strong> person has a lapsed or expired credential/,
    );
    expect(element(after, 'data-attention', 'failed-jobs')).toMatch(
      /href="\/admin\/jobs\?state(=|&#x3D;)failed"><strong>1<\/strong> job failed/,
    );
    expect(element(after, 'data-attention', 'local-certificates')).toMatch(
      /href="\/certificates#local-address-heading"><strong>1<\/strong> certificate points at a local address/,
    );
    expect(element(after, 'data-attention', 'pending-reviews')).toMatch(
      /href="\/admin\/submissions"><strong>1<\/strong> submission waits for review/,
    );
    // The links lead somewhere real for an admin.
    await t.as(adminBrowser).get('/admin/jobs?state=failed').expect(200);
    expect((await t.as(adminBrowser).get('/certificates').expect(200)).text).toContain('id="local-address-heading"');
    // The figures follow, and the lapsed list the first item points at is on the page.
    expect(after).toContain('aria-label="Headline figures"');
    expect(after).toContain('id="lapsed-h"');
    expect(after).toContain('Lapsed Person');
  });
});
