import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import type { Browser } from '../helpers/app';

/** Fields the page marks invalid, with the message shown beside each. */
function invalidFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<small class="field-error" id="([\w.]+)-error">([^<]*)<\/small>/g)) out[m[1]] = m[2];
  return out;
}

describeEachEngine('Forms', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let web: ReturnType<TestApp['as']>;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = await t.browser(['admin'], { name: 'Program Admin' });
    web = t.as(admin);
  });
  afterAll(async () => t?.close());

  it('adds a person from the form and shows their page', async () => {
    const res = await web
      .post('/people')
      .type('form')
      .send('name=Nizhoni+Begay&email=nizhoni%40example.org&roles=peer&roles=trainer&status=active')
      .expect(303);
    expect(res.headers.location).toMatch(/^\/people\/[0-9a-f-]{36}\?notice=created$/);
    const page = await web.get(res.headers.location).expect(200);
    expect(page.text).toContain('<h1>Nizhoni Begay</h1>');
    expect(page.text).toContain('Person added.');
    expect(page.text).toContain('trainer, peer');
  });

  it('shows the form again with each message beside its field and the typed values kept', async () => {
    const res = await web
      .post('/people')
      .type('form')
      .send('name=&email=not-an-email&phone=call+me&preferredName=Ro')
      .expect(400);
    expect(invalidFields(res.text)).toEqual({
      name: 'is required',
      email: 'must be an e-mail address such as name@example.org',
      phone: 'must be a phone number: digits, spaces, +, -, ( )',
      roles: 'is required',
    });
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('value="Ro"');
    expect(res.text.match(/aria-invalid="true"/g)).toHaveLength(4);
  });

  it('marks a clashing e-mail on the form, whatever its capitals', async () => {
    await t.person(['peer'], { email: 'taken@example.org' });
    const res = await web
      .post('/people')
      .type('form')
      .send('name=Someone+Else&email=TAKEN%40example.org&roles=peer')
      .expect(400);
    expect(invalidFields(res.text)).toEqual({ email: 'is already used by someone else' });
  });

  it('edits a person, and refuses to leave them without a role', async () => {
    const person = await t.person(['peer'], { name: 'Edit Me', roles: ['peer', 'supervisor'] });
    const edit = await web.get(`/people/${person.id}/edit`).expect(200);
    expect(edit.text).toContain('value="Edit Me"');
    expect(edit.text).toMatch(/value="supervisor" checked/);

    const none = await web
      .post(`/people/${person.id}`)
      .type('form')
      .send(`name=Edit+Me&email=${encodeURIComponent(person.email)}&status=active`)
      .expect(400);
    expect(invalidFields(none.text)).toEqual({ roles: 'choose at least one role' });

    await web
      .post(`/people/${person.id}`)
      .type('form')
      .send(`name=Edited&email=${encodeURIComponent(person.email)}&roles=peer&status=inactive`)
      .expect(303);
    const api = await web.get(`/api/v1/people/${person.id}`).expect(200);
    expect(api.body).toMatchObject({ name: 'Edited', roles: ['peer'], status: 'inactive' });
  });

  it('records a lived-experience verification by an admin, and refuses a non-admin or a future date', async () => {
    const trainer = await t.person(['peer'], { roles: ['trainer'] });
    const peer = await t.person(['peer']);

    const notAdmin = await web
      .post(`/people/${peer.id}/lived-experience`)
      .type('form')
      .send(`verifiedById=${trainer.id}&verifiedOn=2026-01-05&evidenceLocation=HR+file`)
      .expect(400);
    expect(invalidFields(notAdmin.text)).toEqual({ verifiedById: 'must be an admin' });
    const future = await web
      .post(`/people/${peer.id}/lived-experience`)
      .type('form')
      .send(`verifiedById=${admin.person.id}&verifiedOn=2999-01-01&evidenceLocation=HR+file`)
      .expect(400);
    expect(invalidFields(future.text)).toEqual({ verifiedOn: 'cannot be in the future' });

    await web
      .post(`/people/${peer.id}/lived-experience`)
      .type('form')
      .send(`verifiedById=${admin.person.id}&verifiedOn=2026-01-05&evidenceLocation=HR+file`)
      .expect(303);
    const page = await web.get(`/people/${peer.id}`).expect(200);
    expect(page.text).toContain('Verified Jan 5, 2026 by Program Admin; evidence kept in HR file');
  });

  it('refuses health details sent to the lived-experience API', async () => {
    const peer = await t.person(['peer']);
    const res = await web
      .post(`/api/v1/people/${peer.id}/lived-experience`)
      .send({
        verifiedById: admin.person.id,
        verifiedOn: '2026-01-05',
        evidenceLocation: 'HR file',
        diagnosis: 'anything',
        substance: 'anything',
      })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['diagnosis', 'substance']);
  });

  it('adds a credential type from the form, with rules that depend on each other', async () => {
    const bad = await web
      .post('/catalog/credential-types')
      .type('form')
      .send(
        'code=WFA&name=Wilderness+First+Aid&issuer=NOLS&kind=external&validityKind=months&validityMonths=&reminderDays=90%2C+soon&active=false&active=true',
      )
      .expect(400);
    expect(invalidFields(bad.text)).toEqual({
      validityMonths: 'is required',
      reminderDays: 'must be whole numbers of days, separated by commas',
    });

    const ok = await web
      .post('/catalog/credential-types')
      .type('form')
      .send(
        'code=wfa&name=Wilderness+First+Aid&issuer=NOLS&kind=external&validityKind=months&validityMonths=24&graceDays=0&reminderDays=30%2C90&active=false&active=true',
      )
      .expect(303);
    const page = await web.get(ok.headers.location).expect(200);
    expect(page.text).toContain('<strong>WFA</strong>');
    expect(page.text).toContain('24 months from issue');
    expect(page.text).toContain('90, 30 days before expiry');
  });

  it('deactivates a credential type by unticking Active', async () => {
    const types = await web.get('/api/v1/credential-types').expect(200);
    const mhfa = types.body.find((x: { code: string }) => x.code === 'MHFA');
    await web
      .post(`/catalog/credential-types/${mhfa.id}`)
      .type('form')
      .send(
        `code=MHFA&name=${encodeURIComponent(mhfa.name)}&issuer=${encodeURIComponent(mhfa.issuer)}&kind=external&validityKind=months&validityMonths=36&graceDays=0&reminderDays=90&active=false`,
      )
      .expect(303);
    const after = await web.get(`/api/v1/credential-types/${mhfa.id}`).expect(200);
    expect(after.body.active).toBe(false);
  });

  it('answers 404 pages for unknown records and 400 for malformed ids', async () => {
    await web.get('/people/7a1e9a4e-2b8f-4c1e-9a51-0f6b2f0d9c11').expect(404);
    await web.get('/catalog/credential-types/7a1e9a4e-2b8f-4c1e-9a51-0f6b2f0d9c11').expect(404);
    await web.get('/people/abc').expect(400);
  });

  it('posts the upload forms (roster, date-of-service) with the CSRF token in the body, never in the address', async () => {
    const api = t.withBearer((await t.token(['admin'])).bearer);
    const course = await api.post('/api/v1/courses').send({
      code: 'UPLOAD-1',
      title: 'Upload forms',
      requiredHours: 2,
      modules: [{ title: 'Orientation', hours: 2, required: true }],
    });
    expect(course.status).toBe(201);
    const courseId = course.body.id as string;
    const cohort = await api.post('/api/v1/cohorts').send({
      courseId,
      name: 'Upload cohort',
      location: 'Hall',
      setting: 'clinic',
      startsOn: t.config.today(),
      endsOn: t.config.today(),
      capacity: 10,
      trainerIds: [(await t.person(['trainer'])).id],
    });
    expect(cohort.body).toMatchObject({ id: expect.any(String) });
    const cohortId = cohort.body.id as string;
    for (const path of [`/training/cohorts/${cohortId}`, '/clearance/date-of-service']) {
      const page = await web.get(path).expect(200);
      expect(page.text).toMatch(/<form method="post" action="[^"?]+" enctype="multipart\/form-data"/);
      expect(page.text).not.toContain('_csrf=');
    }
    const roster = 'name,email\nAda Upload,ada.upload@example.org\n';
    const post = (url: string) =>
      t.http().post(url).set('Cookie', admin.cookie).attach('file', Buffer.from(roster), 'roster.csv');
    // The token in the address, as the old form sent it, is refused; in the body it is taken.
    await post(`/training/cohorts/${cohortId}/roster?_csrf=${admin.csrf}`).expect(403);
    const imported = await post(`/training/cohorts/${cohortId}/roster`).field('_csrf', admin.csrf).expect(303);
    expect(imported.headers.location).toBe(`/training/cohorts/${cohortId}?imported=1&skipped=0#roster`);
  });
});
