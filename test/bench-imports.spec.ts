import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The benchmarks load the compiled app (`dist('modules/...')`) and are not type-checked, so a file moved
 * in src/ would only show when someone next runs them. This holds every such path to a file in src/.
 */
describe('benchmarks', () => {
  const root = resolve(__dirname, '..');
  const benches = ['bench', 'bench/lib'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.js'))
      .map((f) => join(dir, f)),
  );

  it('load only modules that exist in src/', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const bench of benches) {
      const text = readFileSync(join(root, bench), 'utf8');
      for (const [, path] of text.matchAll(/dist\('([^']+)'\)/g)) {
        seen++;
        if (!existsSync(join(root, 'src', `${path}.ts`))) missing.push(`${bench}: ${path}`);
      }
    }
    expect(seen).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
