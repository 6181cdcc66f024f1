import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine, redisAvailable, redisUrl } from '../helpers/engines';

describeEachEngine('GET /health', (engine) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('is 200 when the database answers and Redis is not configured', async () => {
    t = await createTestApp(engine);
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: { database: { status: 'up' }, redis: { status: 'not configured' } },
    });
  });

  it('is 503 when Redis is configured but does not answer, without leaking its URL', async () => {
    t = await createTestApp(engine, { env: { REDIS_URL: 'redis://:secret@127.0.0.1:1' } });
    const res = await t.http().get('/health').expect(503);
    expect(res.body).toMatchObject({
      status: 'unavailable',
      checks: { database: { status: 'up' }, redis: { status: 'down' } },
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('is 503 when the database is gone', async () => {
    t = await createTestApp(engine);
    await t.dataSource.destroy();
    const res = await t.http().get('/health').expect(503);
    expect(res.body.checks.database.status).toBe('down');
    await t.dataSource.initialize();
  });

  (redisAvailable() ? it : it.skip)('is 200 with Redis up when configured', async () => {
    t = await createTestApp(engine, { env: { REDIS_URL: redisUrl() } });
    const res = await t.http().get('/health').expect(200);
    expect(res.body.checks.redis).toEqual({ status: 'up' });
  });
});
