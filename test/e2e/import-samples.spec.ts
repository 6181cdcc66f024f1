import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

const SAMPLES = join(__dirname, '../../docs/import-samples');

/** The README's sample files import as they are, in the order it gives, with no row rejected. */
describeEachEngine('Imports: the sample files', (engine) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    admin = (await t.token(['admin'])).bearer;
  });
  afterAll(async () => t?.close());

  it.each(['people', 'attestations', 'credentials', 'completions', 'supervision', 'ce'])('%s.csv', async (kind) => {
    const res = await t
      .withBearer(admin)
      .post('/api/v1/imports')
      .field('kind', kind)
      .attach('file', readFileSync(join(SAMPLES, `${kind}.csv`)), `${kind}.csv`)
      .expect(201);
    expect(res.body).toMatchObject({ state: 'checked', needsMapping: false, failure: null });
    expect(res.body.errors).toEqual([]);
    expect(res.body.counts.new).toBe(res.body.rows);
    await t.withBearer(admin).post(`/api/v1/imports/${res.body.id}/commit`).send({}).expect(202);
    for (let i = 0; i < 100; i++) {
      const got = (await t.withBearer(admin).get(`/api/v1/imports/${res.body.id}`).expect(200)).body;
      if (got.state === 'committed') return;
      expect(got.state).toBe('committing');
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the commit did not finish');
  });
});
