import Redis from 'ioredis';
import { Session } from '../../src/modules/auth/session.entity';
import { SESSION_IDLE_MS, SessionsService } from '../../src/modules/auth/sessions.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { redisAvailable, redisUrl } from '../helpers/engines';

/** With REDIS_URL set, sessions live in Redis instead of the database, and end the same way. */
(redisAvailable() ? describe : describe.skip)('Sessions in Redis', () => {
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { REDIS_URL: redisUrl() } });
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis?.quit();
    await t?.close();
  });

  const sessionKey = (id: string) => `lms:session:${id}`;
  const tokenOf = (cookie: string[]) => cookie.find((c) => c.startsWith('lms_session='))!.split('=')[1];

  it('keeps a new session in Redis, expiring by itself, and not in the database', async () => {
    const browser = await t.browser(['peer']);
    const id = t.app.get(SessionsService).idFor(tokenOf(browser.cookie));
    const stored = JSON.parse((await redis.get(sessionKey(id)))!);
    expect(stored).toMatchObject({ id, personId: browser.person.id });
    const ttl = await redis.pttl(sessionKey(id));
    expect(ttl).toBeGreaterThan(SESSION_IDLE_MS);
    expect(await redis.smembers(`lms:sessions-of:${browser.person.id}`)).toEqual([id]);
    expect(await t.dataSource.getRepository(Session).count()).toBe(0);
    const account = await t.as(browser).get('/account').expect(200);
    expect(account.text).toContain('this one');
  });

  it('ends the session on sign-out', async () => {
    const browser = await t.browser(['peer']);
    const id = t.app.get(SessionsService).idFor(tokenOf(browser.cookie));
    await t.as(browser).post('/logout').expect(303);
    expect(await redis.exists(sessionKey(id))).toBe(0);
    await t.as(browser).get('/account').expect(303).expect('Location', '/login?next=%2Faccount');
  });

  it('ends the other sessions on a password change, and all of them on deactivation', async () => {
    const first = await t.browser(['peer']);
    const { token } = await t.app
      .get(SessionsService)
      .create(t.dataSource.manager, first.person.id, '127.0.0.1', 'second browser');
    const second = { ...first, cookie: [first.cookie[1], `lms_session=${token}`] };
    await t.as(second).get('/account').expect(200);

    await t
      .as(first)
      .post('/account/password')
      .type('form')
      .send({
        current: 'a long test password',
        password: 'an even longer new password',
        confirm: 'an even longer new password',
      })
      .expect(303);
    await t.as(first).get('/account').expect(200);
    await t.as(second).get('/account').expect(303);

    const admin = t.withBearer((await t.token(['admin'])).bearer);
    await admin.patch(`/api/v1/people/${first.person.id}`).send({ status: 'inactive' }).expect(200);
    expect(await redis.smembers(`lms:sessions-of:${first.person.id}`)).toEqual([]);
    await t.as(first).get('/account').expect(303);
  });
});
