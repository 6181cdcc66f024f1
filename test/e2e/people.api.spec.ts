import { describeEachEngine } from '../helpers/engines';
import { createTestApp, type TestApp } from '../helpers/app';
import { personInput } from '../factories/people';

describeEachEngine('People API', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    const token = await t.token(['admin']);
    admin = t.withBearer(token.bearer);
    adminId = token.person.id;
  });
  afterAll(async () => t?.close());

  it('records a lived-experience verification by the calling admin when the body names no verifier', async () => {
    const peer = await t.person(['peer']);
    const other = await t.person(['trainer']);
    const attestation = { verifiedOn: t.config.today(), evidenceLocation: 'HR file' };
    const mine = await admin.post(`/api/v1/people/${peer.id}/lived-experience`).send(attestation).expect(201);
    expect(mine.body.verifiedById).toBe(adminId);
    // Naming someone still works, and naming a non-admin is still refused.
    const refused = await admin
      .post(`/api/v1/people/${peer.id}/lived-experience`)
      .send({ ...attestation, verifiedById: other.id })
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'verifiedById', message: 'must be an admin' }]);
  });

  it('creates, reads, lists and updates a person', async () => {
    const created = await admin
      .post('/api/v1/people')
      .send({
        name: '  Renée Two Feathers ',
        preferredName: 'Renée',
        email: 'Renee.TwoFeathers@example.org',
        phone: '(406) 555-0142',
        roles: ['peer', 'trainer'],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Renée Two Feathers',
      preferredName: 'Renée',
      displayName: 'Renée',
      email: 'Renee.TwoFeathers@example.org',
      phone: '(406) 555-0142',
      status: 'active',
      roles: ['trainer', 'peer'],
    });

    const read = await admin.get(`/api/v1/people/${created.body.id}`).expect(200);
    expect(read.body).toMatchObject({ id: created.body.id, livedExperience: [], credentials: [] });

    const listed = await admin.get('/api/v1/people').query({ q: 'two feath' }).expect(200);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
    expect(listed.body.total).toBe(1);

    const updated = await admin
      .patch(`/api/v1/people/${created.body.id}`)
      .send({ status: 'inactive', roles: ['peer'], preferredName: '' })
      .expect(200);
    expect(updated.body).toMatchObject({
      status: 'inactive',
      roles: ['peer'],
      preferredName: null,
      displayName: 'Renée Two Feathers',
    });
  });

  it('filters the list by role and status and pages through it', async () => {
    for (let i = 0; i < 3; i++)
      await admin
        .post('/api/v1/people')
        .send(personInput({ name: `Filter Supervisor ${i}`, roles: ['supervisor'] }))
        .expect(201);
    const supervisors = await admin
      .get('/api/v1/people')
      .query({ role: 'supervisor', status: 'active', pageSize: 2 })
      .expect(200);
    expect(supervisors.body.total).toBe(3);
    expect(supervisors.body.items).toHaveLength(2);
    const page2 = await admin.get('/api/v1/people').query({ role: 'supervisor', pageSize: 2, page: 2 }).expect(200);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].name).toBe('Filter Supervisor 2');
  });

  it('treats e-mail addresses as unique whatever their capitals', async () => {
    await admin
      .post('/api/v1/people')
      .send(personInput({ email: 'sam.kicking@example.org' }))
      .expect(201);
    const clash = await admin
      .post('/api/v1/people')
      .send(personInput({ email: 'SAM.Kicking@Example.ORG' }))
      .expect(409);
    expect(clash.body).toMatchObject({
      statusCode: 409,
      errors: [{ field: 'email', message: 'is already used by someone else' }],
    });

    const other = await admin.post('/api/v1/people').send(personInput()).expect(201);
    await admin.patch(`/api/v1/people/${other.body.id}`).send({ email: 'Sam.Kicking@example.org' }).expect(409);
  });

  it('enforces case-insensitive uniqueness in the database itself, not only in the service', async () => {
    await admin
      .post('/api/v1/people')
      .send(personInput({ email: 'db.level@example.org' }))
      .expect(201);
    await expect(
      t.dataSource.query(
        `INSERT INTO people (id, name, email) VALUES ('00000000-0000-4000-8000-000000000001', 'Raw Insert', 'DB.Level@Example.org')`,
      ),
    ).rejects.toThrow(/unique/i);
  });

  const invalid: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['missing name', { name: undefined }, 'name', /^is required$/],
    ['one-letter name', { name: 'A' }, 'name', /at least 2 characters/],
    ['over-long name', { name: 'x'.repeat(201) }, 'name', /at most 200/],
    ['bad e-mail', { email: 'not-an-email' }, 'email', /e-mail address/],
    ['missing e-mail', { email: undefined }, 'email', /^is required$/],
    ['blank e-mail', { email: '  ' }, 'email', /^is required$/],
    ['bad phone', { phone: 'call me' }, 'phone', /phone number/],
    ['unknown status', { status: 'retired' }, 'status', /active or inactive/],
    ['no roles', { roles: [] }, 'roles', /at least one role/],
    ['unknown role', { roles: ['peer', 'wizard'] }, 'roles', /peer, trainer, supervisor or admin/],
    ['a role twice', { roles: ['peer', 'peer'] }, 'roles', /twice/],
    ['over-long preferred name', { preferredName: 'y'.repeat(201) }, 'preferredName', /at most 200/],
    ['an unknown field', { diagnosis: 'anything' }, 'diagnosis', /should not exist/],
  ];
  it.each(invalid)('refuses %s with a 400 naming the field', async (_label, change, field, message) => {
    const body: Record<string, unknown> = { ...personInput(), ...change };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    const res = await admin.post('/api/v1/people').send(body).expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(typeof res.body.message).toBe('string');
    const error = res.body.errors.find((e: { field: string }) => e.field === field);
    expect(error).toBeDefined();
    expect(error.message).toMatch(message);
  });

  it('answers 404 for an unknown person and 400 for a malformed id', async () => {
    const missing = await admin.get('/api/v1/people/7a1e9a4e-2b8f-4c1e-9a51-0f6b2f0d9c11').expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, message: 'No person with that id.', errors: [] });
    await admin.get('/api/v1/people/not-a-uuid').expect(400);
    await admin.patch('/api/v1/people/7a1e9a4e-2b8f-4c1e-9a51-0f6b2f0d9c11').send({ name: 'Nobody' }).expect(404);
  });

  it('refuses bad list filters with a 400', async () => {
    const res = await admin.get('/api/v1/people').query({ role: 'wizard', pageSize: 1000 }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['pageSize', 'role']);
  });
  it('gives a trainer no way into the record of someone they enrolled: 404 for the record, 403 for the list', async () => {
    const trainer = await t.token(['trainer']);
    const trainee = await t.person(['peer']);
    const course = await admin
      .post('/api/v1/courses')
      .send({
        code: 'PPL-1',
        title: 'Scope course',
        requiredHours: 2,
        modules: [{ title: 'Only module', hours: 2, required: true }],
      })
      .expect(201);
    const today = t.config.today();
    const cohort = await t
      .withBearer(trainer.bearer)
      .post('/api/v1/cohorts')
      .send({
        courseId: course.body.id,
        name: 'Own cohort',
        location: 'Room',
        setting: 'clinic',
        startsOn: today,
        endsOn: today,
        capacity: 3,
        trainerIds: [trainer.person.id],
      })
      .expect(201);
    await t
      .withBearer(trainer.bearer)
      .post(`/api/v1/cohorts/${cohort.body.id}/enrollments`)
      .send({ personId: trainee.id })
      .expect(201);
    await t.withBearer(trainer.bearer).get(`/api/v1/people/${trainee.id}`).expect(404);
    await t.withBearer(trainer.bearer).get('/api/v1/people').expect(403);
    // The trainer still sees their own record.
    await t.withBearer(trainer.bearer).get(`/api/v1/people/${trainer.person.id}`).expect(200);
  });
});
