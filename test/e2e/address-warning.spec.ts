import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** Issue 19: certificates drawn without PUBLIC_BASE_URL point at localhost, so admins are told while it is unset. */
describeEachEngine('The public address warning', (engine) => {
  let unset: TestApp;
  let set: TestApp;
  beforeAll(async () => {
    unset = await createTestApp(engine);
    set = await createTestApp(engine, { env: { PUBLIC_BASE_URL: 'https://lms.example.org' } });
  });
  afterAll(async () => {
    await unset?.close();
    await set?.close();
  });

  it('shows admins a banner with the guessed address while PUBLIC_BASE_URL is unset', async () => {
    const page = await unset
      .as(await unset.browser(['admin']))
      .get('/')
      .expect(200);
    expect(page.text).toContain('PUBLIC_BASE_URL is not set.');
    expect(page.text).toContain(`point at ${unset.config.publicBaseUrl}`);
  });

  it('shows it to nobody else, and to nobody once the address is set', async () => {
    for (const role of ['peer', 'trainer', 'supervisor'] as const) {
      const page = await unset
        .as(await unset.browser([role]))
        .get('/')
        .expect(200);
      expect(page.text).not.toContain('PUBLIC_BASE_URL is not set.');
    }
    const page = await set
      .as(await set.browser(['admin']))
      .get('/')
      .expect(200);
    expect(page.text).toContain('<h1');
    expect(page.text).not.toContain('PUBLIC_BASE_URL is not set.');
  });
});
