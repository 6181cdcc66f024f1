import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layer order of README.md's code map and ARCHITECTURE.md, as data: a file may import its own layer and the
 * layers below it, never one above. Each entry lists the folders (under src/) that make up the layer.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['common'],
  ['config', 'redis'],
  ['modules/audit', 'modules/mail'],
  ['modules/people'],
  ['modules/auth'],
  [
    'modules/clearance',
    'modules/credentials',
    'modules/notifications',
    'modules/supervision',
    'modules/ce',
    'modules/catalog',
    'modules/jobs',
    'modules/health',
    // The practice roles people work in: read by clearance's board, beside it.
    'modules/practice-assignments',
  ],
  // imports writes people, credentials, completions, supervision and CE, so it composes those features.
  [
    'modules/reports',
    'modules/certificates',
    'modules/expiry',
    'modules/training',
    'modules/imports',
    'modules/submissions',
    'modules/backup',
  ],
  ['modules/person-record', 'modules/web'],
  // Wiring at the top: the entity list, migrations and seeds import every module; so do the entry points.
  [
    'database',
    'commands',
    'app.module.ts',
    'setup-app.ts',
    'main.ts',
    'web-cluster.ts',
    'worker.ts',
    'cli.ts',
    'cli.module.ts',
  ],
];

const SRC = resolve(__dirname, '..', 'src');

function layerOf(file: string): number {
  const rel = relative(SRC, file).split('\\').join('/');
  const index = LAYERS.findIndex((folders) => folders.some((f) => rel === f || rel.startsWith(`${f}/`)));
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((s) => resolve(dirname(file), s));
}

describe('layering', () => {
  // Tests sit outside the layering: a spec may borrow fixtures (the seeded catalogue) from anywhere.
  const files = sourceFiles(SRC).filter((f) => !f.endsWith('.spec.ts'));

  it('places every source file in a layer', () => {
    const unplaced = files.filter((f) => layerOf(f) < 0).map((f) => relative(SRC, f));
    expect(unplaced).toEqual([]);
  });

  it('has no import that points up a layer', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const target of relativeImports(file)) {
        const to = layerOf(target.endsWith('.ts') ? target : `${target}.ts`);
        if (to > from) upward.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('notices an upward import (the check itself can fail)', () => {
    const people = join(SRC, 'modules/people/x.ts');
    const training = join(SRC, 'modules/training/y.ts');
    expect(layerOf(people)).toBeLessThan(layerOf(training));
  });
});
