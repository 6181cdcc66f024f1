import { randomUUID } from 'node:crypto';
import { addDays, dateInZone, formatDate } from '../../src/common/dates';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type Browser, type TestApp } from '../helpers/app';
import { clearanceRows } from '../helpers/clearance-rows';
import { describeEachEngine } from '../helpers/engines';

/** Issue 19, "Supervisor home": supervisees who need attention first, each with the reason in words, then the rest. */
describeEachEngine('Supervisor home', (engine) => {
  let t: TestApp;
  let today: string;
  let ellen: Browser;
  const rows = clearanceRows(() => t, engine);

  const session = (person: Person, heldOn: string) =>
    rows.insert('supervision_sessions', {
      id: randomUUID(),
      peer_id: person.id,
      supervisor_id: ellen.person.id,
      held_on: heldOn,
      minutes: '60',
      summary: 'Boundaries and self-care',
      attested_at: new Date().toISOString(),
    });

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = dateInZone(new Date(), t.config.timeZone);
    ellen = await t.browser(['supervisor'], { name: 'Ellen Brightwater' });
    await rows.insert('supervisor_qualifications', {
      id: randomUUID(),
      person_id: ellen.person.id,
      licence: 'LCPC #1',
      qualified_from: '2020-01-01',
      qualified_until: null,
    });
    const [{ id: pss }] = (await t.dataSource.query(`SELECT id FROM practice_roles WHERE code = 'PSS'`)) as Array<{
      id: string;
    }>;
    const people = {
      fine: await t.person(['peer'], { name: 'Fran Fine' }),
      lapsed: await t.person(['peer'], { name: 'Lou Lapsed' }),
      lapsing: await t.person(['peer'], { name: 'Lee Lapsing' }),
      overdue: await t.person(['peer'], { name: 'Otis Overdue' }),
      narcanOnly: await t.person(['peer'], { name: 'Nan Narcan' }),
    };
    await rows.qualify(people.fine, ellen.person.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, 300) });
    await rows.qualify(people.lapsed, ellen.person.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, -60) });
    await rows.qualify(people.lapsing, ellen.person.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, 12) });
    await rows.qualify(people.overdue, ellen.person.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, 300) });
    // Works as a Narcan instructor only, and is not cleared for PSS: that is no problem of hers.
    await rows.qualify(people.narcanOnly, ellen.person.id, { issuedOn: '2025-01-01', expiresOn: addDays(today, 300) });
    await rows.give(people.narcanOnly, 'NARCAN-MT', addDays(today, -100), null);
    for (const p of [people.fine, people.lapsed, people.lapsing, people.overdue])
      await t.dataSource.query(
        `INSERT INTO practice_role_assignments (id, person_id, practice_role_id, starts_on) VALUES ('${randomUUID()}', '${p.id}', '${pss}', '2025-01-01')`,
      );
    await t.dataSource.query(
      `INSERT INTO practice_role_assignments (id, person_id, practice_role_id, starts_on) SELECT '${randomUUID()}', '${people.narcanOnly.id}', id, '2025-01-01' FROM practice_roles WHERE code = 'NARCAN-INSTRUCTOR'`,
    );
    for (const p of [people.fine, people.lapsed, people.lapsing, people.narcanOnly])
      await session(p, addDays(today, -3));
    await session(people.overdue, addDays(today, -45));
  });
  afterAll(async () => t?.close());

  it('lists who needs attention first, with the reasons in words, then the rest', async () => {
    const html = (await t.as(ellen).get('/').expect(200)).text;
    const attention = html.slice(html.indexOf('id="supervisees-attention-h"'), html.indexOf('id="rest-h"'));
    const rest = html.slice(html.indexOf('id="rest-h"'));
    const card = (name: string) =>
      attention.split('<li class="supervisee attention">').find((c) => c.includes(`>${name}</a>`)) ?? '';

    expect(card('Lou Lapsed')).toContain(
      '<li class="bad">Not cleared as Peer Support Specialist (Not met: MT-CBHPSS current)</li>',
    );
    expect(card('Lee Lapsing')).toContain(
      `<li class="warn">Peer Support Specialist: clearance ends ${formatDate(addDays(today, 12))}</li>`,
    );
    expect(card('Otis Overdue')).toContain(
      `<li class="warn">No supervision in ${t.config.supervisionGapDays} days (last ${formatDate(addDays(today, -45))})</li>`,
    );
    expect(card('Otis Overdue')).not.toContain('Not cleared');
    expect(attention).not.toContain('Fran Fine');
    expect(attention).not.toContain('Nan Narcan');
    expect(rest).toContain('>Fran Fine</a>');
    expect(rest).toContain('>Nan Narcan</a> <span class="muted">— Narcan Class Instructor;');
    expect(card('Lou Lapsed')).toContain('Log a session<span class="sr-only"> with Lou Lapsed</span>');
    // Not cleared today comes first; then the others who need attention, by name.
    const order = [...attention.matchAll(/<h3><a href="[^"]+">([^<]+)<\/a><\/h3>/g)].map((m) => m[1]);
    expect(order).toEqual(['Lou Lapsed', 'Lee Lapsing', 'Otis Overdue']);
  });

  it('is the supervisor’s alone: a peer’s and an admin’s home have no supervisee list', async () => {
    const peerHome = (
      await t
        .as(await t.browser(['peer']))
        .get('/')
        .expect(200)
    ).text;
    expect(peerHome).not.toContain('Supervisees who need attention');
    const adminHome = (
      await t
        .as(await t.browser(['admin']))
        .get('/')
        .expect(200)
    ).text;
    expect(adminHome).not.toContain('Supervisees who need attention');
  });
});
