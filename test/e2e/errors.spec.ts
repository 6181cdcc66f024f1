import { Controller, Get, Logger } from '@nestjs/common';
import { Public } from '../../src/modules/auth/decorators';
import { createTestApp, type TestApp } from '../helpers/app';

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
