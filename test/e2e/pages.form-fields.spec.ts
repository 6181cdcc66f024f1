import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import type { Browser } from '../helpers/app';

/**
 * A form post names its fields: one the form does not have is refused (a misnamed field must not
 * pass for one left out), and a field left out of a post never clears what is stored.
 */
describeEachEngine('Form fields', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let web: ReturnType<TestApp['as']>;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = await t.browser(['admin'], { name: 'Program Admin' });
    web = t.as(admin);
  });
  afterAll(async () => t?.close());

  describe('person edit', () => {
    const form = (email: string, extra = '') =>
      `name=Renee+Two+Feathers&email=${encodeURIComponent(email)}&roles=peer&status=active${extra}`;

    it('refuses an unknown field with 400, says which, and keeps the saved name', async () => {
      const person = await t.person(['peer'], { name: 'Renee Two Feathers', preferredName: 'Renée' });
      const res = await web
        .post(`/people/${person.id}`)
        .type('form')
        .send(form(person.email, '&printedName=Ren'))
        .expect(400);
      expect(res.text).toContain('&quot;printedName&quot; is not a field of this form');
      const api = await web.get(`/api/v1/people/${person.id}`).expect(200);
      expect(api.body.preferredName).toBe('Renée');
    });

    it('keeps a value whose field the post leaves out, and clears it when the field is sent empty', async () => {
      const person = await t.person(['peer'], { preferredName: 'Renée', phone: '(406) 555-0142' });
      await web.post(`/people/${person.id}`).type('form').send(form(person.email)).expect(303);
      let api = await web.get(`/api/v1/people/${person.id}`).expect(200);
      expect(api.body).toMatchObject({ preferredName: 'Renée', phone: '(406) 555-0142', name: 'Renee Two Feathers' });

      await web.post(`/people/${person.id}`).type('form').send(form(person.email, '&preferredName=')).expect(303);
      api = await web.get(`/api/v1/people/${person.id}`).expect(200);
      expect(api.body).toMatchObject({ preferredName: null, phone: '(406) 555-0142' });
    });
  });

  describe('account printed name', () => {
    it('refuses a misnamed field instead of clearing the name, and keeps it when the field is left out', async () => {
      const peer = await t.browser(['peer'], { preferredName: 'Renée' });
      const res = await t.as(peer).post('/account/printed-name').type('form').send('printedName=Ren').expect(400);
      expect(res.text).toContain('&quot;printedName&quot; is not a field of this form');
      expect((await web.get(`/api/v1/people/${peer.person.id}`).expect(200)).body.preferredName).toBe('Renée');

      await t.as(peer).post('/account/printed-name').type('form').send('').expect(303);
      expect((await web.get(`/api/v1/people/${peer.person.id}`).expect(200)).body.preferredName).toBe('Renée');
      await t.as(peer).post('/account/printed-name').type('form').send('preferredName=').expect(303);
      expect((await web.get(`/api/v1/people/${peer.person.id}`).expect(200)).body.preferredName).toBeNull();
    });
  });

  describe('credential type edit', () => {
    it('keeps the description when the post leaves it out, and refuses an unknown field', async () => {
      const api = t.withBearer((await t.token(['admin'])).bearer);
      const created = await api
        .post('/api/v1/credential-types')
        .send({
          code: 'KEEP-1',
          name: 'Keep me',
          issuer: 'Board',
          kind: 'external',
          validityKind: 'months',
          validityMonths: 12,
          description: 'Kept text',
        })
        .expect(201);
      const id = created.body.id as string;
      const form = 'code=KEEP-1&name=Kept&issuer=Board&kind=external&validityKind=months&validityMonths=12&active=true';
      await web.post(`/catalog/credential-types/${id}`).type('form').send(`${form}&summary=x`).expect(400);
      expect((await api.get(`/api/v1/credential-types/${id}`).expect(200)).body).toMatchObject({
        name: 'Keep me',
        description: 'Kept text',
      });
      await web.post(`/catalog/credential-types/${id}`).type('form').send(form).expect(303);
      expect((await api.get(`/api/v1/credential-types/${id}`).expect(200)).body).toMatchObject({
        name: 'Kept',
        description: 'Kept text',
      });
    });
  });

  describe('course edit', () => {
    it('keeps the description and exam when the post leaves them out, and refuses an unknown field', async () => {
      const api = t.withBearer((await t.token(['admin'])).bearer);
      const created = await api
        .post('/api/v1/courses')
        .send({
          code: 'KEEP-C',
          title: 'Keep course',
          description: 'What the course is',
          requiredHours: 2,
          examPassMark: 80,
          examMaxAttempts: 2,
          modules: [{ title: 'Orientation', hours: 2, required: true }],
        })
        .expect(201);
      const { id, modules } = created.body as { id: string; modules: Array<{ id: string }> };
      const form = `code=KEEP-C&title=Kept+course&requiredHours=2&modules[0][id]=${modules[0].id}&modules[0][title]=Orientation&modules[0][hours]=2&modules[0][required]=true`;
      const refused = await web.post(`/training/courses/${id}`).type('form').send(`${form}&summary=x`).expect(400);
      expect(refused.text).toContain('&quot;summary&quot; is not a field of this form');
      await web.post(`/training/courses/${id}`).type('form').send(form).expect(303);
      expect((await api.get(`/api/v1/courses/${id}`).expect(200)).body).toMatchObject({
        title: 'Kept course',
        description: 'What the course is',
        examPassMark: 80,
        examMaxAttempts: 2,
      });
      await web.post(`/training/courses/${id}`).type('form').send(`${form}&description=`).expect(303);
      expect((await api.get(`/api/v1/courses/${id}`).expect(200)).body.description).toBeNull();
    });
  });

  describe('credential forms', () => {
    it('refuses an unknown field on the record form and records nothing', async () => {
      const person = await t.person(['peer']);
      const res = await web
        .post(`/people/${person.id}/credentials`)
        .type('form')
        .send('credentialTypeCode=MHFA&issuedOn=2026-01-05&licenseNumber=123')
        .expect(400);
      expect(res.text).toContain('&quot;licenseNumber&quot; is not a field of this form');
      const [{ n }] = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM credentials WHERE person_id = '${person.id}'`,
      );
      expect(Number(n)).toBe(0);
    });
  });

  describe('query strings', () => {
    it('validates the board and cohort list filters like a body', async () => {
      await web.get('/clearance').query({ expiring: '30' }).expect(200);
      await web.get('/clearance').query({ expiring: '', date: '', role: '' }).expect(200);
      await web.get('/clearance').query({ expiring: '45' }).expect(400);
      await web.get('/clearance').query({ date: '2026-02-30' }).expect(400);
      await web.get('/clearance.csv').query({ expiring: 'soon' }).expect(400);
      await web.get('/training').query({ status: 'running' }).expect(200);
      await web.get('/training').query({ status: '' }).expect(200);
      await web.get('/training').query({ status: 'bogus' }).expect(400);
      await web.get('/api/v1/cohorts').query({ status: 'bogus' }).expect(400);
    });
  });

  it('takes the date-of-service form as a POST with the CSRF token in the body, never in the address', async () => {
    const page = await web.get('/clearance/date-of-service').expect(200);
    expect(page.text).toMatch(
      /<form method="post" action="\/clearance\/date-of-service" enctype="multipart\/form-data"/,
    );
    const file = Buffer.from('person_id,date,role\n');
    const post = (url: string) => t.http().post(url).set('Cookie', admin.cookie).attach('file', file, 'visits.csv');
    await post(`/clearance/date-of-service?_csrf=${admin.csrf}`).expect(403);
    await post('/clearance/date-of-service')
      .field('_csrf', admin.csrf)
      .expect((res) => expect(res.status).not.toBe(403));
  });
});
