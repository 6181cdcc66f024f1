import { ZipArchive, type Archiver } from 'archiver';
import type { Response } from 'express';
import type { Certificate } from './certificate.entity';
import type { Cohort } from '../training/cohort.entity';
import { certificateFileName } from './certificates.controller';

/** Appends one entry and waits until the archive has taken it in, so only one file is open at a time. */
function appendOne(archive: Archiver, source: NodeJS.ReadableStream, name: string, gone: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      archive.off('entry', done);
      archive.off('error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      archive.off('entry', done);
      reject(error);
    };
    archive.on('entry', done);
    archive.once('error', failed);
    if (gone()) return done();
    archive.append(source as never, { name });
  });
}

/**
 * Streams a cohort's certificates to the response as one ZIP, opening one PDF at a time; stops when the
 * browser goes away, and cuts the response short (rather than sending a broken archive as whole) on an error.
 */
export async function pipeCohortZip(
  res: Response,
  cohort: Cohort,
  certificates: Certificate[],
  open: (certificate: Certificate) => NodeJS.ReadableStream,
): Promise<void> {
  const fileName = `${cohort.course.code} ${cohort.name} certificates.zip`.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ');
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  );
  res.setHeader('Cache-Control', 'private, no-store');
  // PDFs are compressed already: storing them spares the CPU and changes nothing in size.
  const archive = new ZipArchive({ store: true });
  let gone = false;
  res.on('close', () => {
    if (!res.writableFinished) {
      gone = true;
      archive.abort();
    }
  });
  archive.pipe(res);
  const names = new Set<string>();
  try {
    for (const c of certificates) {
      if (gone) break;
      let name = certificateFileName(c, 'pdf');
      for (let n = 2; names.has(name); n++) name = certificateFileName(c, `${n}.pdf`);
      names.add(name);
      await appendOne(archive, open(c), name, () => gone);
    }
    if (!gone) await archive.finalize();
  } catch (error) {
    res.destroy(error as Error);
  }
}
