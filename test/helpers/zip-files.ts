import { ZipArchive } from 'archiver';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Every entry of a ZIP file, inflated: for building altered copies of a real workbook in tests. */
export async function readZipEntries(path: string): Promise<ZipEntry[]> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true });
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
    }
  } finally {
    zip.close();
  }
  return entries;
}

/** Writes the entries as a deflated ZIP, in the order given. */
export async function writeZip(path: string, entries: ZipEntry[]): Promise<void> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const out = createWriteStream(path);
  archive.pipe(out);
  for (const entry of entries) archive.append(entry.data, { name: entry.name });
  await archive.finalize();
  await finished(out);
}
