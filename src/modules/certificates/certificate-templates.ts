import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertLayout, type CertificateLayout, type LayoutManifest } from './certificate-layout';

/**
 * The layouts in templates/certificates/ and which credential gets which. Read at start-up (a bad
 * file stops the app with its name), and again when a file changes, so an edited layout applies to
 * the next certificate issued — never to one already issued.
 */
export class CertificateTemplates {
  private cache = new Map<string, { mtimeMs: number; value: unknown }>();

  constructor(private readonly dir: string) {
    const manifest = this.manifest();
    for (const id of new Set([manifest.default, manifest.courseAward, ...Object.values(manifest.byCredentialType)]))
      this.layout(id);
  }

  private read<T>(file: string, check: (value: unknown) => T): T {
    const path = join(this.dir, file);
    const { mtimeMs } = statSync(path);
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.value as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`Certificate layout ${path}: ${(error as Error).message}`, { cause: error });
    }
    const value = check(parsed);
    this.cache.set(file, { mtimeMs, value });
    return value;
  }

  manifest(): LayoutManifest {
    return this.read('layouts.json', (v) => {
      const m = v as LayoutManifest;
      if (
        !m ||
        typeof m.default !== 'string' ||
        typeof m.courseAward !== 'string' ||
        typeof m.byCredentialType !== 'object'
      )
        throw new Error(
          `Certificate layouts ${join(this.dir, 'layouts.json')}: needs "default", "courseAward" and "byCredentialType"`,
        );
      return m;
    });
  }

  layout(id: string): CertificateLayout {
    if (!/^[a-z0-9-]{1,40}$/.test(id)) throw new Error(`Not a layout id: ${id}`);
    return this.read(`${id}.json`, (v) => {
      const layout = assertLayout(v, join(this.dir, `${id}.json`));
      if (layout.id !== id) throw new Error(`Certificate layout ${id}.json says its id is "${layout.id}"`);
      return layout;
    });
  }

  /** The layout for a credential of this type (a course award when it came from a cohort). */
  layoutFor(credentialTypeCode: string, fromCourse: boolean): CertificateLayout {
    const m = this.manifest();
    return this.layout(m.byCredentialType[credentialTypeCode] ?? (fromCourse ? m.courseAward : m.default));
  }
}
