import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/common/dates';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/**
 * Issue 19, "Trainers' daily friction": a repeating schedule, an editable exam date, missed hours that
 * name the modules and the make-ups open, a roster that can be uploaded again, and every form whose
 * answer is more than a notice redirecting (303) to a GET page, with no token in any address.
 */
describeEachEngine("Trainers' daily friction", (engine) => {
  let t: TestApp;
  let api: ReturnType<TestApp['withBearer']>;
  let trainer: Browser;
  let asTrainer: ReturnType<TestApp['withBearer']>;
  let courseId: string;
  let modules: Record<'intro' | 'ethics' | 'listening', string>;
  let today: string;

  const newCohort = async (fields: { startsOn: string; endsOn: string; trainerId?: string; name?: string }) =>
    (
      await api
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name: fields.name ?? `Cohort ${randomUUID().slice(0, 6)}`,
          location: 'Riverstone clinic',
          setting: 'clinic',
          startsOn: fields.startsOn,
          endsOn: fields.endsOn,
          capacity: 20,
          trainerIds: [fields.trainerId ?? trainer.person.id],
        })
        .expect(201)
    ).body.id as string;
  const sessionsOf = async (cohortId: string) =>
    (await api.get(`/api/v1/cohorts/${cohortId}`).expect(200)).body.sessions as Array<{
      id: string;
      heldOn: string;
      startsAt: string;
      endsAt: string;
      hours: number;
      place: string | null;
      modules: unknown[];
    }>;

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = t.config.today();
    api = t.withBearer((await t.token(['admin'])).bearer);
    trainer = await t.browser(['trainer'], { name: 'Tess Trainer' });
    const token = await t.token(['trainer']);
    asTrainer = t.withBearer(token.bearer);
    const course = (
      await api
        .post('/api/v1/courses')
        .send({
          code: 'FRICTION-1',
          title: 'Friction course',
          requiredHours: 12,
          examPassMark: 80,
          examMaxAttempts: 3,
          modules: [
            { title: 'Introduction', hours: 4, required: true },
            { title: 'Ethics', hours: 4, required: false },
            { title: 'Listening', hours: 4, required: false },
          ],
        })
        .expect(201)
    ).body;
    courseId = course.id;
    const [intro, ethics, listening] = course.modules.map((m: { id: string }) => m.id);
    modules = { intro, ethics, listening };
  });
  afterAll(async () => t?.close());

  describe('a repeating schedule', () => {
    let cohortId: string;
    beforeAll(async () => {
      cohortId = await newCohort({ startsOn: '2026-11-01', endsOn: '2027-12-31' });
    });

    it('creates Mon–Fri, 08:30–17:00, Nov 16–20 in one step, at the place given, with no modules yet', async () => {
      const res = await t
        .as(trainer)
        .post(`/api/v1/cohorts/${cohortId}/sessions/schedule`)
        .send({
          weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          firstDate: '2026-11-15',
          lastDate: '2026-11-21',
          startsAt: '08:30',
          endsAt: '17:00',
          place: 'Library, room B',
        })
        .expect(201);
      expect(res.body.map((s: { heldOn: string }) => s.heldOn)).toEqual([
        '2026-11-16',
        '2026-11-17',
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
      ]);
      const sessions = await sessionsOf(cohortId);
      expect(sessions).toHaveLength(5);
      for (const s of sessions)
        expect(s).toMatchObject({
          startsAt: '08:30',
          endsAt: '17:00',
          hours: 8.5,
          place: 'Library, room B',
          modules: [],
        });
      const audited = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM audit_log WHERE entity_id = '${cohortId}' AND action = 'training_session.added'`,
      );
      expect(Number(audited[0].n)).toBe(5);
      // Then each day's modules are ticked with the single session's form (the existing assignment).
      await api
        .put(`/api/v1/training-sessions/${sessions[0].id}`)
        .send({ heldOn: '2026-11-16', startsAt: '08:30', endsAt: '17:00', moduleIds: [modules.intro] })
        .expect(200);
      expect((await sessionsOf(cohortId))[0].modules).toHaveLength(1);
    });

    it('refuses a schedule with the single session’s rules, and creates none of it', async () => {
      const before = (await sessionsOf(cohortId)).length;
      const base = {
        weekdays: ['sun'],
        firstDate: '2027-03-07',
        lastDate: '2027-03-21',
        startsAt: '09:00',
        endsAt: '12:00',
      };
      const refused = async (body: object) =>
        (
          await api
            .post(`/api/v1/cohorts/${cohortId}/sessions/schedule`)
            .send({ ...base, ...body })
            .expect(400)
        ).body.errors;
      // Clocks go forward at 02:00 on Sunday, Mar 14, 2027 in America/Denver: 02:30 does not exist that day.
      expect(await refused({ startsAt: '02:30', endsAt: '04:00' })).toEqual([
        {
          field: 'startsAt',
          message:
            'does not exist on Mar 14, 2027: clocks in America/Denver go forward an hour that night (daylight saving time)',
        },
      ]);
      expect(await refused({ startsAt: '12:00', endsAt: '09:00' })).toEqual([
        { field: 'endsAt', message: 'must be after the start time' },
      ]);
      expect(await refused({ firstDate: '2027-03-21', lastDate: '2027-03-07' })).toEqual([
        { field: 'lastDate', message: 'is before the first date' },
      ]);
      expect(await refused({ weekdays: [] })).toEqual([
        { field: 'weekdays', message: 'choose at least one day of the week' },
      ]);
      expect(await refused({ weekdays: ['funday'] })).toEqual([
        { field: 'weekdays', message: 'must be days of the week (mon … sun)' },
      ]);
      expect(await refused({ weekdays: ['mon'], firstDate: '2027-03-09', lastDate: '2027-03-13' })).toEqual([
        { field: 'weekdays', message: 'none of the chosen days falls between Mar 9, 2027 and Mar 13, 2027' },
      ]);
      expect(await refused({ firstDate: '2026-10-25' })).toEqual([
        { field: 'firstDate', message: "must fall within the cohort's dates (Nov 1, 2026 – Dec 31, 2027)" },
      ]);
      expect(await refused({ hours: 4 })).toEqual([
        { field: 'hours', message: 'cannot be more than the 3 h between start and end' },
      ]);
      // 61 weekdays is one too many; 60 is the most.
      expect(
        await refused({
          weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          firstDate: '2027-01-04',
          lastDate: '2027-03-29',
        }),
      ).toEqual([{ field: 'lastDate', message: 'makes 61 sessions; at most 60 at a time, so schedule fewer' }]);
      expect(await refused({ weekdays: ['mon'], firstDate: '2026-11-01', lastDate: '2027-12-31' })).toEqual([
        { field: 'lastDate', message: 'makes more than 60 sessions; schedule fewer at a time' },
      ]);
      expect((await sessionsOf(cohortId)).length).toBe(before);
      const sixty = await api
        .post(`/api/v1/cohorts/${cohortId}/sessions/schedule`)
        .send({
          ...base,
          weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          firstDate: '2027-01-04',
          lastDate: '2027-03-26',
        })
        .expect(201);
      expect(sixty.body).toHaveLength(60);
    });

    it('takes the page form in one post and says how many were added (303), or shows the reason beside the field', async () => {
      const web = t.as(trainer);
      const form = await web.get(`/training/cohorts/${cohortId}`).expect(200);
      expect(form.text).toContain(`action="/training/cohorts/${cohortId}/sessions/schedule"`);
      expect(form.text).toContain('<input type="checkbox" name="weekdays" value="mon" aria-label="Monday">');
      const body = new URLSearchParams([
        ['_csrf', trainer.csrf],
        ['weekdays', 'sat'],
        ['weekdays', 'sun'],
        ['firstDate', '2027-05-01'],
        ['lastDate', '2027-05-09'],
        ['startsAt', '10:00'],
        ['endsAt', '14:00'],
        ['hours', ''],
        ['place', ''],
      ]);
      const done = await web.post(`/training/cohorts/${cohortId}/sessions/schedule`).type('form').send(body.toString());
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe(`/training/cohorts/${cohortId}?notice=scheduled&count=4#sessions`);
      const page = await web.get(`/training/cohorts/${cohortId}?notice=scheduled&count=4`).expect(200);
      expect(page.text).toContain('4 sessions added. Tick each day&#x27;s modules with &quot;Move&quot;.');
      expect(page.text).toContain('no modules yet');
      const weekends = (await sessionsOf(cohortId)).filter((s) => s.heldOn >= '2027-05-01' && s.heldOn <= '2027-05-09');
      expect(weekends.map((s) => [s.heldOn, s.place])).toEqual([
        ['2027-05-01', null],
        ['2027-05-02', null],
        ['2027-05-08', null],
        ['2027-05-09', null],
      ]);
      body.set('endsAt', '09:00');
      const bad = await web.post(`/training/cohorts/${cohortId}/sessions/schedule`).type('form').send(body.toString());
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/<details id="add-schedule" open>/);
      expect(bad.text).toContain('must be after the start time');
      expect(bad.text).toContain('value="2027-05-09"');
    });

    it('keeps "Add a session" open after adding one, for the next', async () => {
      const web = t.as(trainer);
      const body = new URLSearchParams([
        ['_csrf', trainer.csrf],
        ['heldOn', '2027-06-01'],
        ['startsAt', '09:00'],
        ['endsAt', '12:00'],
        ['hours', ''],
        ['place', ''],
        // Introduction, which the make-up test below does not look for.
        ['moduleIds', modules.intro],
      ]);
      const done = await web.post(`/training/cohorts/${cohortId}/sessions`).type('form').send(body.toString());
      expect(done.status).toBe(303);
      const page = await web.get(done.headers.location.replace('#sessions', '')).expect(200);
      expect(page.text).toMatch(/<details id="add-session" open>\s*<summary>Add a session<\/summary>/);
      const plain = await web.get(`/training/cohorts/${cohortId}`).expect(200);
      expect(plain.text).toMatch(/<details id="add-session">\s*<summary>Add a session<\/summary>/);
    });
  });

  describe('the exam date', () => {
    let cohortId: string;
    let people: string[];
    beforeAll(async () => {
      cohortId = await newCohort({ startsOn: addDays(today, -10), endsOn: addDays(today, 10) });
      people = [];
      for (let i = 0; i < 2; i++) {
        const p = await t.person(['peer']);
        await api.post(`/api/v1/cohorts/${cohortId}/enrollments`).send({ personId: p.id }).expect(201);
        people.push(p.id);
      }
    });

    it('is stored as given: not in the future, not before the cohort starts (API)', async () => {
      const record = (takenOn: string) =>
        api.post(`/api/v1/cohorts/${cohortId}/exam-attempts`).send({ personId: people[0], score: 70, takenOn });
      expect((await record(addDays(today, 1)).expect(400)).body.errors).toEqual([
        { field: 'takenOn', message: 'cannot be in the future' },
      ]);
      expect((await record(addDays(today, -11)).expect(400)).body.errors).toEqual([
        { field: 'takenOn', message: "is before the cohort's start" },
      ]);
      expect((await record('2026-02-30').expect(400)).body.errors[0].field).toBe('takenOn');
      const sat = addDays(today, -3);
      expect((await record(sat).expect(201)).body).toMatchObject({ takenOn: sat, attempt: 1, passed: false });
      // Left out, it is today.
      const second = await api
        .post(`/api/v1/cohorts/${cohortId}/exam-attempts`)
        .send({ personId: people[0], score: 90 })
        .expect(201);
      expect(second.body).toMatchObject({ takenOn: today, attempt: 2, passed: true });
    });

    it('is a date field on the page, today by default, within the cohort’s start and today', async () => {
      const web = t.as(trainer);
      const page = await web.get(`/training/cohorts/${cohortId}/completion`).expect(200);
      const start = addDays(today, -10);
      expect(page.text).toContain(
        `<input id="taken-${people[1]}" type="date" name="takenOn" min="${start}" max="${today}" value="${today}">`,
      );
      const post = (takenOn: string) =>
        web
          .post(`/training/cohorts/${cohortId}/exam-attempts`)
          .type('form')
          .send(new URLSearchParams({ _csrf: trainer.csrf, personId: people[1], score: '91', takenOn }).toString());
      const future = await post(addDays(today, 2)).expect(400);
      expect(future.text).toContain('Date cannot be in the future');
      expect(future.text).toContain(`value="${addDays(today, 2)}" aria-invalid="true" aria-describedby="taken-error"`);
      const done = await post(addDays(today, -1)).expect(303);
      expect(done.headers.location).toBe(`/training/cohorts/${cohortId}/completion?notice=exam`);
      const rows = await t.dataSource.query(
        `SELECT CAST(taken_on AS varchar(10)) AS taken_on FROM exam_attempts WHERE person_id = '${people[1]}'`,
      );
      expect(rows).toEqual([{ taken_on: addDays(today, -1) }]);
    });
  });

  describe('missed hours', () => {
    it('names the modules not attended in full and the make-up sessions open in the trainer’s other cohorts', async () => {
      const own = await newCohort({ startsOn: addDays(today, -10), endsOn: addDays(today, 30), name: 'Own cohort' });
      const later = await newCohort({
        startsOn: addDays(today, -10),
        endsOn: addDays(today, 30),
        name: 'Later cohort',
      });
      const someoneElses = await newCohort({
        startsOn: addDays(today, -10),
        endsOn: addDays(today, 30),
        name: 'Another trainer’s cohort',
        trainerId: (await t.person(['trainer'])).id,
      });
      const add = async (cohortId: string, heldOn: string, moduleId: string) =>
        (
          await api
            .post(`/api/v1/cohorts/${cohortId}/sessions`)
            .send({ heldOn, startsAt: '09:00', endsAt: '13:00', moduleIds: [moduleId] })
            .expect(201)
        ).body.id as string;
      const s1 = await add(own, addDays(today, -3), modules.intro);
      const s2 = await add(own, addDays(today, -2), modules.ethics);
      const s3 = await add(own, addDays(today, -1), modules.listening);
      const ethicsLater = await add(later, addDays(today, 5), modules.ethics);
      await add(later, addDays(today, -5), modules.listening); // already held: no longer a make-up to offer
      const cancelled = await add(later, addDays(today, 6), modules.listening);
      await api.post(`/api/v1/training-sessions/${cancelled}/cancel`).expect(200);
      const listeningElsewhere = await add(someoneElses, addDays(today, 7), modules.listening);
      await add(later, addDays(today, 8), modules.intro); // covers a module they attended: not offered
      const peer = await t.person(['peer'], { name: 'Mo Missed' });
      await api.post(`/api/v1/cohorts/${own}/enrollments`).send({ personId: peer.id }).expect(201);
      await api
        .put(`/api/v1/cohorts/${own}/attendance`)
        .send({
          records: [
            { sessionId: s1, personId: peer.id, status: 'present' },
            { sessionId: s2, personId: peer.id, status: 'absent' },
            { sessionId: s3, personId: peer.id, status: 'partial', hours: 2 },
          ],
        })
        .expect(200);
      const rowOf = async (as: ReturnType<TestApp['withBearer']>) =>
        (await as.get(`/api/v1/cohorts/${own}/completion`).expect(200)).body.rows.find(
          (r: { person: { id: string } }) => r.person.id === peer.id,
        );
      const asOwnTrainer = t.as(trainer);
      const row = await rowOf(asOwnTrainer as ReturnType<TestApp['withBearer']>);
      expect(row.result.summary).toBe('6 of 12 h (not attended in full: Ethics, Listening); exam not taken');
      // The trainer is offered make-ups only in cohorts they run themselves: the attendance grid's rule.
      expect(
        row.makeUps.map((m: { sessionId: string; cohortName: string; modules: string[] }) => [
          m.sessionId,
          m.cohortName,
          m.modules,
        ]),
      ).toEqual([[ethicsLater, 'Later cohort', ['Ethics']]]);
      const asAdmin = await rowOf(api);
      expect(asAdmin.makeUps.map((m: { sessionId: string }) => m.sessionId)).toEqual([ethicsLater, listeningElsewhere]);
      const page = await t.as(trainer).get(`/training/cohorts/${own}/completion`).expect(200);
      expect(page.text).toContain('6 of 12 h (not attended in full: Ethics, Listening)');
      expect(page.text).toContain('1 make-up session open in other cohorts');
      expect(page.text).toMatch(/09:00–13:00, Later cohort: Ethics/);
      expect(page.text).not.toContain('Another trainer’s cohort');
      // A module their own cohort still holds a session for is to come, not missed: neither named nor offered.
      await add(own, addDays(today, 9), modules.ethics);
      const again = await rowOf(asOwnTrainer as ReturnType<TestApp['withBearer']>);
      expect(again.result.summary).toBe('6 of 12 h (not attended in full: Listening); exam not taken');
      expect(again.makeUps).toEqual([]);
      expect((await rowOf(api)).makeUps.map((m: { sessionId: string }) => m.sessionId)).toEqual([listeningElsewhere]);
      // Someone short of nothing but the exam is offered no make-ups.
      const present = await t.person(['peer']);
      await api.post(`/api/v1/cohorts/${own}/enrollments`).send({ personId: present.id }).expect(201);
      await api
        .put(`/api/v1/cohorts/${own}/attendance`)
        .send({ records: [s1, s2, s3].map((sessionId) => ({ sessionId, personId: present.id, status: 'present' })) })
        .expect(200);
      const full = (await api.get(`/api/v1/cohorts/${own}/completion`).expect(200)).body.rows.find(
        (r: { person: { id: string } }) => r.person.id === present.id,
      );
      expect(full.result.summary).toBe('exam not taken');
      expect(full.makeUps).toEqual([]);
    });
  });

  describe('a roster uploaded again', () => {
    let cohortId: string;
    const tag = randomUUID().slice(0, 6);
    const line = (n: number) => `Person ${n},p${n}.${tag}@example.org`;
    beforeAll(async () => {
      cohortId = await newCohort({ startsOn: addDays(today, -1), endsOn: addDays(today, 10) });
    });
    const upload = (csv: string) =>
      api.post(`/api/v1/cohorts/${cohortId}/roster`).attach('file', Buffer.from(csv), 'roster.csv');

    it('skips the people already on the cohort and counts them; only real errors block', async () => {
      expect((await upload(['name,email', line(1), line(2), line(3)].join('\n')).expect(201)).body).toMatchObject({
        enrolled: 3,
        skipped: 0,
      });
      const again = await upload(['name,email', line(1), line(2), line(3), line(4)].join('\n')).expect(201);
      expect(again.body).toEqual({
        ok: true,
        enrolled: 1,
        skipped: 3,
        message:
          '1 person enrolled. 3 already on this cohort, left as they were. Anyone not yet registered was sent an invitation.',
      });
      const same = await upload(['name,email', line(1), line(4)].join('\n')).expect(201);
      expect(same.body).toMatchObject({
        enrolled: 0,
        skipped: 2,
        message: '0 people enrolled. 2 already on this cohort, left as they were.',
      });
      // A real error still refuses the whole file; the people already there are not errors.
      const bad = await upload(['name,email', line(1), line(5), 'No Mail,not-an-email', line(5)].join('\n')).expect(
        400,
      );
      expect(bad.body.errors).toEqual([
        { field: 'line 4', message: '"not-an-email" is not an e-mail address' },
        { field: 'line 5', message: 'duplicate: the same e-mail is on line 3' },
      ]);
      const roster = (await api.get(`/api/v1/cohorts/${cohortId}`).expect(200)).body.roster;
      expect(roster.filter((e: { status: string }) => e.status === 'enrolled')).toHaveLength(4);
    });

    it('says so on the page after a redirect (303) to a GET address without any token', async () => {
      const admin = await t.browser(['admin']);
      const res = await t
        .as(admin)
        .post(`/training/cohorts/${cohortId}/roster`)
        .attach('file', Buffer.from(['name,email', line(1), line(2), line(6)].join('\n')), 'roster.csv')
        .expect(303);
      expect(res.headers.location).toBe(`/training/cohorts/${cohortId}?imported=1&skipped=2#roster`);
      const page = await t.as(admin).get(res.headers.location.replace('#roster', '')).expect(200);
      expect(page.text).toContain('Roster imported: 1 person enrolled. 2 already on this cohort, left as they were.');
    });
  });

  describe('post → redirect → get', () => {
    it('shows a refused roster on a GET page of its own, to the person who uploaded it only', async () => {
      const coTrainer = await t.browser(['trainer']);
      const cohortId = (
        await api
          .post('/api/v1/cohorts')
          .send({
            courseId,
            name: 'Two trainers',
            location: 'Hall',
            setting: 'clinic',
            startsOn: today,
            endsOn: addDays(today, 3),
            capacity: 5,
            trainerIds: [trainer.person.id, coTrainer.person.id],
          })
          .expect(201)
      ).body.id as string;
      const posted = await t
        .as(trainer)
        .post(`/training/cohorts/${cohortId}/roster`)
        .attach('file', Buffer.from('name,email\nNo Mail,not-an-email\n'), 'class-list.csv')
        .expect(303);
      const location = posted.headers.location as string;
      expect(location).toMatch(new RegExp(`^/training/cohorts/${cohortId}/roster-imports/[0-9a-f-]{36}#roster$`));
      expect(location).not.toMatch(/csrf|token/i);
      const path = location.replace('#roster', '');
      const page = await t.as(trainer).get(path).expect(200);
      expect(page.text).toContain('Nothing was imported from class-list.csv: 1 row has problems.');
      expect(page.text).toContain('&quot;not-an-email&quot; is not an e-mail address');
      // Not for anyone else, though they run the same cohort or every cohort; nor under another cohort.
      await t.as(coTrainer).get(path).expect(404);
      await t
        .as(await t.browser(['admin']))
        .get(path)
        .expect(404);
      const other = await newCohort({ startsOn: today, endsOn: addDays(today, 3) });
      await t.as(trainer).get(path.replace(cohortId, other)).expect(404);
      // No file at all is a refusal of the form itself, shown on it (400), as every form's is.
      await t.as(trainer).post(`/training/cohorts/${cohortId}/roster`).expect(400);
    });

    it('redirects completing a cohort (303) to the completion page, which says what was awarded', async () => {
      const cohortId = await newCohort({ startsOn: addDays(today, -3), endsOn: today });
      const web = t.as(trainer);
      const done = await web
        .post(`/training/cohorts/${cohortId}/complete`)
        .type('form')
        .send(new URLSearchParams({ _csrf: trainer.csrf, completedOn: today }).toString())
        .expect(303);
      expect(done.headers.location).toBe(`/training/cohorts/${cohortId}/completion?notice=completed&awarded=0`);
      const page = await web.get(done.headers.location).expect(200);
      expect(page.text).toContain('Cohort completed. 0 credential(s) awarded.');
      // The page is the cohort's: another trainer gets a 404, as for any cohort they do not run.
      await t
        .as(await t.browser(['trainer']))
        .get(done.headers.location)
        .expect(404);
      const early = await web
        .post(`/training/cohorts/${await newCohort({ startsOn: today, endsOn: addDays(today, 3) })}/complete`)
        .type('form')
        .send(new URLSearchParams({ _csrf: trainer.csrf, completedOn: addDays(today, 1) }).toString())
        .expect(400);
      expect(early.text).toContain('cannot be in the future');
    });
  });

  it('refuses a schedule on a cohort the trainer does not run, as for any cohort id (404)', async () => {
    const cohortId = await newCohort({ startsOn: '2026-11-01', endsOn: '2026-11-30' });
    await asTrainer
      .post(`/api/v1/cohorts/${cohortId}/sessions/schedule`)
      .send({ weekdays: ['mon'], firstDate: '2026-11-02', lastDate: '2026-11-09', startsAt: '09:00', endsAt: '10:00' })
      .expect(404);
  });
});

/** No page puts a CSRF token where an address can carry it: a GET form never holds `_csrf`. */
describe('views', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : name.endsWith('.hbs') ? [path] : [];
    });

  it('has no GET form carrying the CSRF token', () => {
    const views = files(resolve(__dirname, '..', '..', 'views'));
    expect(views.length).toBeGreaterThan(20);
    const offenders = views.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/<form\b[^>]*>[^]*?<\/form>/gi)]
        .filter(([form]) => !/method="post"/i.test(form.slice(0, form.indexOf('>'))) && /_csrf/.test(form))
        .map(([form]) => `${file}: ${form.slice(0, 80)}`),
    );
    expect(offenders).toEqual([]);
  });
});
