import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../scripts/test-system-needs.js');

/**
 * `npm test` first checks for what npm cannot install (Chromium, poppler-utils). Run here against a
 * made-up machine: a PATH holding only what each case puts there, and a Chromium path that may not exist.
 */
describe('npm test on a machine without Chromium or poppler-utils', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'system-needs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tool = (name: string, body = 'exit 0') => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: dir, TEST_CHROMIUM_PATH: join(dir, 'chromium'), ...env },
    });

  it('stops at once with the exact apt-get line when it may not install', () => {
    const result = run({ TEST_SYSTEM_NEEDS: 'check-only' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sudo apt-get install -y --no-install-recommends chromium poppler-utils');
  });

  it('names only what is missing', () => {
    tool('pdftoppm');
    tool('pdftotext');
    const result = run({ TEST_SYSTEM_NEEDS: 'check-only' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('apt-get install -y --no-install-recommends chromium\n');
  });

  it('passes when everything is there', () => {
    tool('pdftoppm');
    tool('pdftotext');
    tool('chromium');
    expect(run({ TEST_SYSTEM_NEEDS: 'check-only' })).toMatchObject({ status: 0, stderr: '' });
  });

  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0 ? it : it.skip;
  asRoot('installs what is missing with apt-get when run as root', () => {
    // A stand-in apt-get that records its arguments and "installs" the tools into the made-up PATH.
    tool(
      'apt-get',
      `echo "$@" >> ${join(dir, 'apt.log')}\ncase "$*" in *install*) for t in pdftoppm pdftotext chromium; do printf '#!/bin/sh\\n' > ${dir}/$t; /bin/chmod +x ${dir}/$t; done;; esac`,
    );
    const result = run({});
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'apt.log'), 'utf8')).toContain(
      'install -y -qq --no-install-recommends chromium poppler-utils',
    );
  });
});
