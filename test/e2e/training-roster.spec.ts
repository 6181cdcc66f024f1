import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { addDays } from '../../src/common/dates';
import { NOT_ENROLLABLE_LINE } from '../../src/modules/training/enrollable';
import { RosterImportService } from '../../src/modules/training/roster-import.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** Importing a roster CSV: the whole file or nothing, every bad row reported by its line. */
describeEachEngine('Training: roster import', (engine) => {
  let t: TestApp;
  let trainer: string;
  let courseId: string;

  const cohort = async (capacity: number) =>
    (
      await t
        .withBearer(trainer)
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name: 'Roster cohort',
          location: 'Hall',
          setting: 'jail',
          startsOn: t.config.today(),
          endsOn: addDays(t.config.today(), 5),
          capacity,
          trainerIds: [me],
        })
        .expect(201)
    ).body.id as string;
  let me: string;
  const upload = (cohortId: string, csv: string) =>
    t.withBearer(trainer).post(`/api/v1/cohorts/${cohortId}/roster`).attach('file', Buffer.from(csv), 'roster.csv');
  const counts = async () => {
    const [[people], [enrollments], [links]] = await Promise.all([
      t.dataSource.query('SELECT COUNT(*) AS n FROM people'),
      t.dataSource.query('SELECT COUNT(*) AS n FROM enrollments'),
      t.dataSource.query('SELECT COUNT(*) AS n FROM account_links'),
    ]);
    return { people: Number(people.n), enrollments: Number(enrollments.n), links: Number(links.n) };
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    const admin = (await t.token(['admin'])).bearer;
    const tr = await t.token(['trainer']);
    trainer = tr.bearer;
    me = tr.person.id;
    courseId = (
      await t
        .withBearer(admin)
        .post('/api/v1/courses')
        .send({
          code: 'ROSTER-1',
          title: 'Jail services orientation',
          requiredHours: 4,
          modules: [{ title: 'Orientation', hours: 4, required: true }],
        })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => t?.close());

  it('rejects a file with every kind of bad row, reports each by line, and imports nothing', async () => {
    const inactive = await t.person(['peer'], { email: `gone.${randomUUID().slice(0, 6)}@example.org` });
    await t.dataSource.query(`UPDATE people SET status = 'inactive' WHERE id = '${inactive.id}'`);
    const enrolled = await t.person(['peer']);
    const cohortId = await cohort(5);
    await t
      .withBearer(trainer)
      .post(`/api/v1/cohorts/${cohortId}/enrollments`)
      .send({ personId: enrolled.id })
      .expect(201);
    const before = await counts();

    const csv = [
      'Name,E-mail,Phone',
      'Ada Goodrider,ada.goodrider@example.org,406-555-0101', // 2: fine
      'Ben Two Feathers,not-an-email,', // 3: bad e-mail
      ',nameless@example.org,', // 4: no name
      'Ada Again,ADA.GOODRIDER@example.org,', // 5: duplicate of line 2 (case ignored)
      `Already Here,${enrolled.email},`, // 6: already on the cohort: skipped, not a problem
      `Gone Person,${inactive.email},`, // 7: inactive
      'Cal Phone,cal@example.org,call me maybe', // 8: bad phone
      '', // 9: blank line, skipped
      'Dee Ok,dee@example.org,', // 10: fine
      'Eve Ok,eve@example.org,', // 11: fine
      'Fay Ok,fay@example.org,', // 12: fine
      'Gus Over,gus@example.org,', // 13: fine but the cohort (5 places, 1 taken) is full by now
      'Hal,', // 14: short row: no e-mail
    ].join('\n');
    const res = await upload(cohortId, csv).expect(400);
    expect(res.body.message).toBe('7 row(s) have problems; nothing was imported.');
    expect(res.body.errors).toEqual([
      { field: 'line 3', message: '"not-an-email" is not an e-mail address' },
      { field: 'line 4', message: 'name is missing' },
      { field: 'line 5', message: 'duplicate: the same e-mail is on line 2' },
      // A trainer is not told who is behind a known address, nor why it cannot be enrolled.
      { field: 'line 7', message: NOT_ENROLLABLE_LINE },
      { field: 'line 8', message: '"call me maybe" is not a phone number' },
      { field: 'line 13', message: 'over capacity: the cohort has room for 5' },
      { field: 'line 14', message: 'e-mail is missing' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('says what is wrong with a file that is not a roster at all', async () => {
    const cohortId = await cohort(5);
    expect((await upload(cohortId, 'first,last\nAda,Goodrider\n').expect(400)).body.message).toBe(
      'The first line must name the columns: name, email and (optionally) phone.',
    );
    expect((await upload(cohortId, 'name,email\n').expect(400)).body.message).toBe(
      'The file has a header but no people.',
    );
    expect((await upload(cohortId, 'name,email\n"Ada,ada@example.org\n').expect(400)).body.message).toMatch(
      /^The file is not readable CSV/,
    );
    expect((await t.withBearer(trainer).post(`/api/v1/cohorts/${cohortId}/roster`).expect(400)).body.errors).toEqual([
      { field: 'file', message: 'is required' },
    ]);
  });

  it('imports a good 2,000-row file in one go: creates and invites new people as peers, enrolls everyone, audits it', async () => {
    const known = await t.person(['peer']);
    const cohortId = await cohort(2500);
    const before = await counts();
    const tag = randomUUID().slice(0, 6);
    const rows = Array.from(
      { length: 1999 },
      (_, i) => `Person ${i} Ñuñez-Wolf Robe,p${i}.${tag}@example.org,406-555-${String(i).padStart(4, '0')}`,
    );
    const csv = ['name,email,phone', `${known.name},${known.email.toUpperCase()},`, ...rows].join('\r\n');

    const res = await upload(cohortId, csv).expect(201);
    expect(res.body).toEqual({
      ok: true,
      enrolled: 2000,
      skipped: 0,
      message: '2000 people enrolled. Anyone not yet registered was sent an invitation.',
    });
    expect(await counts()).toEqual({
      people: before.people + 1999,
      enrollments: before.enrollments + 2000,
      links: before.links + 1999,
    });
    const [peers] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM person_roles r JOIN people p ON p.id = r.person_id WHERE r.role = 'peer' AND p.email LIKE '%.${tag}@example.org'`,
    );
    expect(Number(peers.n)).toBe(1999);
    const [known2] = await t.dataSource.query(`SELECT name FROM people WHERE id = '${known.id}'`);
    expect(known2.name).toBe(known.name);
    const newPeople = `SELECT CAST(id AS TEXT) FROM people WHERE email LIKE '%.${tag}@example.org'`;
    const audit: Array<{ action: string; n: string | number }> = await t.dataSource.query(
      `SELECT action, COUNT(*) AS n FROM audit_log
        WHERE (action = 'enrollment.created' AND entity_id = '${cohortId}') OR (action IN ('person.created', 'invitation.created') AND entity_id IN (${newPeople}))
        GROUP BY action ORDER BY action`,
    );
    expect(audit.map((a) => [a.action, Number(a.n)])).toEqual([
      ['enrollment.created', 2000],
      ['invitation.created', 1999],
      ['person.created', 1999],
    ]);
    // The invitation e-mails go out behind the answer; each new person gets one.
    await t.app.get(RosterImportService).onApplicationShutdown();
    const mails = readdirSync((t.config.mail as { dir: string }).dir).length;
    expect(mails).toBeGreaterThanOrEqual(1999);
  }, 60_000);
  it('refuses a trainer who lists anyone but a peer without a staff role, by line; an admin may enrol them', async () => {
    const staff = {
      admin: await t.person(['admin']),
      supervisor: await t.person(['supervisor', 'peer']),
      trainer: await t.person(['trainer', 'peer']),
      notPeer: await t.person([]),
    };
    const cohortId = await cohort(10);
    const before = await counts();
    const csv = [
      'name,email',
      'New Person,new.' + randomUUID().slice(0, 6) + '@example.org',
      `Any Name,${staff.admin.email}`,
      `Any Name,${staff.supervisor.email}`,
      `Any Name,${staff.trainer.email.toUpperCase()}`,
      `Any Name,${staff.notPeer.email}`,
      `Myself,${(await t.dataSource.query(`SELECT email FROM people WHERE id = '${me}'`))[0].email}`,
    ].join('\n');
    const res = await upload(cohortId, csv).expect(400);
    expect(res.body.errors).toEqual(
      [3, 4, 5, 6, 7].map((line) => ({ field: `line ${line}`, message: NOT_ENROLLABLE_LINE })),
    );
    expect(await counts()).toEqual({ ...before, links: before.links });
    // The same file from an admin goes in: admins may enrol anyone active.
    const admin = (await t.token(['admin'])).bearer;
    const asAdmin = await t
      .withBearer(admin)
      .post(`/api/v1/cohorts/${cohortId}/roster`)
      .attach('file', Buffer.from(csv), 'roster.csv')
      .expect(201);
    expect(asAdmin.body.enrolled).toBe(6);
  });

  it('answers the same whether the addresses were known or new, and invites only the new', async () => {
    const known = await t.person(['peer']);
    const fresh = `fresh.${randomUUID().slice(0, 6)}@example.org`;
    const a = await upload(await cohort(5), `name,email\nKnown Person,${known.email}\n`).expect(201);
    const linksBefore = (await counts()).links;
    const b = await upload(await cohort(5), `name,email\nNew Person,${fresh}\n`).expect(201);
    expect(a.body).toEqual(b.body);
    expect(a.body).toEqual({
      ok: true,
      enrolled: 1,
      skipped: 0,
      message: '1 person enrolled. Anyone not yet registered was sent an invitation.',
    });
    expect((await counts()).links).toBe(linksBefore + 1);
  });

  it("lists at most 100 bad lines with the total, and offers every rejected line as CSV to the cohort's trainers only", async () => {
    const cohortId = await cohort(5);
    const lines = Array.from({ length: 250 }, (_, i) => `Person ${i},not-an-email-${i}`);
    const csv = ['name,email', ...lines, '"=HYPERLINK(""x"")",also-bad'].join('\n');
    const res = await upload(cohortId, csv).expect(400);
    expect(res.body.message).toBe('251 row(s) have problems; nothing was imported. The first 100 are listed.');
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.errors[99]).toEqual({ field: 'line 101', message: '"not-an-email-99" is not an e-mail address' });
    expect(res.body.details.errorCount).toBe(251);
    const url: string = res.body.details.rejectedLinesUrl;
    expect(url).toMatch(new RegExp(`^/api/v1/cohorts/${cohortId}/roster-rejections/[0-9a-f-]{36}$`));

    const file = await t.withBearer(trainer).get(url).expect(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.headers['content-disposition']).toMatch(/^attachment/);
    const rows = file.text.trim().split('\n');
    expect(rows).toHaveLength(252);
    expect(rows[0]).toBe('line,name,email,phone,problem');
    expect(rows[1]).toBe('2,Person 0,not-an-email-0,,"""not-an-email-0"" is not an e-mail address"');
    // A formula typed into the file stays text when the CSV is opened.
    expect(rows[251]).toMatch(/^252,"'=HYPERLINK\(""x""\)",also-bad,/);

    const otherTrainer = (await t.token(['trainer'])).bearer;
    await t.withBearer(otherTrainer).get(url).expect(404);
    await t
      .withBearer((await t.token(['peer'])).bearer)
      .get(url)
      .expect(403);
    // The rejection belongs to its cohort: under another cohort's id it is not found.
    await t
      .withBearer(trainer)
      .get(url.replace(cohortId, await cohort(5)))
      .expect(404);
  });

  it('shows the page the first 100 bad lines, the total and the download link, and never who was new', async () => {
    const b = await t.browser(['trainer']);
    const cohortId = (
      await t
        .as(b)
        .post('/api/v1/cohorts')
        .send({
          courseId,
          name: 'Page roster',
          location: 'Hall',
          setting: 'clinic',
          startsOn: t.config.today(),
          endsOn: addDays(t.config.today(), 5),
          capacity: 5,
          trainerIds: [b.person.id],
        })
        .expect(201)
    ).body.id;
    const post = (csv: string) =>
      t.as(b).post(`/training/cohorts/${cohortId}/roster`).attach('file', Buffer.from(csv), 'roster.csv');
    const refused = await post(['name,email', ...Array.from({ length: 120 }, (_, i) => `P ${i},bad-${i}`)].join('\n'));
    // The answer is a redirect to a GET page that shows the refusal (post → redirect → get).
    expect(refused.status).toBe(303);
    expect(refused.headers.location).toMatch(
      new RegExp(`^/training/cohorts/${cohortId}/roster-imports/[0-9a-f-]{36}#roster$`),
    );
    const bad = await t.as(b).get(refused.headers.location.replace('#roster', '')).expect(200);
    expect(bad.text).toContain('120 rows have problems');
    expect(bad.text).toContain('The first 100 are listed below.');
    expect(bad.text.match(/is not an e-mail address/g)).toHaveLength(100);
    const link = bad.text.match(/href="(\/api\/v1\/cohorts\/[^"]+\/roster-rejections\/[^"]+)"/)![1];
    expect((await t.as(b).get(link).expect(200)).text.trim().split('\n')).toHaveLength(121);

    const known = await t.person(['peer']);
    const ok = await post(`name,email\nKnown,${known.email}\nNew,new.${randomUUID().slice(0, 6)}@example.org\n`);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/training/cohorts/${cohortId}?imported=2&skipped=0#roster`);
    const page = await t.as(b).get(ok.headers.location.replace('#roster', '')).expect(200);
    expect(page.text).toContain(
      'Roster imported: 2 people enrolled. Anyone not yet registered was sent an invitation.',
    );
    expect(page.text).not.toMatch(/new (person|people) added/);
  });
});
