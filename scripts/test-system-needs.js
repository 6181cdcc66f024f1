#!/usr/bin/env node
// Run before `npm test`: the browser and certificate tests need Chromium and poppler-utils (pdftotext,
// pdftoppm), which npm cannot install. As root (CI, a fresh container) the missing ones are installed
// with apt-get, as .ci/run does; otherwise the run stops at once with the exact command to type,
// instead of failing minutes later in the middle of the suite.
const { execFileSync, spawnSync } = require('node:child_process');
const { accessSync, constants } = require('node:fs');
const { delimiter, join } = require('node:path');

/** What the tests need: a file that must exist, and the Debian package that brings it. */
const NEEDS = [
  { what: 'Chromium (browser tests)', path: process.env.TEST_CHROMIUM_PATH || '/usr/bin/chromium', pkg: 'chromium' },
  { what: 'pdftoppm (certificate tests)', command: 'pdftoppm', pkg: 'poppler-utils' },
  { what: 'pdftotext (certificate tests)', command: 'pdftotext', pkg: 'poppler-utils' },
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command) {
  return (process.env.PATH || '').split(delimiter).some((dir) => dir && executable(join(dir, command)));
}

function missing() {
  return NEEDS.filter((n) => !(n.path ? executable(n.path) : onPath(n.command)));
}

function main() {
  const absent = missing();
  if (absent.length === 0) return 0;
  const packages = [...new Set(absent.map((n) => n.pkg))];
  const line = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const mayInstall = isRoot && process.env.TEST_SYSTEM_NEEDS !== 'check-only';
  console.error(`The tests need ${absent.map((n) => n.what).join(', ')}, which this machine does not have.`);
  if (!mayInstall) {
    console.error(
      `Install ${packages.length === 1 ? 'it' : 'them'} with:\n\n  sudo ${line}\n\nthen run npm test again.`,
    );
    return 1;
  }
  console.error(`Installing as root: ${line}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const installed = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (installed.status !== 0 || missing().length > 0) {
    console.error(`Installing failed; run it yourself:\n\n  ${line}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
