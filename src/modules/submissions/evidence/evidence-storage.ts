import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where evidence bytes live, addressed by their SHA-256. Submissions keep only the key; the same scan uploaded
 * twice is stored once. The local folder is the embedded default; an S3-compatible store can fill the same shape
 * for scale-out, which is why the service depends on this class and never on the file system.
 */
export abstract class EvidenceStorage {
  abstract put(bytes: Buffer): Promise<{ key: string; size: number }>;
  abstract open(key: string): Promise<NodeJS.ReadableStream>;
  abstract read(key: string): Promise<Buffer>;
  abstract exists(key: string): Promise<boolean>;
  /** Deleting a key that is not there is not an error: the orphan sweep and a retention delete may race. */
  abstract delete(key: string): Promise<void>;
  abstract keys(): AsyncIterable<string>;
  /**
   * When the bytes under `key` were last stored (an upload of bytes already there renews it); null when absent.
   * The orphan sweep leaves young files alone: an upload stores its bytes before its submission row commits.
   */
  abstract storedAt(key: string): Promise<Date | null>;
}

export class EvidenceFileMissing extends Error {
  constructor(readonly key: string) {
    super(`No evidence file is stored under ${key}.`);
    this.name = 'EvidenceFileMissing';
  }
}

const KEY = /^[0-9a-f]{64}$/;
const SHARD = /^[0-9a-f]{2}$/;

export const evidenceKeyOf = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * `<dataDir>/evidence/<first two hex>/<sha256>`. The data folder is never served as static files (only `public/`
 * is), so a file leaves only through the submission API with its access checks and headers.
 */
export class LocalEvidenceStorage extends EvidenceStorage {
  readonly root: string;

  /** `folder` lets other uploads (the director's signature) live apart, out of reach of the evidence sweep. */
  constructor(dataDir: string, folder = 'evidence') {
    super();
    this.root = join(dataDir, folder);
  }

  async put(bytes: Buffer): Promise<{ key: string; size: number }> {
    const key = evidenceKeyOf(bytes);
    const target = this.pathOf(key);
    if (await this.exists(key)) {
      // The same bytes handed in again count as new, so a sweep does not take them before their row commits.
      const now = new Date();
      await utimes(target, now, now);
      return { key, size: bytes.length };
    }
    const dir = join(this.root, key.slice(0, 2));
    await mkdir(dir, { recursive: true });
    // Written under a temporary name in the same folder and renamed once flushed: a crash leaves at most a
    // `.tmp-` file (which keys() ignores), never a half-written file under a real key.
    const temporary = join(dir, `.tmp-${randomUUID()}`);
    try {
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Two uploads of the same bytes may both get here; rename replaces atomically with identical content.
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { key, size: bytes.length };
  }

  async open(key: string): Promise<NodeJS.ReadableStream> {
    // Checked first so a missing file is a rejected promise the caller can answer 404 to, not a stream error later.
    if (!(await this.exists(key))) throw new EvidenceFileMissing(key);
    return createReadStream(this.pathOf(key));
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EvidenceFileMissing(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async storedAt(key: string): Promise<Date | null> {
    try {
      return (await stat(this.pathOf(key))).mtime;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *keys(): AsyncIterable<string> {
    for (const shard of await listOrEmpty(this.root)) {
      if (!SHARD.test(shard)) continue;
      for (const name of await listOrEmpty(join(this.root, shard))) {
        if (KEY.test(name) && name.startsWith(shard)) yield name;
      }
    }
  }

  /** A key is only ever 64 hex digits, so no key can name a path outside the evidence folder. */
  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`Not an evidence key: ${JSON.stringify(key)}`);
    return join(this.root, key.slice(0, 2), key);
  }
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
