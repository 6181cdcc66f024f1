import { addDays } from '../../src/common/dates';
import { sqlRows } from '../../src/common/db/sql';
import type { Person } from '../../src/modules/people/person.entity';
import { Person as PersonEntity } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

interface ImportBody {
  id: string;
  state: string;
  rows: number;
  counts: { new: number; updated: number; unchanged: number; rejected: number };
  errors: Array<{ line: number; column: string | null; message: string }>;
  conflicts: Array<{ line: number; column: string | null; message: string }>;
  failure: string | null;
}

/** Attestations, supervision history and CE through the real import API: dry run, commit, re-import. */
describeEachEngine('Imports of attestations, supervision and CE', (engine) => {
  let t: TestApp;
  let admin: ReturnType<TestApp['withBearer']>;
  let adminPerson: Person;
  let otherAdmin: Person;
  let trainer: Person;
  let p1: Person;
  let p2: Person;
  let p3: Person;
  let s1: Person;
  let s2: Person;
  let today: string;

  const csv = (lines: string[]) => `${lines.join('\n')}\n`;
  const upload = async (kind: string, text: string): Promise<ImportBody> => {
    const res = await admin
      .post('/api/v1/imports')
      .field('kind', kind)
      .attach('file', Buffer.from(text), `${kind}.csv`)
      .expect(201);
    expect(res.body.state).toBe('checked');
    expect(res.body.failure).toBeNull();
    return res.body;
  };
  const commit = async (id: string): Promise<ImportBody> => {
    await admin.post(`/api/v1/imports/${id}/commit`).send({}).expect(202);
    for (let i = 0; i < 200; i++) {
      const found: ImportBody = (await admin.get(`/api/v1/imports/${id}`).expect(200)).body;
      if (found.state !== 'committing') {
        expect({ state: found.state, failure: found.failure }).toEqual({ state: 'committed', failure: null });
        return found;
      }
      await new Promise((resume) => setTimeout(resume, 50));
    }
    throw new Error('the commit did not finish');
  };
  const rows = <T>(sql: string, params: unknown[] = []) => sqlRows<T>(t.dataSource, sql, params);
  const audits = async (action: string) =>
    (await rows<{ n: number | string }>('SELECT COUNT(*) AS n FROM audit_log WHERE action = $1', [action]))[0].n;
  const errorAt = (body: ImportBody, line: number) => body.errors.filter((e) => e.line === line);

  beforeAll(async () => {
    t = await createTestApp(engine);
    const token = await t.token(['admin'], { name: 'Ada Admin' });
    admin = t.withBearer(token.bearer);
    adminPerson = token.person;
    today = t.config.today();
    otherAdmin = await t.person(['admin'], { name: 'Otto Other' });
    trainer = await t.person(['trainer'], { name: 'Tia Trainer' });
    p1 = await t.person(['peer'], { name: 'Nizhoni Begay' });
    p2 = await t.person(['peer'], { name: 'Renee Two Feathers' });
    p3 = await t.person(['peer'], { name: 'Lou Many Horses' });
    s1 = await t.person(['supervisor'], { name: 'Ellen Brightwater' });
    s2 = await t.person(['supervisor'], { name: 'Sam Kicking Woman' });
    await t.dataSource.getRepository(PersonEntity).update({ id: p2.id }, { externalId: 'EMP-2' });
  });
  afterAll(async () => t?.close());

  describe('attestations', () => {
    const good = () =>
      csv([
        'E-mail,External id,Verified on,Verified by,Evidence kept at',
        `${p1.email},,2026-01-05,${otherAdmin.email},HR file`,
        `,EMP-2,2026-02-01,,Personnel file`,
      ]);

    it('commits a good file, the verifier defaulting to the admin importing it', async () => {
      const checked = await upload('attestations', good());
      expect(checked.counts).toEqual({ new: 2, updated: 0, unchanged: 0, rejected: 0 });
      await commit(checked.id);
      const stored = await rows<{ person_id: string; verified_by_id: string; evidence_location: string }>(
        'SELECT person_id, verified_by_id, evidence_location FROM lived_experience_attestations ORDER BY evidence_location',
      );
      expect(stored).toEqual([
        { person_id: p1.id, verified_by_id: otherAdmin.id, evidence_location: 'HR file' },
        { person_id: p2.id, verified_by_id: adminPerson.id, evidence_location: 'Personnel file' },
      ]);
      expect(Number(await audits('attestation.recorded'))).toBe(2);
    });

    it('finds the same file unchanged the second time', async () => {
      const again = await upload('attestations', good());
      expect(again.counts).toEqual({ new: 0, updated: 0, unchanged: 2, rejected: 0 });
    });

    it('rejects bad rows with their line and column, and lists a conflict', async () => {
      const checked = await upload(
        'attestations',
        csv([
          'E-mail,Verified on,Verified by,Evidence kept at',
          `nobody@example.org,2026-01-05,,HR file`,
          `${p3.email},2026-01-05,${trainer.email},HR file`,
          `${p3.email},${addDays(today, 3)},,HR file`,
          `${p3.email},2026-03-01,,HR file`,
          `${p3.email},2026-03-01,,Locked cabinet`,
          `${p1.email},2026-01-05,,Locked cabinet`,
        ]),
      );
      expect(checked.counts).toEqual({ new: 1, updated: 0, unchanged: 0, rejected: 5 });
      expect(errorAt(checked, 2)).toEqual([expect.objectContaining({ column: 'E-mail' })]);
      expect(errorAt(checked, 2)[0].message).toMatch(/not anyone in the program/);
      expect(errorAt(checked, 3)).toEqual([{ line: 3, column: 'Verified by', message: 'must be an admin' }]);
      expect(errorAt(checked, 4)).toEqual([{ line: 4, column: 'Verified on', message: 'cannot be in the future' }]);
      expect(errorAt(checked, 6)[0]).toMatchObject({ column: 'Verified on', message: expect.stringMatching(/line 5/) });
      expect(checked.conflicts).toEqual([
        { line: 7, column: 'Evidence kept at', message: expect.stringMatching(/^would overwrite "HR file"/) },
      ]);
    });

    it('still refuses a non-admin verifier through the single-record API, in the same words', async () => {
      const res = await admin
        .post(`/api/v1/people/${p3.id}/lived-experience`)
        .send({ verifiedOn: '2026-01-05', evidenceLocation: 'HR file', verifiedById: trainer.id })
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'verifiedById', message: 'must be an admin' }]);
    });
  });

  describe('supervision', () => {
    const header = 'Peer e-mail,Peer external id,Supervisor,From,To';
    const good = () =>
      csv([
        header,
        `${p1.email},,${s1.email},2024-01-01,2024-12-31`,
        `${p1.email},,${s2.name},2025-01-01,`,
        `,EMP-2,${s1.email},2025-03-01,`,
      ]);

    it('commits a good file of history, with nothing due to the Board', async () => {
      const checked = await upload('supervision', good());
      expect(checked.counts).toEqual({ new: 3, updated: 0, unchanged: 0, rejected: 0 });
      await commit(checked.id);
      const stored = await rows<{ peer_id: string; supervisor_id: string; s: string; e: string | null; due: null }>(
        `SELECT peer_id, supervisor_id, CAST(starts_on AS TEXT) AS s, CAST(ends_on AS TEXT) AS e,
                board_report_due_on AS due FROM supervision_assignments ORDER BY starts_on`,
      );
      expect(stored).toEqual([
        { peer_id: p1.id, supervisor_id: s1.id, s: '2024-01-01', e: '2024-12-31', due: null },
        { peer_id: p1.id, supervisor_id: s2.id, s: '2025-01-01', e: null, due: null },
        { peer_id: p2.id, supervisor_id: s1.id, s: '2025-03-01', e: null, due: null },
      ]);
      expect(Number(await audits('supervision.assigned'))).toBe(3);
    });

    it('finds the same file unchanged the second time', async () => {
      const again = await upload('supervision', good());
      expect(again.counts).toEqual({ new: 0, updated: 0, unchanged: 3, rejected: 0 });
    });

    it('ends an open stored assignment the day before a new one, and closes an open one the file ends', async () => {
      const checked = await upload(
        'supervision',
        csv([header, `,EMP-2,${s2.email},2026-01-01,`, `${p1.email},,${s2.email},2025-01-01,2025-12-31`]),
      );
      expect(checked.counts).toEqual({ new: 1, updated: 1, unchanged: 0, rejected: 0 });
      await commit(checked.id);
      const ends = await rows<{ supervisor_id: string; e: string | null }>(
        `SELECT supervisor_id, CAST(ends_on AS TEXT) AS e FROM supervision_assignments WHERE peer_id = $1 ORDER BY starts_on`,
        [p2.id],
      );
      expect(ends).toEqual([
        { supervisor_id: s1.id, e: '2025-12-31' },
        { supervisor_id: s2.id, e: null },
      ]);
      const [p1End] = await rows<{ e: string }>(
        `SELECT CAST(ends_on AS TEXT) AS e FROM supervision_assignments WHERE peer_id = $1 AND supervisor_id = $2`,
        [p1.id, s2.id],
      );
      expect(p1End.e).toBe('2025-12-31');
      expect(Number(await audits('supervision.ended'))).toBe(1);
    });

    it('rejects bad rows with their line and column, and lists a conflict', async () => {
      const checked = await upload(
        'supervision',
        csv([
          header,
          `nobody@example.org,,${s1.email},2023-01-01,2023-06-30`,
          `${p1.email},,${s1.email},2024-06-01,2024-08-31`,
          `${p3.email},,${p1.email},2023-01-01,2023-02-01`,
          `${p3.email},,${s1.email},2024-05-01,2024-04-01`,
          `${p3.email},,${s2.email},2023-01-01,2023-12-31`,
          `${p3.email},,${s2.email},2023-01-01,2023-12-31`,
          `${p1.email},,${s1.email},2024-01-01,2024-11-30`,
          `${p3.email},,${s1.email},2023-06-01,`,
        ]),
      );
      expect(checked.counts).toEqual({ new: 1, updated: 0, unchanged: 0, rejected: 7 });
      expect(errorAt(checked, 2)[0]).toMatchObject({
        column: 'Peer e-mail',
        message: expect.stringMatching(/not anyone/),
      });
      expect(errorAt(checked, 3)[0]).toMatchObject({
        column: 'From',
        message: expect.stringMatching(/overlaps .*Ellen Brightwater \(2024-01-01 to 2024-12-31, already recorded\)/),
      });
      expect(errorAt(checked, 4)).toEqual([
        { line: 4, column: 'Supervisor', message: 'must hold the supervisor role' },
      ]);
      expect(errorAt(checked, 5)).toEqual([{ line: 5, column: 'To', message: 'is before the first day' }]);
      expect(errorAt(checked, 7)[0]).toMatchObject({ column: 'From', message: expect.stringMatching(/line 6/) });
      expect(checked.conflicts).toEqual([
        { line: 8, column: 'To', message: expect.stringMatching(/^would overwrite "2024-12-31" with "2024-11-30"/) },
      ]);
      expect(errorAt(checked, 9)[0]).toMatchObject({ column: 'From', message: expect.stringMatching(/line 6/) });
    });
  });

  describe('CE', () => {
    const header = 'E-mail,Title,Provider,Date,Hours,Category,Confirmed,Evidence kept at';
    const good = () =>
      csv([
        header,
        `${p1.email},QPR gatekeeper training,Montana DPHHS,2026-03-02,2,Suicide prevention,yes,HR file`,
        `${p1.email},Ethics for peers,,2026-04-01,1.5,ETHICS,no,`,
        `${p2.email},Cultural humility,Tribal health,2026-05-01,0.75,,,`,
      ]);

    it('commits a good file: categories by code or words, confirmed rows reviewed by the importing admin', async () => {
      const checked = await upload('ce', good());
      expect(checked.counts).toEqual({ new: 3, updated: 0, unchanged: 0, rejected: 0 });
      await commit(checked.id);
      const stored = await rows<Record<string, unknown>>(
        `SELECT person_id, title, provider, category, status, reviewed_by_id, hours FROM ce_entries ORDER BY title`,
      );
      expect(stored.map((r) => ({ ...r, hours: Number(r.hours) }))).toEqual([
        {
          person_id: p2.id,
          title: 'Cultural humility',
          provider: 'Tribal health',
          category: 'general',
          status: 'submitted',
          reviewed_by_id: null,
          hours: 0.75,
        },
        {
          person_id: p1.id,
          title: 'Ethics for peers',
          provider: 'Not recorded',
          category: 'ethics',
          status: 'submitted',
          reviewed_by_id: null,
          hours: 1.5,
        },
        {
          person_id: p1.id,
          title: 'QPR gatekeeper training',
          provider: 'Montana DPHHS',
          category: 'suicide_prevention',
          status: 'confirmed',
          reviewed_by_id: adminPerson.id,
          hours: 2,
        },
      ]);
      expect([Number(await audits('ce.submitted')), Number(await audits('ce.confirmed'))]).toEqual([3, 1]);
    });

    it('finds the same file unchanged the second time', async () => {
      const again = await upload('ce', good());
      expect(again.counts).toEqual({ new: 0, updated: 0, unchanged: 3, rejected: 0 });
    });

    it('rejects bad rows with their line and column, and lists a conflict', async () => {
      const checked = await upload(
        'ce',
        csv([
          header,
          `nobody@example.org,Naloxone basics,DPHHS,2026-01-01,1,,,`,
          `${p3.email},Naloxone basics,DPHHS,2026-01-01,0.3,,,`,
          `${p3.email},Naloxone basics,DPHHS,${addDays(today, 2)},1,,,`,
          `${p3.email},Motivational interviewing,DPHHS,2026-01-01,1,,,`,
          `${p3.email},Motivational Interviewing!,DPHHS,2026-01-01,1,,,`,
          `${p1.email},qpr Gatekeeper Training,Montana DPHHS,2026-03-02,3,,,`,
          `${p3.email},Grief,DPHHS,2026-01-01,1,astrology,maybe,`,
        ]),
      );
      expect(checked.counts).toEqual({ new: 1, updated: 0, unchanged: 0, rejected: 6 });
      expect(errorAt(checked, 2)[0]).toMatchObject({ column: 'E-mail', message: expect.stringMatching(/not anyone/) });
      expect(errorAt(checked, 3)).toEqual([
        { line: 3, column: 'Hours', message: 'must be in quarter hours (0.25, 0.5, 0.75, 1, …)' },
      ]);
      expect(errorAt(checked, 4)).toEqual([{ line: 4, column: 'Date', message: 'cannot be in the future' }]);
      expect(errorAt(checked, 6)[0]).toMatchObject({ column: 'Title', message: expect.stringMatching(/line 5/) });
      expect(checked.conflicts).toEqual([
        { line: 7, column: 'Hours', message: expect.stringMatching(/^would overwrite 2 with 3/) },
      ]);
      expect(
        errorAt(checked, 8)
          .map((e) => e.column)
          .sort(),
      ).toEqual(['Category', 'Confirmed']);
    });
  });
});
