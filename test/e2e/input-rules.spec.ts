import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** Issue 14 §5: input that was accepted, or refused for the wrong reason. */
describeEachEngine('Input rules', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = t.withBearer((await t.token(['admin'])).bearer);
  });
  afterAll(async () => t?.close());

  describe('dates that are not on the calendar', () => {
    it('refuses a session date 2026-13-01 as not a real date, not as "in the future"', async () => {
      const supervisor = t.withBearer((await t.token(['supervisor'])).bearer);
      const res = await supervisor
        .post(`/api/v1/people/${randomUUID()}/supervision-sessions`)
        .send({ heldOn: '2026-13-01', minutes: 60, summary: 'Boundaries with a new peer.', attest: true })
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'heldOn', message: 'must be a real date (YYYY-MM-DD)' }]);
    });

    it('says the same for a day a month does not have, and keeps the shape message for a non-date', async () => {
      const res = await admin.get('/api/v1/audit').query({ from: '2027-02-30', to: 'yesterday' }).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'from', message: 'must be a real date (YYYY-MM-DD)' },
        { field: 'to', message: 'must be a date (YYYY-MM-DD)' },
      ]);
    });
  });

  describe('CE hours in quarter hours', () => {
    const entry = (hours: unknown) => ({
      title: 'QPR gatekeeper training',
      provider: 'Montana DPHHS',
      completedOn: '2026-10-14',
      hours,
      category: 'general',
    });

    it('refuses 0.3 h through the API and accepts 0.75 h', async () => {
      const peer = await t.token(['peer']);
      const api = t.withBearer(peer.bearer);
      const refused = await api.post(`/api/v1/people/${peer.person.id}/ce`).send(entry(0.3)).expect(400);
      expect(refused.body).toMatchObject({
        statusCode: 400,
        errors: [{ field: 'hours', message: 'must be in quarter hours (0.25, 0.5, 0.75, 1, …)' }],
      });
      await api.post(`/api/v1/people/${peer.person.id}/ce`).send(entry(0.75)).expect(201);
      await api.post(`/api/v1/people/${peer.person.id}/ce`).send(entry(1.15)).expect(400);
    });

    it('refuses 0.3 h from the form, beside the field', async () => {
      const browser = await t.browser(['peer']);
      const res = await t
        .as(browser)
        .post(`/people/${browser.person.id}/ce`)
        .type('form')
        .send(entry('0.3'))
        .expect(400);
      expect(res.text).toContain(
        '<small class="field-error" id="hours-error">must be in quarter hours (0.25, 0.5, 0.75, 1, …)</small>',
      );
    });
  });

  describe('__proto__, constructor and prototype keys', () => {
    const person = (extra: string) =>
      `{"name":"Jo Ashby","email":"jo.${Math.random().toString(36).slice(2)}@example.org","roles":["peer"],${extra}}`;
    const refusal = (field: string) => ({
      statusCode: 400,
      message: `${field}: property ${field.split('.').pop()} should not exist`,
      errors: [{ field, message: `property ${field.split('.').pop()} should not exist` }],
      requestId: expect.any(String),
    });

    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses a JSON body with %s, as any extra property',
      async (key) => {
        const res = await admin
          .post('/api/v1/people')
          .set('Content-Type', 'application/json')
          .send(person(`"${key}":{"isAdmin":true}`))
          .expect(400);
        expect(res.body).toEqual(refusal(key));
      },
    );

    it('refuses them nested in a body', async () => {
      const res = await admin
        .post('/api/v1/courses')
        .set('Content-Type', 'application/json')
        .send(
          '{"code":"PX-1","title":"Proto course","requiredHours":1,"modules":[{"title":"One","hours":1,"constructor":{"prototype":1}}]}',
        )
        .expect(400);
      expect(res.body).toEqual(refusal('modules.0.constructor'));
      const deeper = await admin
        .post('/api/v1/courses')
        .set('Content-Type', 'application/json')
        .send(
          '{"code":"PX-1","title":"Proto course","requiredHours":1,"modules":[{"title":"One","hours":1,"__proto__":{}}]}',
        )
        .expect(400);
      expect(deeper.body).toEqual(refusal('modules.0.__proto__'));
    });

    it('refuses them in a query string', async () => {
      for (const key of ['__proto__', 'constructor', 'prototype'])
        expect((await admin.get(`/api/v1/people?${key}=admin`).expect(400)).body).toEqual(refusal(key));
    });

    it('still answers an ordinary request', async () => {
      await admin
        .post('/api/v1/people')
        .set('Content-Type', 'application/json')
        .send(person('"phone":"406 555 0142"'))
        .expect(201);
    });
  });

  describe('control characters', () => {
    const single = 'must not contain control characters such as NUL, tabs or line breaks';
    const freeText = 'must not contain control characters such as NUL (tabs and line breaks are fine)';
    const unique = () => `cc.${randomUUID().slice(0, 8)}@example.org`;
    const course = (extra: Record<string, unknown>) => ({
      code: `CC-${randomUUID().slice(0, 6)}`,
      title: 'Control course',
      requiredHours: 1,
      modules: [{ title: 'One', hours: 1 }],
      ...extra,
    });

    it.each(['Jo\u0000Ashby', 'Jo\u0007Ashby', 'Jo\nAshby', 'Jo\tAshby', 'Jo\u009bAshby', 'Jo\u007fAshby'])(
      'refuses a name with %j through the API, on create and on change, and stores nothing',
      async (name) => {
        const email = unique();
        const res = await admin
          .post('/api/v1/people')
          .send({ name, email, roles: ['peer'] })
          .expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, errors: [{ field: 'name', message: single }] });
        const person = await t.person(['peer']);
        const change = await admin.patch(`/api/v1/people/${person.id}`).send({ preferredName: name }).expect(400);
        expect(change.body.errors).toEqual([{ field: 'preferredName', message: single }]);
        const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM people WHERE email = '${email}'`);
        expect(Number(n)).toBe(0);
      },
    );

    it('refuses them in nested fields and query strings too, beside any other message', async () => {
      const nested = await admin
        .post('/api/v1/courses')
        .send(course({ modules: [{ title: 'O\u0000ne', hours: 1 }] }))
        .expect(400);
      expect(nested.body.errors).toEqual([{ field: 'modules.0.title', message: single }]);
      const both = await admin.post('/api/v1/people').send({ name: '\u0000', email: 'x', roles: ['peer'] });
      expect(both.body.errors).toEqual([
        { field: 'name', message: 'must be at least 2 characters' },
        { field: 'email', message: 'must be an e-mail address such as name@example.org' },
      ]);
      const query = await admin.get('/api/v1/people').query({ q: 'Jo\u0000' }).expect(400);
      expect(query.body.errors).toEqual([{ field: 'q', message: single }]);
    });

    it('lets free text hold tabs and line breaks (CRLF as browsers send it), but not a NUL', async () => {
      const ok = await admin
        .post('/api/v1/courses')
        .send(course({ description: 'Day one:\r\n\tethics\nDay two: boundaries' }))
        .expect(201);
      expect(ok.body.description).toBe('Day one:\r\n\tethics\nDay two: boundaries');
      const refused = await admin
        .post('/api/v1/courses')
        .send(course({ description: 'Day one\u0000' }))
        .expect(400);
      expect(refused.body.errors).toEqual([{ field: 'description', message: freeText }]);
    });

    it('refuses them from a form, beside the field', async () => {
      const browser = await t.browser(['admin']);
      const res = await t
        .as(browser)
        .post('/people')
        .type('form')
        .send({ name: 'Jo\u0000Ashby', email: unique(), roles: 'peer', status: 'active' })
        .expect(400);
      expect(res.text).toContain(`<small class="field-error" id="name-error">${single}</small>`);
    });

    it('refuses a roster line with one, naming the line, and keeps the rejected lines downloadable', async () => {
      const trainer = await t.token(['trainer']);
      const courseId = (await admin.post('/api/v1/courses').send(course({})).expect(201)).body.id;
      const cohortId = (
        await t
          .withBearer(trainer.bearer)
          .post('/api/v1/cohorts')
          .send({
            courseId,
            name: 'Control cohort',
            location: 'Hall',
            setting: 'clinic',
            startsOn: t.config.today(),
            endsOn: t.config.today(),
            capacity: 10,
            trainerIds: [trainer.person.id],
          })
          .expect(201)
      ).body.id;
      const csv = [
        'name,email,phone',
        `Ada Goodrider,${unique()},`,
        `"Ben\u0000Nul",${unique()},`,
        `"Cal\nBreak",${unique()},`,
        `Dee Bell\u0007,${unique()},`,
        `Eve Ok,eve\u0000${unique()},`,
      ].join('\n');
      const res = await t
        .withBearer(trainer.bearer)
        .post(`/api/v1/cohorts/${cohortId}/roster`)
        .attach('file', Buffer.from(csv), 'roster.csv')
        .expect(400);
      const line = 'contains control characters (such as NUL, tabs or line breaks)';
      expect(res.body.errors).toEqual([
        { field: 'line 3', message: `name ${line}` },
        // A quoted name with a line break in it ends on line 5, as csv-parse counts.
        { field: 'line 5', message: `name ${line}` },
        { field: 'line 6', message: `name ${line}` },
        { field: 'line 7', message: `e-mail ${line}` },
      ]);
      const rejected = await t.withBearer(trainer.bearer).get(res.body.details.rejectedLinesUrl).expect(200);
      expect(rejected.text).toContain('Ben\uFFFDNul');
      expect(rejected.text).not.toContain('\u0000');
      const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM enrollments WHERE cohort_id = '${cohortId}'`);
      expect(Number(n)).toBe(0);
    });
    it('answers a date-of-service row with one as unknown, not with a 500', async () => {
      const file = `person,date,role\nje\u0000n@example.org,2026-06-14,PSS\n${randomUUID()}\u0000,2026-06-14,PSS\n`;
      const res = await admin
        .post('/api/v1/clearance/date-of-service')
        .attach('file', Buffer.from(file), 'visits.csv')
        .expect(200);
      expect(res.body.rows.map((r: { line: number; status: string | null }) => [r.line, r.status])).toEqual([
        [2, null],
        [3, null],
      ]);
    });
  });
});
