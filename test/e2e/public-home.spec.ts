import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** The signed-out front door: `/` names the program and offers the two ways on, and tells nothing about anyone. */
describeEachEngine('Public front page', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('answers a signed-out visitor with verify and sign-in, and no one’s data', async () => {
    const peer = await t.person(['peer'], { name: 'Quietly Private Person' });
    const res = await t.http().get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(`<h1>${t.config.orgName}</h1>`);
    expect(res.text).toMatch(/<a href="\/verify"[^>]*>Verify a certificate<\/a>/);
    expect(res.text).toMatch(/<a href="\/login"[^>]*>Sign in<\/a>/);
    for (const personal of [peer.name, peer.email, 'active peers', 'Lapsed or expired', '/people/', 'Sign out'])
      expect(res.text).not.toContain(personal);
    // A notice in the address is for the signed-in home only; it cannot put words on the public page.
    expect((await t.http().get('/?notice=welcome').expect(200)).text).not.toContain('Welcome,');
  });

  it('keeps the signed-in home for a signed-in person', async () => {
    const browser = await t.browser(['peer']);
    const res = await t.as(browser).get('/').expect(200);
    expect(res.text).toContain(`Welcome, ${browser.person.name}`);
    expect(res.text).toContain('Your credentials');
    expect(res.text).not.toContain('>Verify a certificate<');
  });

  it('links the sign-in page to verify', async () => {
    const res = await t.http().get('/login').expect(200);
    expect(res.text).toMatch(/<a href="\/verify">Verify a certificate<\/a>/);
  });
});
