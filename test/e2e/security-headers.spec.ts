import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

/** The Content-Security-Policy header as a map of directive → its sources. */
function csp(header: string | undefined): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

/** Issue 14 §4: no inline script or style on our pages, the API docs with their own policy, HSTS only over https. */
describeEachEngine('Security headers', (engine) => {
  describe('with an http PUBLIC_BASE_URL', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(engine, { env: { PUBLIC_BASE_URL: 'http://lms.example.org' } });
    });
    afterAll(() => t.close());

    it('sends no Strict-Transport-Security and does not upgrade requests', async () => {
      const res = await t.http().get('/login').expect(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(csp(res.headers['content-security-policy']).has('upgrade-insecure-requests')).toBe(false);
    });

    it('allows no inline script, no inline handler and no inline style on a page', async () => {
      const admin = await t.browser(['admin']);
      for (const url of ['/login', '/people', '/no-such-page']) {
        const res = await t.as(admin).get(url).set('Accept', 'text/html');
        expect(res.headers['content-type']).toMatch(/html/);
        const policy = csp(res.headers['content-security-policy']);
        expect(policy.get('default-src')).toEqual(["'self'"]);
        expect(policy.get('script-src')).toEqual(["'self'"]);
        expect(policy.get('script-src-attr')).toEqual(["'none'"]);
        expect(policy.get('style-src')).toEqual(["'self'"]);
        expect(policy.get('object-src')).toEqual(["'none'"]);
        expect(policy.get('frame-ancestors')).toEqual(["'self'"]);
      }
    });

    it('gives the API docs their own policy: hashes for their inline styles, no unsafe-inline anywhere', async () => {
      const admin = await t.browser(['admin']);
      const res = await t.as(admin).get('/api/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/html/);
      const policy = csp(res.headers['content-security-policy']);
      expect(res.headers['content-security-policy']).not.toContain("'unsafe-inline'");
      expect(res.headers['content-security-policy']).not.toContain("'unsafe-eval'");
      expect(policy.get('script-src')?.[0]).toBe("'self'");
      expect(
        policy
          .get('script-src')
          ?.slice(1)
          .every((s) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(s)),
      ).toBe(true);
      const styles = policy.get('style-src') ?? [];
      expect(styles[0]).toBe("'self'");
      // Swagger UI's page has <style> blocks: each is allowed by its hash.
      expect(styles.filter((s) => s.startsWith("'sha256-")).length).toBeGreaterThan(0);
      // Its script is a file of its own, served by the same policy as any page's.
      const init = await t.as(admin).get('/api/docs/swagger-ui-init.js').expect(200);
      expect(init.headers['content-type']).toMatch(/javascript/);
      // Everything else under the docs keeps the strict policy.
      const json = await t.as(admin).get('/api/docs/openapi.json').expect(200);
      expect(csp(json.headers['content-security-policy']).get('style-src')).toEqual(["'self'"]);
    });
  });

  describe('with an https PUBLIC_BASE_URL', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(engine, { env: { PUBLIC_BASE_URL: 'https://lms.example.org' } });
    });
    afterAll(() => t.close());

    it('sends Strict-Transport-Security for a year with subdomains, and upgrades insecure requests', async () => {
      for (const url of ['/login', '/health', '/api/v1/me']) {
        const res = await t.http().get(url);
        expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
        expect(csp(res.headers['content-security-policy']).get('upgrade-insecure-requests')).toEqual([]);
      }
    });
  });
});
