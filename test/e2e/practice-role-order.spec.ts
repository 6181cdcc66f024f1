import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** Issue 19: the order practice roles are shown in is set in the catalogue, Peer Support Specialist first. */
describeEachEngine('Practice-role order in the catalogue', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  const codes = async (path: string) =>
    ((await admin.get(path).expect(200)).body as { roles: Array<{ code: string }> }).roles.map((r) => r.code);
  const listed = async () =>
    ((await admin.get('/api/v1/practice-roles').expect(200)).body as Array<{ id: string; code: string }>).map(
      (r) => r.code,
    );
  const idOf = async (code: string) =>
    ((await admin.get('/api/v1/practice-roles').expect(200)).body as Array<{ id: string; code: string }>).find(
      (r) => r.code === code,
    )!.id;

  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = t.withBearer((await t.token(['admin'])).bearer);
  });
  afterAll(async () => t?.close());

  it('seeds Peer Support Specialist first, and the board, a person’s clearance and the catalogue follow the order', async () => {
    const order = await listed();
    expect(order[0]).toBe('PSS');
    expect(await codes('/api/v1/clearance/board')).toEqual(order);
    const peer = await t.person(['peer']);
    const person = await admin.get(`/api/v1/people/${peer.id}/clearance`).expect(200);
    expect(person.body.results.map((r: { role: { code: string } }) => r.role.code)).toEqual(order);
  });

  it('moves a role up or down one place, audited, and the board’s columns move with it at once', async () => {
    const before = await listed();
    const jail = await idOf('JAIL-SERVICES');
    const moved = await admin.post(`/api/v1/practice-roles/${jail}/position`).send({ direction: 'up' }).expect(200);
    const i = before.indexOf('JAIL-SERVICES');
    const expected = [...before];
    [expected[i - 1], expected[i]] = [expected[i], expected[i - 1]];
    expect(moved.body.order).toEqual(expected);
    expect(await listed()).toEqual(expected);
    expect(await codes('/api/v1/clearance/board')).toEqual(expected);
    // At the top already: nothing changes.
    const pss = await idOf('PSS');
    expect(
      (await admin.post(`/api/v1/practice-roles/${pss}/position`).send({ direction: 'up' }).expect(200)).body.order,
    ).toEqual(expected);
    const bad = await admin.post(`/api/v1/practice-roles/${pss}/position`).send({ direction: 'sideways' }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'direction', message: 'must be up or down' }]);
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'practice_role.moved'`,
    );
    expect(Number(n)).toBe(1);
  });

  it('offers Move up / Move down on the role’s page to admins, posting back with a notice', async () => {
    const browser = await t.browser(['admin']);
    const web = t.as(browser);
    const trauma = await idOf('TRAUMA-FACILITATOR');
    const page = await web.get(`/catalog/practice-roles/${trauma}`).expect(200);
    expect(page.text).toMatch(/Shown \d+ of \d+ on the board/);
    expect(page.text).toContain('value="down" class="secondary" disabled');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await web
      .post(`/catalog/practice-roles/${trauma}/position`)
      .type('form')
      .send(new URLSearchParams({ _csrf: csrf, direction: 'up' }).toString())
      .expect(303);
    expect(res.headers.location).toBe(`/catalog/practice-roles/${trauma}?notice=moved#order`);
    const order = await listed();
    expect(order.indexOf('TRAUMA-FACILITATOR')).toBe(order.length - 2);
    const peerView = await t
      .as(await t.browser(['peer']))
      .get(`/catalog/practice-roles/${trauma}`)
      .expect(200);
    expect(peerView.text).not.toContain('Move up');
  });
});
