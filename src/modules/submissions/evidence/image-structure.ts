/**
 * Walkers over the container structure of JPEG, PNG and ISO-BMFF (HEIC) files, shared by type detection and
 * metadata stripping so that both agree on where an image ends. They read structure only; they never decode pixels.
 */

export const JPEG = { SOI: 0xd8, EOI: 0xd9, SOS: 0xda, APP0: 0xe0, APP14: 0xee, COM: 0xfe } as const;

export interface JpegSegment {
  marker: number;
  /** Offset of the segment's 0xFF. */
  start: number;
  /** Offset just past the segment's payload. */
  end: number;
}

export type JpegLayout =
  | { ok: true; headers: JpegSegment[]; firstScan: number; end: number }
  | { ok: false; problem: 'truncated' | 'malformed' };

const isStandalone = (marker: number): boolean => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

/** Offset of the marker that ends an entropy-coded scan starting at `from`, or -1 if the file ends first. */
function endOfScan(bytes: Buffer, from: number): number {
  let at = from;
  for (;;) {
    const ff = bytes.indexOf(0xff, at);
    if (ff < 0 || ff + 1 >= bytes.length) return -1;
    const next = bytes[ff + 1];
    // 0x00 is a stuffed data byte, RSTn sits inside the scan, 0xFF is fill before a marker.
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at = ff + 2;
    else if (next === 0xff) at = ff + 1;
    else return ff;
  }
}

/** Walks a JPEG from SOI to EOI. `headers` are the segments before the first scan (where metadata lives). */
export function walkJpeg(bytes: Buffer): JpegLayout {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== JPEG.SOI) return { ok: false, problem: 'malformed' };
  const headers: JpegSegment[] = [];
  let firstScan = -1;
  let pos = 2;
  for (;;) {
    if (pos + 1 >= bytes.length) return { ok: false, problem: 'truncated' };
    if (bytes[pos] !== 0xff) return { ok: false, problem: 'malformed' };
    while (pos + 1 < bytes.length && bytes[pos + 1] === 0xff) pos++;
    if (pos + 1 >= bytes.length) return { ok: false, problem: 'truncated' };
    const marker = bytes[pos + 1];
    if (marker === JPEG.EOI) {
      if (firstScan < 0) return { ok: false, problem: 'malformed' };
      return { ok: true, headers, firstScan, end: pos + 2 };
    }
    if (marker === JPEG.SOI || marker === 0x00) return { ok: false, problem: 'malformed' };
    if (isStandalone(marker)) {
      pos += 2;
      continue;
    }
    if (pos + 4 > bytes.length) return { ok: false, problem: 'truncated' };
    const length = bytes.readUInt16BE(pos + 2);
    if (length < 2) return { ok: false, problem: 'malformed' };
    const end = pos + 2 + length;
    if (end > bytes.length) return { ok: false, problem: 'truncated' };
    if (firstScan < 0 && marker !== JPEG.SOS) headers.push({ marker, start: pos, end });
    if (marker === JPEG.SOS) {
      if (firstScan < 0) firstScan = pos;
      const next = endOfScan(bytes, end);
      if (next < 0) return { ok: false, problem: 'truncated' };
      pos = next;
    } else {
      pos = end;
    }
  }
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngChunk {
  type: string;
  /** Offset of the chunk's length field. */
  start: number;
  /** Offset just past the chunk's CRC. */
  end: number;
}

export type PngLayout =
  { ok: true; chunks: PngChunk[]; end: number } | { ok: false; problem: 'truncated' | 'malformed' | 'damaged' };

const CHUNK_TYPE = /^[A-Za-z]{4}$/;

/** Walks a PNG's chunks from IHDR to IEND, checking each CRC so a damaged file is caught before it is stored. */
export function walkPng(bytes: Buffer, crc32: (data: Buffer) => number): PngLayout {
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return { ok: false, problem: 'malformed' };
  }
  const chunks: PngChunk[] = [];
  let pos = PNG_SIGNATURE.length;
  for (;;) {
    if (pos + 12 > bytes.length) return { ok: false, problem: 'truncated' };
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    if (length > 0x7fffffff || !CHUNK_TYPE.test(type)) return { ok: false, problem: 'malformed' };
    const end = pos + 12 + length;
    if (end > bytes.length) return { ok: false, problem: 'truncated' };
    if (chunks.length === 0 && (type !== 'IHDR' || length !== 13)) return { ok: false, problem: 'malformed' };
    if (crc32(bytes.subarray(pos + 4, end - 4)) !== bytes.readUInt32BE(end - 4)) {
      return { ok: false, problem: 'damaged' };
    }
    chunks.push({ type, start: pos, end });
    if (type === 'IEND') return { ok: true, chunks, end };
    pos = end;
  }
}

export type BmffLayout = { ok: true; end: number } | { ok: false; problem: 'truncated' };

const BOX_TYPE = /^[\x20-\x7e]{4}$/;

/**
 * Walks the top-level ISO-BMFF boxes (ftyp, meta, mdat, ...). `end` is where the last well-formed box ends, so
 * anything joined on after the image shows up as bytes past it.
 */
export function walkBmff(bytes: Buffer): BmffLayout {
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) return { ok: true, end: pos };
    let size = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    if (!BOX_TYPE.test(type)) return pos === 0 ? { ok: false, problem: 'truncated' } : { ok: true, end: pos };
    if (size === 1) {
      if (pos + 16 > bytes.length) return { ok: false, problem: 'truncated' };
      const large = bytes.readBigUInt64BE(pos + 8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, problem: 'truncated' };
      size = Number(large);
    } else if (size === 0) {
      // A box of size 0 runs to the end of the file by definition.
      size = bytes.length - pos;
    }
    if (size < 8) return { ok: true, end: pos };
    if (pos + size > bytes.length) return { ok: false, problem: 'truncated' };
    pos += size;
  }
  return { ok: true, end: pos };
}
