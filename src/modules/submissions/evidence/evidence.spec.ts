import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import {
  JPEG_1X1,
  makeHeif,
  makeJpegWithMetadata,
  makePdf,
  makePng,
  makeZip,
} from '../../../../test/factories/evidence-files';
import { EvidenceFileMissing, LocalEvidenceStorage, evidenceKeyOf } from './evidence-storage';
import { EVIDENCE_LIMITS, NOT_ACCEPTED, detectEvidenceType } from './evidence-type';
import { walkJpeg } from './image-structure';
import { stripImageMetadata } from './strip-metadata';

const refusal = (bytes: Buffer): string => {
  const result = detectEvidenceType(bytes);
  if (!('refused' in result)) throw new Error(`accepted as ${result.type}, expected a refusal`);
  return result.refused;
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));

describe('detectEvidenceType', () => {
  it('accepts a real PNG, JPEG, PDF and HEIC by their bytes', () => {
    expect(detectEvidenceType(makePng())).toEqual({ type: 'png', mime: 'image/png', extension: 'png' });
    expect(detectEvidenceType(JPEG_1X1)).toEqual({ type: 'jpeg', mime: 'image/jpeg', extension: 'jpg' });
    expect(detectEvidenceType(makePdf())).toEqual({ type: 'pdf', mime: 'application/pdf', extension: 'pdf' });
    expect(detectEvidenceType(makeHeif())).toEqual({ type: 'heic', mime: 'image/heic', extension: 'heic' });
    expect(detectEvidenceType(makeHeif('mif1', ['mif1']))).toEqual({
      type: 'heic',
      mime: 'image/heif',
      extension: 'heif',
    });
  });

  it('allows zero padding after an image and text after a PDF’s %%EOF line', () => {
    expect(detectEvidenceType(Buffer.concat([JPEG_1X1, Buffer.alloc(512)]))).toMatchObject({ type: 'jpeg' });
    expect(detectEvidenceType(Buffer.concat([makePng(), Buffer.alloc(3)]))).toMatchObject({ type: 'png' });
    expect(detectEvidenceType(Buffer.concat([makePdf(), Buffer.from('\r\n\r\n')]))).toMatchObject({ type: 'pdf' });
  });

  it('refuses an empty file and one over 10 MB, and accepts exactly 10 MB', () => {
    expect(refusal(Buffer.alloc(0))).toBe('is empty');
    const pdfOfSize = (size: number) => {
      const bytes = Buffer.alloc(size, 0x20);
      bytes.write('%PDF-1.4\n', 0, 'latin1');
      bytes.write('%%EOF\n', size - 6, 'latin1');
      return bytes;
    };
    expect(detectEvidenceType(pdfOfSize(EVIDENCE_LIMITS.maxBytes))).toMatchObject({ type: 'pdf' });
    expect(refusal(pdfOfSize(EVIDENCE_LIMITS.maxBytes + 1))).toMatch(/larger than 10 MB/);
    expect(EVIDENCE_LIMITS).toEqual({ maxBytes: 10485760, maxFiles: 5 });
  });

  it('refuses other kinds of file with a sentence naming what is accepted', () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    const avif = makeHeif('avif', ['mif1', 'miaf', 'avif']);
    for (const bytes of [exe, html, svg, makeZip(), avif, Buffer.from('just some text')]) {
      expect(refusal(bytes)).toBe(NOT_ACCEPTED);
    }
    expect(NOT_ACCEPTED).toBe('must be a PDF, JPEG, PNG or HEIC file; this one is not');
  });

  it('refuses polyglots: an image or PDF that also carries a ZIP, markup or anything after its end', () => {
    const joined = /has another file joined onto it/;
    expect(refusal(Buffer.concat([makePng(), Buffer.from('<script>alert(1)</script>')]))).toMatch(joined);
    expect(refusal(Buffer.concat([makePng(), makeZip()]))).toMatch(joined);
    expect(refusal(Buffer.concat([JPEG_1X1, makeZip()]))).toMatch(joined);
    expect(refusal(Buffer.concat([JPEG_1X1, Buffer.from('trailing bytes')]))).toMatch(joined);
    expect(refusal(Buffer.concat([makeHeif(), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9])]))).toMatch(joined);
    expect(refusal(Buffer.concat([makeHeif(), makeZip()]))).toMatch(joined);
    // A PDF may hold anything between header and %%EOF, so the ZIP and markup rules are what catch these.
    expect(refusal(makePdf(`(${makeZip().toString('latin1')}) Tj`))).toMatch(joined);
    expect(refusal(makePdf('<SCRIPT>fetch("/api")</SCRIPT>'))).toMatch(joined);
    expect(refusal(makePdf('<svg onload=alert(1)>'))).toMatch(joined);
  });

  it('does not mistake a chance "PK\\x03\\x04" inside data for a ZIP', () => {
    const chance = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(40, 0xee)]);
    expect(detectEvidenceType(makePdf(chance.toString('latin1')))).toMatchObject({ type: 'pdf' });
  });

  it('refuses truncated files', () => {
    const pdf = makePdf();
    expect(refusal(pdf.subarray(0, pdf.length - 8))).toMatch(/^looks truncated: a PDF ends with %%EOF/);
    expect(refusal(JPEG_1X1.subarray(0, JPEG_1X1.length - 2))).toMatch(/^looks truncated: the JPEG image/);
    const png = makePng();
    expect(refusal(png.subarray(0, png.length - 12))).toMatch(/^looks truncated: the PNG image/);
    const heif = makeHeif();
    expect(refusal(heif.subarray(0, heif.length - 4))).toMatch(/^looks truncated: the HEIC image/);
  });

  it('refuses a PNG whose CRC does not match', () => {
    const png = makePng();
    png[png.length - 14] ^= 0xff; // inside the IDAT chunk's data
    expect(refusal(png)).toMatch(/is a damaged PNG image/);
  });
});

describe('stripImageMetadata', () => {
  it('drops EXIF GPS, XMP, IPTC, the ICC block and comments from a JPEG, keeping JFIF and the orientation', () => {
    const original = makeJpegWithMetadata(6);
    expect(original.includes('GPSLatitude')).toBe(true);
    const stripped = stripImageMetadata(original, 'jpeg');
    for (const gone of [
      'GPSLatitude',
      'GPSLongitude',
      'xmpmeta',
      'Photoshop',
      'Denver',
      'Pennsylvania',
      'ICC_PROFILE',
    ]) {
      expect(stripped.includes(gone)).toBe(false);
    }
    expect([...stripped.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect([...stripped.subarray(-2)]).toEqual([0xff, 0xd9]);
    expect(stripped.toString('latin1', 6, 11)).toBe('JFIF\0');
    expect(detectEvidenceType(stripped)).toMatchObject({ type: 'jpeg' });

    const layout = walkJpeg(stripped);
    if (!layout.ok) throw new Error(layout.problem);
    expect(layout.headers.map((segment) => segment.marker.toString(16))).toEqual([
      'e0',
      'e1',
      'db',
      'db',
      'c0',
      'c4',
      'c4',
      'c4',
      'c4',
    ]);
    const exif = stripped.subarray(layout.headers[1].start, layout.headers[1].end);
    expect(exif.toString('latin1', 4, 12)).toBe('Exif\0\0MM');
    expect(exif.readUInt16BE(20)).toBe(0x0112);
    expect(exif.readUInt16BE(28)).toBe(6);
    // The picture itself is untouched: everything from the first scan on is byte-for-byte the original's.
    const scan = JPEG_1X1.indexOf(Buffer.from([0xff, 0xda]));
    expect(stripped.subarray(-(JPEG_1X1.length - scan)).equals(JPEG_1X1.subarray(scan))).toBe(true);
  });

  it('adds no EXIF when the photo was upright, and leaves a JPEG with nothing to strip but its ICC block', () => {
    const stripped = stripImageMetadata(makeJpegWithMetadata(1), 'jpeg');
    expect(stripped.includes('Exif')).toBe(false);
    const plain = stripImageMetadata(JPEG_1X1, 'jpeg');
    expect(plain.length).toBe(JPEG_1X1.length - (2 + JPEG_1X1.readUInt16BE(22)));
  });

  it('drops tEXt chunks from a PNG, which still passes detection and decodes to the same pixel', () => {
    const original = makePng([10, 20, 30], { GPS: '39.7392 N, 104.9903 W', Comment: 'front desk' });
    const stripped = stripImageMetadata(original, 'png');
    expect(stripped.includes('GPS')).toBe(false);
    expect(stripped.includes('front desk')).toBe(false);
    expect(stripped.equals(makePng([10, 20, 30]))).toBe(true);
    expect(detectEvidenceType(stripped)).toMatchObject({ type: 'png' });
    const decoded = PNG.sync.read(stripped);
    expect([decoded.width, decoded.height, ...decoded.data.subarray(0, 3)]).toEqual([1, 1, 10, 20, 30]);
  });

  it('returns a PDF and a HEIC as uploaded', () => {
    const pdf = makePdf();
    const heif = makeHeif();
    expect(stripImageMetadata(pdf, 'pdf')).toBe(pdf);
    expect(stripImageMetadata(heif, 'heic')).toBe(heif);
  });
});

describe('LocalEvidenceStorage', () => {
  let dataDir: string;
  let storage: LocalEvidenceStorage;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'lms-evidence-'));
    storage = new LocalEvidenceStorage(dataDir);
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('stores by SHA-256 under evidence/<2 hex>/, once however often the same bytes arrive', async () => {
    const png = makePng();
    const first = await storage.put(png);
    const second = await storage.put(Buffer.from(png));
    expect(first).toEqual({ key: evidenceKeyOf(png), size: png.length });
    expect(second).toEqual(first);
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    expect(filesUnder(dataDir)).toEqual([join('evidence', first.key.slice(0, 2), first.key)]);
    expect((await storage.read(first.key)).equals(png)).toBe(true);
  });

  it('streams a file back, says what exists, lists keys and deletes', async () => {
    const pdf = makePdf();
    const a = await storage.put(pdf);
    const b = await storage.put(JPEG_1X1);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.open(a.key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(pdf)).toBe(true);

    const listed: string[] = [];
    for await (const key of storage.keys()) listed.push(key);
    expect(listed.sort()).toEqual([a.key, b.key].sort());

    await storage.delete(a.key);
    expect(await storage.exists(a.key)).toBe(false);
    expect(await storage.exists(b.key)).toBe(true);
    await expect(storage.read(a.key)).rejects.toBeInstanceOf(EvidenceFileMissing);
    await expect(storage.open(a.key)).rejects.toBeInstanceOf(EvidenceFileMissing);
    await expect(storage.delete(a.key)).resolves.toBeUndefined();
  });

  it('lists nothing for a fresh data dir and ignores a temporary file a crash left behind', async () => {
    const listed: string[] = [];
    for await (const key of storage.keys()) listed.push(key);
    expect(listed).toEqual([]);

    const { key } = await storage.put(makePdf());
    writeFileSync(join(dataDir, 'evidence', key.slice(0, 2), '.tmp-left-by-a-crash'), 'half');
    await mkdir(join(dataDir, 'evidence', 'not-a-shard'));
    for await (const found of storage.keys()) listed.push(found);
    expect(listed).toEqual([key]);
  });

  it('refuses anything but a SHA-256 hex key, so no key can reach outside the folder', async () => {
    for (const key of ['../../etc/passwd', 'AB'.repeat(32), '', `${'a'.repeat(64)}/x`]) {
      await expect(storage.read(key)).rejects.toThrow(/Not an evidence key/);
      await expect(storage.exists(key)).rejects.toThrow(/Not an evidence key/);
    }
  });
});
