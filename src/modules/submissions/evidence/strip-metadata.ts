import { crc32 } from 'node:zlib';
import type { EvidenceType } from './evidence-type';
import { JPEG, walkJpeg, walkPng, type JpegSegment } from './image-structure';

/**
 * Removes what a photo says about where and when it was taken (EXIF with GPS, XMP, IPTC, comments, PNG text
 * chunks) by dropping whole segments or chunks. Nothing is decoded or re-encoded, so the picture is bit-for-bit
 * the one uploaded and no native image library is needed.
 *
 * Call it only on bytes `detectEvidenceType` accepted; a file it cannot walk is an error here, not a refusal.
 */
export function stripImageMetadata(bytes: Buffer, type: EvidenceType): Buffer {
  if (type === 'jpeg') return stripJpeg(bytes);
  if (type === 'png') return stripPng(bytes);
  // A PDF is stored as uploaded (the issue says so: it is a document, and rewriting it could break signatures).
  // HEIC keeps its EXIF in an item that iloc offsets point into; dropping it means rewriting the box tree, which
  // this lossless stripper does not do, so HEIC is stored as uploaded too.
  return bytes;
}

function keepJpegSegment(marker: number): boolean {
  // APP0 (JFIF) says how to read the pixels and APP14 (Adobe) says whether the colours are transformed: both are
  // needed to decode. Every other APPn (APP1 EXIF/XMP with GPS, APP2 ICC/MPF, APP13 IPTC, ...) and COM go.
  if (marker === JPEG.APP0 || marker === JPEG.APP14) return true;
  return !(marker >= 0xe1 && marker <= 0xef) && marker !== JPEG.COM;
}

function stripJpeg(bytes: Buffer): Buffer {
  const layout = walkJpeg(bytes);
  if (!layout.ok) throw new Error(`stripImageMetadata: the JPEG is ${layout.problem}; detect its type first`);
  const orientation = exifOrientation(bytes, layout.headers);
  const parts: Buffer[] = [bytes.subarray(0, 2)];
  const kept = layout.headers.filter((segment) => keepJpegSegment(segment.marker));
  const leadingApp0 = kept[0]?.marker === JPEG.APP0 ? 1 : 0;
  kept.forEach((segment, index) => {
    if (index === leadingApp0 && orientation) parts.push(orientationSegment(orientation));
    parts.push(bytes.subarray(segment.start, segment.end));
  });
  if (kept.length === leadingApp0 && orientation) parts.push(orientationSegment(orientation));
  // The scans (and any tables between progressive scans) are copied as they are, up to EOI, without padding.
  parts.push(bytes.subarray(layout.firstScan, layout.end));
  return Buffer.concat(parts);
}

/**
 * The EXIF orientation is the one tag worth keeping: without it a phone photo taken upright shows on its side, and
 * a sideways licence is hard to check. It says nothing about the person or the place.
 */
function exifOrientation(bytes: Buffer, headers: JpegSegment[]): number | undefined {
  for (const segment of headers) {
    if (segment.marker !== 0xe1) continue;
    const tiff = segment.start + 10;
    if (tiff + 8 > segment.end || bytes.toString('latin1', segment.start + 4, tiff) !== 'Exif\0\0') continue;
    const order = bytes.toString('latin1', tiff, tiff + 2);
    if (order !== 'II' && order !== 'MM') continue;
    const u16 = (at: number) => (order === 'II' ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
    const u32 = (at: number) => (order === 'II' ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
    const ifd = tiff + u32(tiff + 4);
    if (ifd + 2 > segment.end) continue;
    const count = u16(ifd);
    for (let entry = ifd + 2, n = 0; n < count && entry + 12 <= segment.end; n++, entry += 12) {
      if (u16(entry) !== 0x0112 || u16(entry + 2) !== 3) continue;
      const value = u16(entry + 8);
      return value >= 2 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/** An APP1 EXIF segment holding only IFD0 with the Orientation tag, big-endian. */
function orientationSegment(orientation: number): Buffer {
  const segment = Buffer.alloc(36);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(34, 2);
  segment.write('Exif\0\0MM', 4, 'latin1');
  segment.writeUInt16BE(42, 12);
  segment.writeUInt32BE(8, 14);
  segment.writeUInt16BE(1, 18);
  segment.writeUInt16BE(0x0112, 20);
  segment.writeUInt16BE(3, 22);
  segment.writeUInt32BE(1, 24);
  segment.writeUInt16BE(orientation, 28);
  // Bytes 30..31 pad the value field and 32..35 say there is no next IFD; both stay zero.
  return segment;
}

// Text chunks carry captions, software, author and sometimes location; eXIf is EXIF (GPS included); tIME is when.
const PNG_DROPPED = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

function stripPng(bytes: Buffer): Buffer {
  const layout = walkPng(bytes, crc32);
  if (!layout.ok) throw new Error(`stripImageMetadata: the PNG is ${layout.problem}; detect its type first`);
  const kept = layout.chunks.filter((chunk) => !PNG_DROPPED.has(chunk.type));
  // Chunks are copied whole, so each kept chunk's CRC is still the right one.
  return Buffer.concat([bytes.subarray(0, 8), ...kept.map((chunk) => bytes.subarray(chunk.start, chunk.end))]);
}
