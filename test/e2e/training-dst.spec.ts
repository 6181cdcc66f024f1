import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/**
 * Issue 14 §5: training sessions on daylight-saving nights in the program's zone (America/Denver by
 * default). Clocks go forward at 02:00 on 2027-03-14 (and 2026-03-08) and back at 02:00 on 2027-11-07
 * (and 2026-11-01): a session's hours are the real time between its start and its end.
 */
describeEachEngine('Training sessions on daylight-saving nights', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  let cohortId: string;
  let moduleId: string;
  const add = (heldOn: string, startsAt: string, endsAt: string, extra: object = {}) =>
    admin
      .post(`/api/v1/cohorts/${cohortId}/sessions`)
      .send({ heldOn, startsAt, endsAt, moduleIds: [moduleId], ...extra });

  beforeAll(async () => {
    t = await createTestApp(engine);
    expect(t.config.timeZone).toBe('America/Denver');
    admin = t.withBearer((await t.token(['admin'])).bearer);
    const course = (
      await admin
        .post('/api/v1/courses')
        .send({ code: 'DST-1', title: 'Night course', requiredHours: 6, modules: [{ title: 'Nights', hours: 6 }] })
        .expect(201)
    ).body;
    moduleId = course.modules[0].id;
    cohortId = (
      await admin
        .post('/api/v1/cohorts')
        .send({
          courseId: course.id,
          name: 'Night cohort',
          location: 'Hall',
          setting: 'clinic',
          startsOn: '2026-03-01',
          endsOn: '2027-12-31',
          capacity: 5,
          trainerIds: [(await t.person(['trainer'])).id],
        })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => t?.close());

  it('refuses a start or end time the clocks skip, saying why', async () => {
    const start = await add('2027-03-14', '02:30', '04:00').expect(400);
    expect(start.body.errors).toEqual([
      {
        field: 'startsAt',
        message:
          'does not exist on Mar 14, 2027: clocks in America/Denver go forward an hour that night (daylight saving time)',
      },
    ]);
    const end = await add('2027-03-14', '01:00', '02:15').expect(400);
    expect(end.body.errors[0]).toMatchObject({ field: 'endsAt', message: expect.stringMatching(/^does not exist/) });
    // The same wall-clock times a day later are ordinary.
    await add('2027-03-15', '02:30', '04:00').expect(201);
  });

  it('counts real elapsed time: 01:00–04:00 is 2 h when clocks go forward and 4 h when they go back', async () => {
    expect((await add('2027-03-14', '01:00', '04:00').expect(201)).body.hours).toBe(2);
    expect((await add('2027-11-07', '01:00', '04:00').expect(201)).body.hours).toBe(4);
    expect((await add('2027-07-14', '01:00', '04:00').expect(201)).body.hours).toBe(3);
    const tooMany = await add('2027-03-14', '01:00', '04:00', { hours: 3 }).expect(400);
    expect(tooMany.body.errors).toEqual([
      { field: 'hours', message: 'cannot be more than the 2 h between start and end' },
    ]);
    await add('2027-11-07', '01:00', '04:00', { hours: 3.5 }).expect(201);
  });

  it('takes a time that happens twice as its first occurrence and shows its offset on the pages', async () => {
    const session = (await add('2027-11-07', '01:30', '03:00').expect(201)).body;
    // 01:30 MDT (07:30 UTC) to 03:00 MST (10:00 UTC).
    expect(session.hours).toBe(2.5);
    const web = t.as(await t.browser(['admin']));
    const page = await web.get(`/training/cohorts/${cohortId}`).expect(200);
    expect(page.text).toContain('01:30 MDT–03:00');
    expect(page.text).not.toContain('03:00 MST');
    // An ordinary night shows no offset.
    expect(page.text).toMatch(/>02:30–04:00</);
  });

  it('counts those hours toward completion', async () => {
    const peer = await t.person(['peer']);
    await admin.post(`/api/v1/cohorts/${cohortId}/enrollments`).send({ personId: peer.id }).expect(201);
    const spring = (await add('2026-03-08', '01:00', '04:00').expect(201)).body;
    const autumn = (await add('2026-11-01', '01:00', '04:00').expect(201)).body;
    expect([spring.hours, autumn.hours]).toEqual([2, 4]);
    await admin
      .put(`/api/v1/cohorts/${cohortId}/attendance`)
      .send({
        records: [spring, autumn].map((s: { id: string }) => ({
          sessionId: s.id,
          personId: peer.id,
          status: 'present',
        })),
      })
      .expect(200);
    const review = (await admin.get(`/api/v1/cohorts/${cohortId}/completion`).expect(200)).body;
    const row = review.rows.find((r: { person: { id: string } }) => r.person.id === peer.id);
    expect(row.result.hoursAttended).toBe(6);
  });
});
