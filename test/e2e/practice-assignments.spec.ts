import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { addDays, dateInZone } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { clearanceRows } from '../helpers/clearance-rows';
import { describeEachEngine } from '../helpers/engines';

type Cell = { status: string; assigned: boolean; state: string };
type ApiRow = {
  person: { name: string };
  assignedRoles: string[];
  rolesRecorded: boolean;
  clearance: Record<string, { status: string }>;
  states: Record<string, string>;
};
type Row = {
  person: { name: string };
  assignedRoles: string[];
  rolesRecorded: boolean;
  clearance: Record<string, Cell>;
};

/** Issue 19, "the board shows what matters": the practice roles people work in, and the board that follows them. */
describeEachEngine('Practice-role assignments and the board that follows them', (engine) => {
  let t: TestApp;
  let today: string;
  let supervisor: Person;
  let otherSupervisor: Person;
  let aaron: Person;
  let bea: Person;
  let cy: Person;
  let dee: Person;
  let admin: ReturnType<TestApp['withBearer']>;
  let asSupervisor: ReturnType<TestApp['withBearer']>;
  let asOtherSupervisor: ReturnType<TestApp['withBearer']>;

  const rows = clearanceRows(() => t, engine);
  const bearerOf = async (person: Person) =>
    t.withBearer(`Bearer ${(await t.app.get(ApiTokensService).issue(person.id, 'test', systemActor('test'))).token}`);
  const assign = (who: ReturnType<TestApp['withBearer']>, person: Person, body: object) =>
    who.post(`/api/v1/people/${person.id}/practice-role-assignments`).send(body);
  /** The board API's rows, each cell read together with its row's `assignedRoles` and `states`. */
  const board = async (query: Record<string, string> = {}) => {
    const body = (await admin.get('/api/v1/clearance/board').query(query).expect(200)).body as {
      rolesShown: string;
      tiles: Record<string, number>;
      rows: ApiRow[];
    };
    // The cells keep the fields API clients already read, and only those.
    for (const row of body.rows)
      for (const cell of Object.values(row.clearance))
        expect(Object.keys(cell).sort()).toEqual(['clearedUntil', 'notices', 'status', 'warningUntil', 'warnings']);
    const rows: Row[] = body.rows.map((row) => ({
      ...row,
      clearance: Object.fromEntries(
        Object.entries(row.clearance).map(([code, cell]) => [
          code,
          { ...cell, assigned: row.assignedRoles.includes(code), state: row.states[code] },
        ]),
      ),
    }));
    return { ...body, rows };
  };
  const rowOf = (b: { rows: Row[] }, name: string) => b.rows.find((r) => r.person.name === name)!;

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = dateInZone(new Date(), t.config.timeZone);
    admin = t.withBearer((await t.token(['admin'])).bearer);
    supervisor = await t.person(['supervisor'], { name: 'Sue Pervisor' });
    otherSupervisor = await t.person(['supervisor'], { name: 'Otto Other' });
    await rows.insert('supervisor_qualifications', {
      id: randomUUID(),
      person_id: supervisor.id,
      licence: 'LCPC #1',
      qualified_from: '2020-01-01',
      qualified_until: null,
    });
    aaron = await t.person(['peer'], { name: 'Aaron Assigned' });
    bea = await t.person(['peer'], { name: 'Bea Lapsed' });
    cy = await t.person(['peer'], { name: 'Cy Unrecorded' });
    dee = await t.person(['peer'], { name: 'Dee Lapsing' });
    await rows.qualify(aaron, supervisor.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, 200) });
    await rows.give(aaron, 'CORR', addDays(today, -300), addDays(today, 300));
    await rows.qualify(bea, supervisor.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, -100) });
    await rows.qualify(dee, supervisor.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, 10) });
    asSupervisor = await bearerOf(supervisor);
    asOtherSupervisor = await bearerOf(otherSupervisor);
  });
  afterAll(async () => t?.close());

  it('assigns a role from a date, refuses overlaps and bad dates, ends by setting the last day, and audits both', async () => {
    const from = addDays(today, -30);
    const made = await assign(admin, aaron, { practiceRole: 'peer support specialist', from }).expect(201);
    expect(made.body).toMatchObject({ practiceRole: { code: 'PSS' }, from, to: null, current: true });

    const overlap = await assign(admin, aaron, { practiceRole: 'PSS', from: addDays(today, 5) }).expect(409);
    expect(overlap.body.errors).toEqual([{ field: 'from', message: 'overlaps an assignment to the same role' }]);
    const backwards = await assign(admin, aaron, { practiceRole: 'CPR', from, to: addDays(from, -1) }).expect(400);
    expect(backwards.body.errors).toEqual([{ field: 'practiceRole', message: 'is not an active practice role' }]);
    const before = await assign(admin, aaron, { practiceRole: 'JAIL-SERVICES', from, to: addDays(from, -1) });
    expect(before.status).toBe(400);
    expect(before.body.errors).toEqual([{ field: 'to', message: 'is before the first day' }]);
    await assign(admin, aaron, { practiceRole: 'PSS', from: '2026-02-30' }).expect(400);

    // Narcan for ten days, ended; then ended again is refused; ending before the start is refused.
    const narcan = await assign(admin, aaron, { practiceRole: 'NARCAN-INSTRUCTOR', from: addDays(today, -20) });
    expect(narcan.status).toBe(201);
    const end = (to: string) =>
      admin.post(`/api/v1/people/${aaron.id}/practice-role-assignments/${narcan.body.id}/end`).send({ to });
    expect((await end(addDays(today, -21)).expect(400)).body.errors).toEqual([
      { field: 'to', message: 'is before the assignment started' },
    ]);
    await end(addDays(today, -11)).expect(200);
    expect((await end(addDays(today, -5)).expect(409)).body.message).toContain('already ended');
    // A new Narcan period after the ended one does not overlap it.
    await assign(admin, aaron, { practiceRole: 'NARCAN-INSTRUCTOR', from: addDays(today, 30) }).expect(201);

    const list = await admin.get(`/api/v1/people/${aaron.id}/practice-role-assignments`).expect(200);
    expect(list.body.canManage).toBe(true);
    expect(
      list.body.assignments.map(
        (a: { practiceRole: { code: string }; from: string; to: string | null; current: boolean }) => [
          a.practiceRole.code,
          a.from,
          a.to,
          a.current,
        ],
      ),
    ).toEqual([
      ['PSS', from, null, true],
      ['NARCAN-INSTRUCTOR', addDays(today, 30), null, false],
      ['NARCAN-INSTRUCTOR', addDays(today, -20), addDays(today, -11), false],
    ]);
    // Ending kept the row: three rows, never deleted.
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM practice_role_assignments WHERE person_id = '${aaron.id}'`,
    );
    expect(Number(n)).toBe(3);
    const audit = (await t.dataSource.query(
      `SELECT action FROM audit_log WHERE entity_id = '${aaron.id}' AND action LIKE 'practice_role.%' ORDER BY id`,
    )) as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).toEqual([
      'practice_role.assigned',
      'practice_role.assigned',
      'practice_role.assignment_ended',
      'practice_role.assigned',
    ]);
  });

  it('lets a supervisor change only their supervisees’ roles, a peer read only their own, a trainer see none', async () => {
    await assign(asSupervisor, bea, { practiceRole: 'PSS', from: '2026-01-01' }).expect(201);
    await assign(asSupervisor, dee, { practiceRole: 'PSS', from: '2026-01-01' }).expect(201);
    await assign(asOtherSupervisor, bea, { practiceRole: 'JAIL-SERVICES', from: '2026-01-01' }).expect(404);
    await asOtherSupervisor.get(`/api/v1/people/${bea.id}/practice-role-assignments`).expect(404);

    const asBea = await bearerOf(bea);
    const own = await asBea.get(`/api/v1/people/${bea.id}/practice-role-assignments`).expect(200);
    expect(own.body).toMatchObject({ canManage: false, assignments: [{ practiceRole: { code: 'PSS' } }] });
    const refused = await assign(asBea, bea, { practiceRole: 'JAIL-SERVICES', from: '2026-01-01' }).expect(403);
    expect(refused.body.message).toContain('Only an admin');
    await asBea.get(`/api/v1/people/${aaron.id}/practice-role-assignments`).expect(404);

    const trainer = t.withBearer((await t.token(['trainer'])).bearer);
    await trainer.get(`/api/v1/people/${bea.id}/practice-role-assignments`).expect(404);
    // A supervisor who is also a peer does not assign themselves.
    const both = await t.person(['supervisor', 'peer'], { name: 'Sam Both' });
    await assign(await bearerOf(both), both, { practiceRole: 'PSS', from: '2026-01-01' }).expect(403);
  });

  it('colours assigned roles, reads "eligible" and "—" for the rest, and counts problems only in assigned roles', async () => {
    const b = await board();
    expect(b.rolesShown).toBe('assigned');
    const a = rowOf(b, 'Aaron Assigned');
    expect(a).toMatchObject({ assignedRoles: ['PSS'], rolesRecorded: true });
    expect(a.clearance.PSS).toMatchObject({ status: 'cleared', assigned: true, state: 'cleared' });
    expect(a.clearance['JAIL-SERVICES']).toMatchObject({ status: 'cleared', assigned: false, state: 'eligible' });
    expect(a.clearance['NARCAN-INSTRUCTOR']).toMatchObject({
      status: 'not_cleared',
      assigned: false,
      state: 'not_assigned',
    });
    expect(rowOf(b, 'Bea Lapsed').clearance.PSS).toMatchObject({ assigned: true, state: 'not_cleared' });
    expect(rowOf(b, 'Dee Lapsing').clearance.PSS).toMatchObject({ assigned: true, state: 'lapsing' });
    // Nothing recorded for Cy: every role is shown, as before assignments, rather than hidden behind "—".
    const c = rowOf(b, 'Cy Unrecorded');
    expect(c).toMatchObject({ assignedRoles: [], rolesRecorded: false });
    expect(c.clearance.PSS).toMatchObject({ assigned: false, state: 'not_cleared' });
    // Bea, and Cy and Sam (nothing recorded, so every role counts) not cleared; Dee lapsing; no sessions logged.
    expect(b.tiles).toEqual({ notCleared: 3, lapsing: 1, supervisionOverdue: 5, noRolesRecorded: 2 });

    const every = await board({ roles: 'all' });
    expect(rowOf(every, 'Aaron Assigned').clearance['NARCAN-INSTRUCTOR']).toMatchObject({ state: 'not_cleared' });
    expect(rowOf(every, 'Aaron Assigned').clearance['JAIL-SERVICES']).toMatchObject({ state: 'cleared' });
    expect(every.tiles).toMatchObject({ notCleared: 5, lapsing: 1 });
    await admin.get('/api/v1/clearance/board').query({ roles: 'some' }).expect(400);
  });

  it('evaluates assignments on the board’s as-of date', async () => {
    // Aaron's second Narcan period starts in 30 days; on that day it is his, before it, not.
    const later = await board({ date: addDays(today, 30) });
    expect(rowOf(later, 'Aaron Assigned').assignedRoles.sort()).toEqual(['NARCAN-INSTRUCTOR', 'PSS']);
    expect(rowOf(later, 'Aaron Assigned').clearance['NARCAN-INSTRUCTOR'].state).toBe('not_cleared');
    // During the ended period, 15 days ago.
    const then = await board({ date: addDays(today, -15) });
    expect(rowOf(then, 'Aaron Assigned').clearance['NARCAN-INSTRUCTOR']).toMatchObject({ assigned: true });
    // Before anything started, Bea works in nothing yet, but has roles recorded: all quiet.
    const early = await board({ date: '2025-06-01' });
    expect(rowOf(early, 'Bea Lapsed')).toMatchObject({ assignedRoles: [], rolesRecorded: true });
    expect(rowOf(early, 'Bea Lapsed').clearance.PSS.state).toBe('eligible');
  });

  it('draws the same states on the page, with accessible names, tiles and the filter, and in the CSV', async () => {
    const browser = await t.browser(['admin']);
    const page = (await t.as(browser).get('/clearance').expect(200)).text;
    expect(page).toContain(
      'class="cell eligible" href="/people/' +
        aaron.id +
        `/clearance?date=${today}#JAIL-SERVICES"><span class="sr-only">Aaron Assigned: Jail Services, </span>Eligible<span class="sr-only"> (cleared, not assigned)</span></a>`,
    );
    expect(page).toContain(
      '<span aria-hidden="true">—</span><span class="sr-only">Aaron Assigned: Narcan Class Instructor, not assigned</span>',
    );
    expect(page).toMatch(/<span class="sr-only">Bea Lapsed: Peer Support Specialist, <\/span>Not cleared<\/a>/);
    expect(page).toContain('<strong>3</strong> not cleared in a role they work in');
    expect(page).toContain('<strong>2</strong> with no practice role recorded');
    expect(page).toContain('<option value="assigned" selected>Roles they work in</option>');
    // The phone's cards list only the roles that count.
    const card = page.split('<li class="board-card">').find((c) => c.includes('>Aaron Assigned</a></h2>'))!;
    expect(card).toContain('<span class="card-role">Peer Support Specialist</span> Cleared');
    expect(card).not.toContain('Jail Services');

    const every = (await t.as(browser).get('/clearance').query({ roles: 'all' }).expect(200)).text;
    expect(every).not.toContain('class="cell eligible"');
    expect(every).toContain('<option value="all" selected>Every role</option>');
    expect(every).toContain('<strong>5</strong> not cleared</article>');

    const csv = await t.as(browser).get('/clearance.csv').expect(200);
    const lines = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    const line = (person: string, role: string) => lines.find((l) => l.person === person && l.role_code === role)!;
    expect(line('Aaron Assigned', 'PSS')).toMatchObject({ assigned: 'yes', state: 'cleared' });
    expect(line('Aaron Assigned', 'JAIL-SERVICES')).toMatchObject({
      status: 'cleared',
      assigned: 'no',
      state: 'eligible',
    });
    expect(line('Cy Unrecorded', 'PSS')).toMatchObject({ assigned: 'no', state: 'not_cleared' });
    const all = parse((await t.as(browser).get('/clearance.csv').query({ roles: 'all' }).expect(200)).text, {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(all.find((l) => l.person === 'Aaron Assigned' && l.role_code === 'JAIL-SERVICES')).toMatchObject({
      state: 'cleared',
    });
  });

  it('assigns and ends from the person page, with refusals beside the field', async () => {
    const browser = await t.browser(['admin']);
    const web = t.as(browser);
    const shown = await web.get(`/people/${cy.id}`).expect(200);
    expect(shown.text).toContain('Practice roles they work in');
    expect(shown.text).toContain('No practice role recorded yet');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(shown.text)![1];
    const post = (path: string, fields: Record<string, string>) =>
      web
        .post(path)
        .type('form')
        .send(new URLSearchParams({ _csrf: csrf, ...fields }).toString());
    const done = await post(`/people/${cy.id}/practice-roles`, { practiceRole: 'PSS', from: '2026-03-01', to: '' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/people/${cy.id}?notice=practice-role-assigned#practice-roles`);
    const refused = await post(`/people/${cy.id}/practice-roles`, { practiceRole: 'PSS', from: '2026-04-01', to: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(
      '<small class="field-error" id="from-error">overlaps an assignment to the same role</small>',
    );
    const after = await web.get(`/people/${cy.id}`).expect(200);
    const id = /\/people\/[0-9a-f-]+\/practice-roles\/([0-9a-f-]+)\/end/.exec(after.text)![1];
    const early = await post(`/people/${cy.id}/practice-roles/${id}/end`, { to: '2026-02-01' });
    expect(early.status).toBe(400);
    expect(early.text).toContain('is before the assignment started');
    expect((await post(`/people/${cy.id}/practice-roles/${id}/end`, { to: '2026-06-30' })).status).toBe(303);
    const ended = await web.get(`/people/${cy.id}`).expect(200);
    expect(ended.text).toContain('Jun 30, 2026');
    expect(ended.text).not.toMatch(/practice-roles\/[0-9a-f-]+\/end/);
  });
});
