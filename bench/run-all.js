/**
 * `npm run bench`: every benchmark, one after another (they would only slow each other down in
 * parallel), then a table of their targets read from the `BENCH {json}` lines they end with.
 *
 *   npm run bench                       all of them (builds first; about 10 minutes)
 *   npm run bench -- clearance reports  only these
 *   npm run bench -- --write            also regenerate the table in bench/README.md from this run
 *
 * `outbox` needs PostgreSQL and Redis (TEST_POSTGRES_URL, TEST_REDIS_URL or the local defaults);
 * `import` measures PostgreSQL as well when one answers, and says so when none does.
 */
const { spawn, spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const BENCHES = {
  clearance: ['bench/clearance.js'],
  reports: ['bench/reports.js'],
  certificates: ['bench/certificates.js'],
  'date-of-service': ['bench/date-of-service.js'],
  training: ['bench/training.js'],
  expiry: ['--max-old-space-size=512', 'bench/expiry.js'],
  outbox: ['bench/outbox.js'],
  import: ['bench/import.js'],
};
const README = join(__dirname, 'README.md');
const START = '<!-- bench-table: written by `npm run bench -- --write`, do not edit by hand -->';
const END = '<!-- /bench-table -->';

function run(name) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name}`);
    const child = spawn(process.execPath, BENCHES[name], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let line = null;
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const l of lines) if (l.startsWith('BENCH ')) line = JSON.parse(l.slice(6));
    });
    child.on('close', (code) => {
      if (buffered.startsWith('BENCH ')) line = JSON.parse(buffered.slice(6));
      resolve(line ?? { bench: name, error: `exited with ${code} before its BENCH line` });
    });
  });
}

const show = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : JSON.stringify(v));

/** Markdown rows: one per figure with a target, and the load average each bench ran at. */
function table(lines) {
  const rows = [
    '| bench | figure | value | target | met | load before → after |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const line of lines) {
    const load = line.load_before ? `${line.load_before[0]} → ${line.load_after[0]}` : '';
    if (line.error) rows.push(`| ${line.bench} | — | ${line.error} | | ✗ | |`);
    for (const [key, v] of Object.entries(line))
      if (v && typeof v === 'object' && 'target' in v)
        rows.push(
          `| ${line.bench} | \`${key}\` | ${show(v.value)} | ${show(v.target)} | ${v.met ? '✓' : '✗'} | ${load} |`,
        );
  }
  return rows.join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const names = args.filter((a) => !a.startsWith('--'));
  for (const n of names)
    if (!BENCHES[n]) throw new Error(`no bench "${n}"; there are: ${Object.keys(BENCHES).join(', ')}`);
  const lines = [];
  for (const name of names.length ? names : Object.keys(BENCHES)) lines.push(await run(name));
  const rendered = table(lines);
  console.log(`\n${rendered}`);
  if (write) {
    const text = readFileSync(README, 'utf8');
    const [before, rest] = text.split(START);
    if (rest === undefined) throw new Error(`bench/README.md has no line ${START}`);
    const after = rest.split(END)[1];
    const stamp = `Written ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC from one \`npm run bench\` run.`;
    writeFileSync(README, `${before}${START}\n${stamp}\n\n${rendered}\n${END}${after}`);
    // Aligned as `npm run lint` wants it.
    spawnSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', README], {
      stdio: 'inherit',
    });
    console.log('bench/README.md: table written');
  }
  if (lines.some((l) => l.error)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
