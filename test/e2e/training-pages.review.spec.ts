import { addDays } from '../../src/common/dates';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** Findings from a review of the trainer's pages: each is checked where it could come back. */
describeEachEngine('Training pages: review findings', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let web: ReturnType<TestApp['as']>;
  let api: ReturnType<TestApp['withBearer']>;
  let today: string;
  let moduleId: string;
  let cohortId: string;
  let pastSession: string;
  let futureSession: string;
  let visitor: { id: string; name: string };
  let enrollmentId: string;
  let trainerId: string;

  const cohort = async (name: string, courseId: string) =>
    (
      await api
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name,
          location: 'Hall',
          setting: 'clinic',
          startsOn: addDays(today, -5),
          endsOn: addDays(today, 5),
          capacity: 10,
          trainerIds: [trainerId],
        })
        .expect(201)
    ).body.id as string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = t.config.today();
    admin = await t.browser(['admin'], { name: 'Review Admin' });
    web = t.as(admin);
    api = t.withBearer((await t.token(['admin'])).bearer);
    trainerId = (await t.person(['trainer'])).id;
    const course = (
      await api
        .post('/api/v1/courses')
        .send({
          code: 'REVIEW-1',
          title: 'Review course',
          requiredHours: 6,
          modules: [{ title: 'Ethics', hours: 6, required: true }],
        })
        .expect(201)
    ).body;
    moduleId = course.modules[0].id;
    cohortId = await cohort('Main cohort', course.id);
    const session = (heldOn: string) =>
      api
        .post(`/api/v1/cohorts/${cohortId}/sessions`)
        .send({ heldOn, startsAt: '09:00', endsAt: '12:00', moduleIds: [moduleId] })
        .expect(201);
    pastSession = (await session(addDays(today, -2))).body.id;
    futureSession = (await session(addDays(today, 2))).body.id;
    const peer = await t.person(['peer'], { name: 'Rosa Enrolled' });
    enrollmentId = (await api.post(`/api/v1/cohorts/${cohortId}/enrollments`).send({ personId: peer.id }).expect(201))
      .body.id;
    const other = await cohort('Other cohort', course.id);
    const v = await t.person(['peer'], { name: 'Vic Visitor' });
    visitor = { id: v.id, name: v.name };
    await api.post(`/api/v1/cohorts/${other}/enrollments`).send({ personId: v.id }).expect(201);
  });
  afterAll(async () => t?.close());

  it("shows a module row's errors beside that row, keeping what was typed", async () => {
    const body = new URLSearchParams({
      code: 'REVIEW-2',
      title: 'Another course',
      requiredHours: '4',
      'modules[0][title]': 'Orientation',
      'modules[0][hours]': '2',
      'modules[1][title]': 'X',
      'modules[1][hours]': '-3',
    });
    const res = await web.post('/training/courses').type('form').send(body.toString()).expect(400);
    expect(res.text).toContain(
      '<small class="field-error" id="modules-1-title-error">Title must be at least 2 characters</small>',
    );
    expect(res.text).toContain(
      '<small class="field-error" id="modules-1-hours-error">Hours must be at least a quarter hour</small>',
    );
    expect(res.text).not.toContain('id="modules-0-title-error"');
    expect(res.text).toMatch(/name="modules\[1\]\[title\]" value="X"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('Nothing was saved; fix the fields marked below.');
  });

  it('offers "All present" only for sessions already held', async () => {
    const page = await web.get(`/training/cohorts/${cohortId}/attendance`).expect(200);
    expect(page.text).toContain(`formaction="/training/sessions/${pastSession}/everyone-present"`);
    expect(page.text).not.toContain(`formaction="/training/sessions/${futureSession}/everyone-present"`);
  });

  it('points out a make-up attendee without a session instead of dropping them', async () => {
    const res = await web
      .post(`/training/cohorts/${cohortId}/attendance`)
      .type('form')
      .send(`makeUpPersonId=${visitor.id}&makeUpSessionId=`)
      .expect(400);
    expect(res.text).toContain(
      '<small class="field-error" id="makeUpSessionId-error">Choose the session they came to.</small>',
    );
    expect(res.text).toContain(`<option value="${visitor.id}" selected>${visitor.name}`);
    // Only held sessions can be chosen for a make-up.
    expect(res.text).toMatch(new RegExp(`name="makeUpSessionId"[^]*value="${pastSession}"`));
    expect(res.text).not.toMatch(new RegExp(`<option value="${futureSession}"`));
    const grid = (await api.get(`/api/v1/cohorts/${cohortId}/attendance`).expect(200)).body;
    expect(JSON.stringify(grid)).not.toContain(visitor.id);

    await web
      .post(`/training/cohorts/${cohortId}/attendance`)
      .type('form')
      .send(`makeUpPersonId=${visitor.id}&makeUpSessionId=${pastSession}`)
      .expect(303);
    expect(JSON.stringify((await api.get(`/api/v1/cohorts/${cohortId}/attendance`).expect(200)).body)).toContain(
      visitor.id,
    );
  });

  it('says when the person search finds no one, and when the search is too short', async () => {
    const none = await web.get(`/training/cohorts/${cohortId}`).query({ q: 'zzqq' }).expect(200);
    expect(none.text).toContain('No one matches "zzqq" who is not already on this cohort.');
    const found = await web.get(`/training/cohorts/${cohortId}`).query({ q: 'Vic' }).expect(200);
    expect(found.text).toContain('aria-label="Enroll Vic Visitor"');
    expect(found.text).not.toContain('No one matches');
    const short = await web.get(`/training/cohorts/${cohortId}`).query({ q: 'V' }).expect(200);
    expect(short.text).toContain('Type at least two letters');
  });

  it('asks before withdrawing someone, cancelling a session or completing the cohort', async () => {
    const page = await web.get(`/training/cohorts/${cohortId}`).expect(200);
    const confirmed = (action: string) =>
      new RegExp(
        `<details class="confirm"><summary[^>]*>[^<]*</summary>\\s*<p>.*?</p>\\s*<form method="post" action="${action}">`,
        's',
      );
    expect(page.text).toMatch(confirmed(`/training/enrollments/${enrollmentId}/withdraw`));
    expect(page.text).toMatch(confirmed(`/training/sessions/${pastSession}/cancel`));
    expect(page.text).toContain('Yes, withdraw Rosa Enrolled');
    const completion = await web.get(`/training/cohorts/${cohortId}/completion`).expect(200);
    expect(completion.text).toMatch(
      /<details class="danger-zone">\s*<summary>Complete the cohort and award \d+…<\/summary>[^]*action="\/training\/cohorts\/[^"]+\/complete"/,
    );
  });
});
