import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/common/dates';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/**
 * A trainer's training scope is the cohorts they run: neither the make-up list nor the "add a person"
 * search may show them people beyond it (issue 14 §1, "no one widens their own scope").
 */
describeEachEngine('Training: a trainer sees no one beyond the cohorts they run', (engine) => {
  let t: TestApp;
  let admin: string;
  let trainer: Browser;
  let otherTrainer: { person: Person; bearer: string };
  let today: string;
  let courseId: string;
  let ownCohort: string;
  let ownSession: string;
  let home: Person;
  let secondOwn: Person;
  let stranger: Person;
  let unenrolled: Person;

  const api = () => t.as(trainer);
  const asAdmin = () => t.withBearer(admin);
  const cohort = async (http: ReturnType<TestApp['as']>, name: string, trainerIds: string[]) =>
    (
      await http
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name,
          location: 'Hall',
          setting: 'clinic',
          startsOn: addDays(today, -5),
          endsOn: addDays(today, 5),
          capacity: 10,
          trainerIds,
        })
        .expect(201)
    ).body.id as string;
  const enrol = (cohortId: string, person: Person) =>
    asAdmin().post(`/api/v1/cohorts/${cohortId}/enrollments`).send({ personId: person.id }).expect(201);
  const record = (http: ReturnType<TestApp['as']>, person: Person) =>
    http
      .put(`/api/v1/cohorts/${ownCohort}/attendance`)
      .send({ records: [{ sessionId: ownSession, personId: person.id, status: 'present' }] });

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = t.config.today();
    admin = (await t.token(['admin'])).bearer;
    trainer = await t.browser(['trainer']);
    otherTrainer = await t.token(['trainer']);
    const tag = randomUUID().slice(0, 6);
    const course = (
      await asAdmin()
        .post('/api/v1/courses')
        .send({
          code: `SCOPE-${tag}`,
          title: 'Scope course',
          requiredHours: 3,
          modules: [{ title: 'Ethics', hours: 3, required: true }],
        })
        .expect(201)
    ).body;
    courseId = course.id;
    // The trainer makes a cohort of their own, as any trainer may; a second one is given them by an admin.
    ownCohort = await cohort(api(), 'Own cohort', [trainer.person.id]);
    const secondCohort = await cohort(asAdmin(), 'Second own cohort', [trainer.person.id]);
    const othersCohort = await cohort(asAdmin(), "Another trainer's cohort", [otherTrainer.person.id]);
    ownSession = (
      await api()
        .post(`/api/v1/cohorts/${ownCohort}/sessions`)
        .send({ heldOn: addDays(today, -1), startsAt: '09:00', endsAt: '12:00', moduleIds: [course.modules[0].id] })
        .expect(201)
    ).body.id;
    home = await t.person(['peer'], { name: `Hana Home ${tag}` });
    secondOwn = await t.person(['peer'], { name: `Sam Second ${tag}` });
    stranger = await t.person(['peer'], { name: `Stella Stranger ${tag}`, email: `stella.${tag}@example.org` });
    unenrolled = await t.person(['peer'], { name: `Una Nowhere ${tag}`, email: `Una.Nowhere.${tag}@Example.org` });
    await enrol(ownCohort, home);
    await enrol(secondCohort, secondOwn);
    await enrol(othersCohort, stranger);
  });
  afterAll(async () => t?.close());

  it("offers as make-ups only people of the trainer's own cohorts of the course; an admin is offered everyone", async () => {
    const ids = async (http: ReturnType<TestApp['as']>) =>
      (await http.get(`/training/cohorts/${ownCohort}/attendance`).expect(200)).text;
    const page = await ids(api());
    expect(page).toContain(`<option value="${secondOwn.id}">${secondOwn.name} (Second own cohort)</option>`);
    // Before: the other trainer's trainee was offered by name.
    expect(page).not.toContain(stranger.id);
    expect(page).not.toContain(stranger.name);
    const adminPage = await t.as(await t.browser(['admin'])).get(`/training/cohorts/${ownCohort}/attendance`);
    expect(adminPage.text).toContain(`<option value="${stranger.id}">${stranger.name}`);
  });

  it('answers 404 to recording a make-up for someone outside, naming no one; records one within', async () => {
    for (const outside of [stranger, unenrolled]) {
      const res = await record(api(), outside).expect(404);
      expect(res.body.message).toBe('No person with that id.');
      expect(JSON.stringify(res.body)).not.toContain(outside.name);
      expect(JSON.stringify(res.body)).not.toContain(outside.email);
    }
    const form = await api()
      .post(`/training/cohorts/${ownCohort}/attendance`)
      .type('form')
      .send(`makeUpPersonId=${stranger.id}&makeUpSessionId=${ownSession}`)
      // The page form shows a refusal on the form again (submitForm's rule), with the 404's sentence.
      .expect(400);
    expect(form.text).toContain('No person with that id.');
    expect(form.text).not.toContain(stranger.name);
    expect(form.text).not.toContain(stranger.email);
    const grid = (await api().get(`/api/v1/cohorts/${ownCohort}/attendance`).expect(200)).body;
    expect(JSON.stringify(grid)).not.toContain(stranger.id);

    await record(api(), secondOwn).expect(200);
    await record(api(), home).expect(200);
    // An admin still gets the field error (not a 404) for someone not enrolled in the course at all.
    const refused = await record(asAdmin(), unenrolled).expect(400);
    expect(refused.body.errors).toEqual([{ field: 'records.0.personId', message: 'is not enrolled in this course' }]);
  });

  it('lets an admin record anyone of the course, and the trainer keep saving a grid with that row', async () => {
    await record(asAdmin(), stranger).expect(200);
    const grid = (await api().get(`/api/v1/cohorts/${ownCohort}/attendance`).expect(200)).body;
    expect(grid.rows).toContainEqual(
      expect.objectContaining({ kind: 'make-up', person: expect.objectContaining({ id: stranger.id }) }),
    );
    // The page posts every row it shows, so a make-up an admin recorded here must not break the trainer's save.
    const save = await api()
      .post(`/training/cohorts/${ownCohort}/attendance`)
      .type('form')
      .send(`cell[${stranger.id}][${ownSession}]=absent&cell[${home.id}][${ownSession}]=present`);
    expect(save.status).toBe(303);
  });

  it('finds a person to enrol for a trainer by their whole e-mail address only, answering id and name', async () => {
    const search = async (http: ReturnType<TestApp['as']>, q: string) =>
      (await http.get(`/api/v1/cohorts/${ownCohort}/candidates`).query({ q }).expect(200)).body;
    // Before: two letters of a name or an e-mail listed peers with their addresses.
    expect(await search(api(), 'Una Nowhere')).toEqual([]);
    expect(await search(api(), unenrolled.email.slice(0, 12))).toEqual([]);
    expect(await search(api(), unenrolled.email.slice(0, -1))).toEqual([]);
    expect(await search(api(), `  ${unenrolled.email.toUpperCase()} `)).toEqual([
      { id: unenrolled.id, name: unenrolled.name },
    ]);
    // Already on the cohort: not offered again.
    expect(await search(api(), home.email)).toEqual([]);
    // Admins keep the partial search, with e-mails.
    expect(await search(asAdmin(), 'una nowh')).toEqual([
      { id: unenrolled.id, name: unenrolled.name, email: unenrolled.email },
    ]);
  });

  it("the roster page asks a trainer for the full e-mail address and shows no one else's", async () => {
    const hint = "Type the person's full e-mail address";
    const partial = await api().get(`/training/cohorts/${ownCohort}`).query({ q: 'Una' }).expect(200);
    expect(partial.text).toContain(hint);
    expect(partial.text).not.toContain(unenrolled.name);
    const exact = await api().get(`/training/cohorts/${ownCohort}`).query({ q: unenrolled.email }).expect(200);
    expect(exact.text).toContain(`aria-label="Enroll ${unenrolled.name}"`);
    expect(exact.text).not.toContain(`<small class="muted">${unenrolled.email}</small>`);
    const adminPage = await t
      .as(await t.browser(['admin']))
      .get(`/training/cohorts/${ownCohort}`)
      .query({ q: 'Una' })
      .expect(200);
    expect(adminPage.text).not.toContain(hint);
    expect(adminPage.text).toContain(`<small class="muted">${unenrolled.email}</small>`);
  });
});
