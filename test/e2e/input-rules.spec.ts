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
});
