import { Controller, Get, Logger } from '@nestjs/common';
import { Public } from '../../src/common/auth/decorators';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** A route that fails the way a bug would, with a secret in its message. */
@Public()
@Controller()
class BrokenController {
  @Get('api/v1/test-broken')
  apiBoom(): never {
    throw new Error('connection to postgres://admin:hunter2@db failed');
  }

  @Get('test-broken')
  pageBoom(): never {
    throw new TypeError("Cannot read properties of undefined (reading 'hunter2')");
  }
}

describe('Errors', () => {
  let t: TestApp;
  let logged: string[];
  beforeAll(async () => {
    t = await createTestApp('sqlite', { controllers: [BrokenController] });
  });
  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      logged.push(String(message));
    });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => t?.close());

  it('answers an unknown API route with a JSON 404 in the one error shape', async () => {
    const res = await t.http().get('/api/v1/nothing-here').expect(404).expect('Content-Type', /json/);
    expect(res.body).toEqual({
      statusCode: 404,
      message: 'There is nothing at /api/v1/nothing-here.',
      errors: [],
      requestId: expect.any(String),
    });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('answers an unknown page with a friendly HTML 404', async () => {
    const res = await t
      .http()
      .get('/no/such/page')
      .set('Accept', 'text/html')
      .expect(404)
      .expect('Content-Type', /html/);
    expect(res.text).toContain('<h1>Not found</h1>');
    expect(res.text).toContain('There is nothing at /no/such/page.');
    expect(res.text).toContain('Go to the home page');
  });

  it('gives validation errors as { statusCode, message, errors[{ field, message }] }', async () => {
    const admin = t.withBearer((await t.token(['admin'])).bearer);
    const res = await admin.post('/api/v1/people').send({ name: 'A', email: 'x', roles: [] }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: '3 fields are invalid' });
    expect(res.body.errors).toEqual([
      { field: 'name', message: 'must be at least 2 characters' },
      { field: 'email', message: 'must be an e-mail address such as name@example.org' },
      { field: 'roles', message: 'choose at least one role' },
    ]);
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await t
      .http()
      .post('/api/v1/people')
      .set('Content-Type', 'application/json')
      .send('{"name": "Renée",')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/JSON/), errors: [] });
  });

  it('hides an unexpected API error behind a 500 that leaks nothing, and logs it with the request id', async () => {
    const res = await t.http().get('/api/v1/test-broken').expect(500);
    expect(res.body).toEqual({
      statusCode: 500,
      message: `Something went wrong on our side. It has been logged; quote reference ${res.body.requestId} if you report it.`,
      errors: [],
      requestId: expect.any(String),
    });
    expect(res.text).not.toMatch(/hunter2|postgres:|at .*\.ts|Error:/);
    expect(logged.join('\n')).toContain(`[request ${res.body.requestId}]`);
    expect(logged.join('\n')).toContain('connection to postgres://admin:hunter2@db failed');
  });

  it('shows an unexpected page error as a friendly HTML 500 with no stack trace', async () => {
    const res = await t
      .http()
      .get('/test-broken')
      .set('Accept', 'text/html')
      .expect(500)
      .expect('Content-Type', /html/);
    expect(res.text).toContain('<h1>Something went wrong</h1>');
    expect(res.text).not.toMatch(/hunter2|TypeError|at .*\.(ts|js):\d+/);
    expect(logged).toHaveLength(1);
  });

  it('sends security headers', async () => {
    const res = await t.http().get('/login').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

/** Issue 14 §3: a small body nested thousands deep overflowed class-transformer's stack (a 500) on every DTO route. */
describeEachEngine('Nesting depth of request bodies and query strings', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = t.withBearer((await t.token(['admin'])).bearer);
  });
  afterAll(async () => t?.close());

  /** `{ "name": [[[...]]] }`: the body itself is the first level. */
  const nested = (levels: number) => `{"name":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
  const refusal = (field: string) => ({
    statusCode: 400,
    message: 'The request is nested more than 32 levels deep.',
    errors: [{ field, message: 'is nested more than 32 levels deep' }],
    requestId: expect.any(String),
  });

  it('refuses a 20 KB JSON body nested 10,000 deep with a 400 in the one error shape, not a 500', async () => {
    const body = nested(10_000);
    expect(body.length).toBeGreaterThan(19_000);
    const res = await admin.post('/api/v1/people').set('Content-Type', 'application/json').send(body).expect(400);
    expect(res.body).toEqual(refusal('name'));
    // The same on a route whose DTO has nested objects.
    const attendance = await admin
      .put(`/api/v1/cohorts/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/attendance`)
      .set('Content-Type', 'application/json')
      .send(`{"records":${'[{"a":'.repeat(5000)}1${'}]'.repeat(5000)}}`)
      .expect(400);
    expect(attendance.body).toEqual(refusal('records'));
  });

  it('lets 32 levels through to validation and refuses the 33rd', async () => {
    const at = await admin.post('/api/v1/people').set('Content-Type', 'application/json').send(nested(32)).expect(400);
    expect(at.body.message).not.toMatch(/nested/);
    expect(at.body.errors).toContainEqual({ field: 'name', message: expect.any(String) });
    const over = await admin
      .post('/api/v1/people')
      .set('Content-Type', 'application/json')
      .send(nested(33))
      .expect(400);
    expect(over.body).toEqual(refusal('name'));
  });

  it('refuses a form body nested too deep with the same message', async () => {
    const browser = await t.browser(['admin']);
    const res = await t
      .as(browser)
      .post('/api/v1/people')
      .type('form')
      .send(`name${'[a]'.repeat(100)}=x&email=a@example.org`)
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: 'The request is nested more than 32 levels deep.' });
    expect(res.body.errors).toEqual([expect.objectContaining({ message: 'is nested more than 32 levels deep' })]);
  });

  it('answers a query string with thousands of brackets with a 400, not a 500', async () => {
    const res = await admin.get(`/api/v1/audit?personId${'[a]'.repeat(3000)}=x`).expect(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      errors: [expect.objectContaining({ message: expect.any(String) })],
    });
  });
});
