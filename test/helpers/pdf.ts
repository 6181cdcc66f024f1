import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

// Reading PDFs back as a person (and a phone camera) would: poppler-utils' pdftotext and pdftoppm.

function withFile<T>(pdf: Buffer, work: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'lms-pdf-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    return work(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of the PDF, as pdftotext extracts it (words joined by single spaces). */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (file) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }))
    .replace(/\s+/g, ' ')
    .trim();
}

export interface WordBox {
  word: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word with its box in PDF points (pdftotext -bbox), to check nothing runs off its place. */
export function pdfWords(pdf: Buffer): { page: { width: number; height: number }; words: WordBox[] } {
  const html = withFile(pdf, (file) =>
    execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  );
  const page = /<page width="([\d.]+)" height="([\d.]+)"/.exec(html)!;
  const words = [
    ...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g),
  ].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    word: m[5]
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"'),
  }));
  return { page: { width: Number(page[1]), height: Number(page[2]) }, words };
}

/** The first page as a PNG at `dpi`. */
export function pdfToPng(pdf: Buffer, dpi = 150): Buffer {
  return withFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-singlefile', file, join(dir, 'page')]);
    return readFileSync(join(dir, 'page.png'));
  });
}

/** What the QR code on the first page says, read from a rendering as a phone camera would. */
export function pdfQrText(pdf: Buffer): string | null {
  const png = PNG.sync.read(pdfToPng(pdf, 150));
  const found = jsQR(
    new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length),
    png.width,
    png.height,
  );
  return found?.data ?? null;
}
