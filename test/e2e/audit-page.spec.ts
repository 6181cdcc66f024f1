import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { entryHash } from '../../src/modules/audit/audit-chain';
import { AuditEntry } from '../../src/modules/audit/audit-entry.entity';
import {
  AuditSubjects,
  DESCRIBED_TYPES,
  entityWords,
  type AuditSubjectRef,
} from '../../src/modules/audit/audit-subjects';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

type Browser = Awaited<ReturnType<TestApp['browser']>>;

/** Appends a correctly chained entry, as `record` would have. */
async function append(t: TestApp, fields: Partial<AuditEntry>): Promise<AuditEntry> {
  const repo = t.dataSource.getRepository(AuditEntry);
  const [last] = await repo.find({ order: { id: 'DESC' }, take: 1 });
  const entry = {
    actorId: null,
    actorLabel: 'system: test',
    ip: null,
    action: 'test.appended',
    entityType: 'test',
    entityId: null,
    before: null,
    after: null,
    ...fields,
    id: last.id + 1,
    at: new Date(),
    prevHash: last.hash,
  };
  await repo.insert({ ...entry, hash: entryHash(entry) });
  return repo.findOneByOrFail({ id: entry.id });
}

/** The text of the table row for one entry, tags and the before/after JSON dropped, so it reads as the page does. */
function row(html: string, id: number): string {
  const cells = new RegExp(`<tr>\\s*<td>${id}</td>([\\s\\S]*?)</tr>`).exec(html);
  expect(cells).not.toBeNull();
  return cells![1]
    .replace(/<details>[\s\S]*?<\/details>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// The audit page for people: the chain checked from a button, names instead of ids, actions in words, IPv4 plain.
describeEachEngine('Audit log page', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let holderId: string;
  let credentialId: string;
  let certificateId: string;
  let certificateCode: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = await t.browser(['admin'], { name: 'Marisol Tenorio' });
    const holder = await t.person(['peer'], { name: 'Renée Two Feathers' });
    holderId = holder.id;
    const recorded = await t
      .as(admin)
      .post(`/api/v1/people/${holder.id}/credentials`)
      .send({ credentialTypeCode: 'MT-CBHPSS', issuedOn: '2026-01-05', licenceNumber: 'PSS-1234' })
      .expect(201);
    credentialId = recorded.body.id;
    const course = randomUUID();
    await t.dataSource.query(
      `INSERT INTO credentials (id, person_id, credential_type_id, source, issued_on) SELECT '${course}', '${holder.id}', id, 'course', '2026-01-03' FROM credential_types WHERE code = 'PS-40'`,
    );
    const certificate = (await t.app.get(CertificatesService).issue(course, null))!;
    certificateId = certificate.id;
    certificateCode = certificate.code;
  });
  afterAll(async () => t?.close());

  const page = async (query = '') => (await t.as(admin).get(`/audit${query}`).expect(200)).text;
  const entryFor = async (action: string, entityId: string) =>
    t.dataSource.getRepository(AuditEntry).findOneByOrFail({ action, entityId });

  it('names the actor and describes the entity in words, with the action as a label', async () => {
    const html = await page();
    const recorded = row(html, (await entryFor('credential.recorded', credentialId)).id);
    expect(recorded).toContain('Marisol Tenorio');
    expect(recorded).toContain('Credential recorded');
    expect(recorded).toContain('credential MT-CBHPSS of Renée Two Feathers');
    expect(recorded).not.toContain(credentialId);

    const drawn = row(html, (await entryFor('certificate.issued', certificateId)).id);
    expect(drawn).toContain('Certificate drawn');
    expect(drawn).toContain(`certificate of Renée Two Feathers, PS-40 (${certificateCode})`);
    expect(drawn).not.toContain(certificateId);

    const made = row(html, (await entryFor('person.created', holderId)).id);
    expect(made).toContain('Person added');
    expect(made).toContain('person Renée Two Feathers');
    expect(made).not.toContain(holderId);
  });

  it('spells out an action it has no words for, and falls back to the id when the record is gone', async () => {
    const gone = randomUUID();
    const entry = await append(t, { action: 'roster_line.skipped_twice', entityType: 'certificate', entityId: gone });
    const untyped = await append(t, { action: 'odd', entityType: 'training_session', entityId: 'not-a-uuid' });
    const html = await page();
    expect(row(html, entry.id)).toContain('Roster line skipped twice');
    expect(row(html, entry.id)).toContain(`certificate ${gone}`);
    expect(row(html, untyped.id)).toContain('Odd');
    expect(row(html, untyped.id)).toContain('training session not-a-uuid');
  });

  it('shows the name a person has now beside the label they were recorded under', async () => {
    const renamed = await t.person(['trainer'], { name: 'Jesse Redcloud' });
    const entry = await append(t, { actorId: renamed.id, actorLabel: 'Jesse Old-Name', action: 'course.updated' });
    const text = row(await page(), entry.id);
    expect(text).toContain('Jesse Redcloud');
    expect(text).toContain('recorded as Jesse Old-Name');
  });

  it('resolves a page of entries with one query per entity type, not one per row', async () => {
    const people = [];
    // One at a time: SQLite's single connection takes one transaction at once.
    for (let i = 0; i < 6; i++) people.push(await t.person(['peer'], { name: `Row ${i}` }));
    const entries: AuditSubjectRef[] = people.map((p) => ({ actorId: p.id, entityType: 'person', entityId: p.id }));
    entries.push({ actorId: null, entityType: 'credential', entityId: credentialId });
    entries.push({ actorId: null, entityType: 'certificate', entityId: certificateId });
    const runners = jest.spyOn(t.dataSource, 'createQueryRunner');
    try {
      const names = await t.app.get(AuditSubjects).names(entries);
      // person, credential and certificate: three queries for eight rows.
      expect(runners).toHaveBeenCalledTimes(3);
      expect(people.map((p) => names.people.get(p.id))).toEqual(people.map((p) => p.name));
    } finally {
      runners.mockRestore();
    }
  });

  it('describes a record of every type it knows from the tables as they are', async () => {
    const one = async (table: string) => String((await t.dataSource.query(`SELECT id FROM ${table}`))[0].id);
    const ids: Record<string, string> = {
      person: holderId,
      certificate: certificateId,
      credential: credentialId,
      credential_type: await one('credential_types'),
      practice_role: await one('practice_roles'),
      course: await one('courses'),
      cohort: randomUUID(),
      api_token: (await t.as(admin).post(`/api/v1/people/${holderId}/tokens`).send({ name: 'Export' }).expect(201)).body
        .id,
    };
    // A type added to the page without an entry here fails, so each table's query is run at least once.
    expect(Object.keys(ids).sort()).toEqual([...DESCRIBED_TYPES].sort());
    const names = await t.app
      .get(AuditSubjects)
      .names(Object.entries(ids).map(([entityType, entityId]) => ({ actorId: null, entityType, entityId })));
    const words = Object.fromEntries(Object.entries(ids).map(([type, id]) => [type, entityWords(names, type, id)]));
    expect(words).toMatchObject({
      credential_type: expect.stringMatching(/^credential type [A-Z0-9-]+ \(.+\)$/),
      practice_role: expect.stringMatching(/^practice role .+/),
      course: expect.stringMatching(/^course [A-Z0-9-]+ \(.+\)$/),
      cohort: `cohort ${ids.cohort}`,
      api_token: 'API token “Export” of Renée Two Feathers',
    });
  });

  it('shows an IPv4 address without ::ffff:, leaving the stored value, the CSV and the chain as they were', async () => {
    const v4 = await append(t, { ip: '::ffff:203.0.113.7', action: 'test.ipv4' });
    const v6 = await append(t, { ip: '2001:db8::1', action: 'test.ipv6' });
    const html = await page();
    expect(row(html, v4.id)).toContain('203.0.113.7');
    expect(row(html, v4.id)).not.toContain('::ffff:');
    expect(row(html, v6.id)).toContain('2001:db8::1');
    expect((await t.dataSource.getRepository(AuditEntry).findOneByOrFail({ id: v4.id })).ip).toBe('::ffff:203.0.113.7');
    const csv = await t.as(admin).get('/audit.csv').query({ action: 'test.ipv4' }).expect(200);
    const rows: Array<Record<string, string>> = parse(csv.text, { columns: true });
    expect(rows.map((r) => r.ip)).toEqual(['::ffff:203.0.113.7']);
    expect((await t.as(admin).get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });

  it('offers "Verify the chain" as a form with the CSRF token, keeping the filters', async () => {
    const html = await page('?action=person.created');
    const form =
      /<form method="post" action="(\/audit\/verify[^"]*)"[^>]*><input type="hidden" name="_csrf" value="([^"]+)">/.exec(
        html,
      );
    // Handlebars escapes "=" in attributes; the browser reads it back as written.
    expect(form?.[1].replace(/&#x3D;/g, '=')).toBe('/audit/verify?action=person.created');
    expect(form?.[2]).toBe(admin.csrf);
    expect(html).toContain('Verify the chain');
    // Without the token the post is refused, as every form's is.
    await t.http().post('/audit/verify').set('Cookie', admin.cookie).type('form').send({}).expect(403);
  });

  it('says the chain is intact with the number of entries checked', async () => {
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM audit_log');
    const res = await t.as(admin).post('/audit/verify?action=person.created').type('form').send({}).expect(200);
    expect(res.text).toContain('Intact');
    expect(res.text).toContain(`${Number(n)} entries checked`);
    // The page it answers with is the filtered list it was asked from.
    expect(res.text).toContain('Person added');
    expect(res.text).not.toContain('Credential recorded');
  });

  it('names each problem when the chain is broken', async () => {
    // From here on the test plays a DBA who has switched off the append-only triggers.
    if (engine === 'postgres') await t.dataSource.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    else
      for (const name of ['audit_log_no_update', 'audit_log_no_delete'])
        await t.dataSource.query(`DROP TRIGGER ${name}`);
    await t.dataSource.query(`UPDATE audit_log SET "after" = '{"name":"forged"}' WHERE id = 3`);
    await t.dataSource.query(`DELETE FROM audit_log WHERE id = 5`);
    const res = await t.as(admin).post('/audit/verify').type('form').send({}).expect(200);
    expect(res.text).toContain('Broken');
    expect(res.text).toContain('2 problems found');
    expect(res.text).toContain('entry #3 was edited: its content no longer matches its hash');
    expect(res.text).toContain('entry #5 is missing (deleted)');
    expect(res.text).not.toContain('Intact');
  });
});
