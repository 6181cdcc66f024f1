import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';

export interface StoredFile {
  key: string;
  sha256: string;
  byteSize: number;
}

/**
 * Where issued PDFs live. Files are addressed by their SHA-256, so a file once written is never
 * changed, and writing the same bytes twice is one file. Local files now; object storage later
 * implements the same methods.
 */
export abstract class CertificateStorage {
  abstract put(bytes: Buffer): Promise<StoredFile>;
  abstract read(key: string): Promise<Buffer>;
  /** A stream that opens the file only when read, so a ZIP of many never holds them all. */
  abstract stream(key: string): Readable;
  abstract remove(key: string): Promise<void>;
  /** Every stored file with when it was stored, for the sweep of files no certificate refers to. */
  abstract list(): AsyncIterable<{ key: string; storedAt: Date }>;
}

export class LocalCertificateStorage extends CertificateStorage {
  constructor(private readonly dir: string) {
    super();
  }

  private path(key: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{64}\.pdf$/.test(key)) throw new Error(`Not a certificate storage key: ${key}`);
    return join(this.dir, key);
  }

  async put(bytes: Buffer): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = `${sha256.slice(0, 2)}/${sha256}.pdf`;
    const target = this.path(key);
    if (!existsSync(target)) {
      await mkdir(dirname(target), { recursive: true });
      // Written beside its final name and renamed: a crash never leaves half a PDF under a real name.
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, bytes, { mode: 0o640 });
      await rename(temp, target);
    }
    return { key, sha256, byteSize: bytes.length };
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  stream(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Finished files only: a `.tmp` left by a crash mid-write is not a key (the sweep leaves it to the folder's owner). */
  async *list(): AsyncIterable<{ key: string; storedAt: Date }> {
    const entries = await readdir(this.dir, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile()) continue;
      const key = relative(this.dir, join(e.parentPath, e.name));
      if (!/^[0-9a-f]{2}\/[0-9a-f]{64}\.pdf$/.test(key)) continue;
      yield { key, storedAt: (await stat(join(this.dir, key))).mtime };
    }
  }
}
