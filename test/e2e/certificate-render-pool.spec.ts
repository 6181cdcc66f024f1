import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CertificateFields } from '../../src/modules/certificates/certificate-layout';
import type { CertificateRenderer as Renderer } from '../../src/modules/certificates/certificate-renderer';

// The worker threads run compiled code, so this test loads the build `npm test` makes first (as `npm start` runs it).
const DIST = join(resolve(__dirname, '../..'), 'dist', 'src', 'modules', 'certificates');

function load() {
  if (!existsSync(join(DIST, 'certificate-render-worker.js')))
    throw new Error(`${DIST} has no build: run "npm run build" (npm test does it first)`);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { CertificateRenderer } = require(join(DIST, 'certificate-renderer.js'));
  const { PooledCertificateRenderer } = require(join(DIST, 'pooled-certificate-renderer.js'));
  const { CertificateTemplates } = require(join(DIST, 'certificate-templates.js'));
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { CertificateRenderer, PooledCertificateRenderer, CertificateTemplates };
}

const fields = (i: number): CertificateFields => ({
  orgName: 'Big Sky Community Health',
  recipientName: `Renée Two Feathers ${i}`,
  credentialName: '40-hour Peer Support Course',
  credentialCode: 'PS-40',
  hours: '40',
  issuedOn: 'March 3, 2026',
  validity: 'Does not expire',
  trainerName: 'Corey Whitehorse',
  directorName: 'Dana Littlelight',
  directorTitle: 'Program Director',
  licenceNumber: '',
  cohortName: 'Spring 2026, Billings',
  code: `7K2QH-XM4RB-${String(i).padStart(5, '0')}`,
  verifyUrl: `https://lms.example.org/verify/7K2QH-XM4RB-${i}`,
  verifyBase: 'lms.example.org/verify',
});

describe('Certificates drawn by worker threads (CERTIFICATE_RENDER_THREADS)', () => {
  const { CertificateRenderer, PooledCertificateRenderer, CertificateTemplates } = load();
  const layout = new CertificateTemplates(join(resolve(__dirname, '../..'), 'templates', 'certificates')).layout(
    'course-completion',
  );
  const input = (i: number) => ({ layout, fields: fields(i), logo: null, issuedAt: new Date('2026-03-03T17:00:00Z') });
  let pool: Renderer & { onApplicationShutdown(): Promise<void> };
  beforeAll(() => {
    pool = new PooledCertificateRenderer({ certificates: { renderThreads: 2 } });
  });
  afterAll(() => pool.onApplicationShutdown());

  it('draws the very same bytes as the main thread, for many certificates at once, each its own', async () => {
    const here: Renderer = new CertificateRenderer();
    const ids = Array.from({ length: 12 }, (_, i) => i);
    const [pooled, direct] = await Promise.all([
      Promise.all(ids.map((i) => pool.render(input(i)))),
      Promise.all(ids.map((i) => here.render(input(i)))),
    ]);
    ids.forEach((i) => expect(Buffer.compare(pooled[i], direct[i])).toBe(0));
    expect(new Set(pooled.map((p) => p.toString('base64'))).size).toBe(ids.length);
  });

  it('refuses a certificate it cannot draw and goes on drawing the next', async () => {
    const broken = {
      ...input(1),
      layout: { ...layout, elements: [{ type: 'text', text: 'x', font: 'no-such-font', size: 10, y: 10 }] },
    };
    await expect(pool.render(broken)).rejects.toThrow();
    expect((await pool.render(input(2))).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('draws on the main thread when told 0 threads', async () => {
    const none = new PooledCertificateRenderer({ certificates: { renderThreads: 0 } });
    const pdf = await none.render(input(3));
    expect(Buffer.compare(pdf, await pool.render(input(3)))).toBe(0);
    await none.onApplicationShutdown();
  });
});
