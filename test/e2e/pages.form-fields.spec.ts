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
});
