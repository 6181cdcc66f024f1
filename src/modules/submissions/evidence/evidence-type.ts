import { crc32 } from 'node:zlib';
import { walkBmff, walkJpeg, walkPng } from './image-structure';

/**
 * Decides what an uploaded evidence file is from its bytes alone. The name and the browser's Content-Type are
 * whatever the sender says, so they are never consulted: a `.exe` renamed `.pdf` is still an `.exe`.
 */

export const EVIDENCE_LIMITS = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 } as const;

export type EvidenceType = 'pdf' | 'jpeg' | 'png' | 'heic';

export interface DetectedEvidence {
  type: EvidenceType;
  mime: string;
  extension: string;
}

/** `refused` is a sentence ending for a field error ("files[2] is empty"), so it starts with a verb. */
export interface RefusedEvidence {
  refused: string;
}

export const NOT_ACCEPTED = 'must be a PDF, JPEG, PNG or HEIC file; this one is not';

const JOINED =
  'has another file joined onto it, which can make it open as something else; save it again as a plain PDF, ' +
  'JPEG, PNG or HEIC file and upload that';
const TAIL = 4 * 1024;
const HTML_MARKERS = ['<html', '<script', '<svg', '<!doctype'];
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
// Brands that say the pictures are HEVC-coded; mif1/msf1 alone are only the generic HEIF container (AVIF uses it too).
const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const AV1_BRANDS = new Set(['avif', 'avis']);

export function detectEvidenceType(bytes: Buffer): DetectedEvidence | RefusedEvidence {
  if (bytes.length === 0) return { refused: 'is empty' };
  if (bytes.length > EVIDENCE_LIMITS.maxBytes) return { refused: 'is larger than 10 MB, the most a file may be' };
  const detected = detectByMagic(bytes);
  if ('refused' in detected) return detected;
  if (carriesZip(bytes) || carriesMarkup(bytes)) return { refused: JOINED };
  return detected;
}

function detectByMagic(bytes: Buffer): DetectedEvidence | RefusedEvidence {
  if (bytes.toString('latin1', 0, 5) === '%PDF-') return checkPdf(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return checkJpeg(bytes);
  if (bytes[0] === 0x89 && bytes.toString('latin1', 1, 4) === 'PNG') return checkPng(bytes);
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') return checkHeic(bytes);
  return { refused: NOT_ACCEPTED };
}

function checkPdf(bytes: Buffer): DetectedEvidence | RefusedEvidence {
  // Writers may put a line break or a few bytes after %%EOF, so look in the last kilobyte rather than at the end.
  if (bytes.indexOf('%%EOF', Math.max(0, bytes.length - 1024), 'latin1') < 0) {
    return { refused: 'looks truncated: a PDF ends with %%EOF and this one does not; save or download it again' };
  }
  return { type: 'pdf', mime: 'application/pdf', extension: 'pdf' };
}

function checkJpeg(bytes: Buffer): DetectedEvidence | RefusedEvidence {
  const layout = walkJpeg(bytes);
  if (!layout.ok) return refuseImage('JPEG', layout.problem);
  if (!onlyPadding(bytes, layout.end)) return { refused: JOINED };
  return { type: 'jpeg', mime: 'image/jpeg', extension: 'jpg' };
}

function checkPng(bytes: Buffer): DetectedEvidence | RefusedEvidence {
  const layout = walkPng(bytes, crc32);
  if (!layout.ok) return refuseImage('PNG', layout.problem);
  if (!onlyPadding(bytes, layout.end)) return { refused: JOINED };
  return { type: 'png', mime: 'image/png', extension: 'png' };
}

function checkHeic(bytes: Buffer): DetectedEvidence | RefusedEvidence {
  const ftypSize = bytes.readUInt32BE(0);
  if (ftypSize < 16 || ftypSize > bytes.length || ftypSize % 4 !== 0) return { refused: NOT_ACCEPTED };
  const major = bytes.toString('latin1', 8, 12);
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= ftypSize; at += 4) compatible.push(bytes.toString('latin1', at, at + 4));
  const brands = [major, ...compatible];
  const hevc = brands.some((brand) => HEVC_BRANDS.has(brand));
  const av1 = brands.some((brand) => AV1_BRANDS.has(brand));
  if (!hevc && (av1 || !HEIC_BRANDS.has(major))) return { refused: NOT_ACCEPTED };
  const layout = walkBmff(bytes);
  if (!layout.ok) return refuseImage('HEIC', layout.problem);
  if (!onlyPadding(bytes, layout.end)) return { refused: JOINED };
  return hevc
    ? { type: 'heic', mime: 'image/heic', extension: 'heic' }
    : { type: 'heic', mime: 'image/heif', extension: 'heif' };
}

function refuseImage(kind: string, problem: 'truncated' | 'malformed' | 'damaged'): RefusedEvidence {
  if (problem === 'truncated') {
    return { refused: `looks truncated: the ${kind} image stops before its end; save or download it again` };
  }
  if (problem === 'damaged') return { refused: `is a damaged ${kind} image; save or download it again` };
  return { refused: `starts like a ${kind} image but is not a readable one; save or download it again` };
}

/** Zero bytes after an image's end are padding some scanners add; anything else is another file riding along. */
function onlyPadding(bytes: Buffer, end: number): boolean {
  for (let at = end; at < bytes.length; at++) if (bytes[at] !== 0) return false;
  return true;
}

/**
 * A local-file header or end-of-central-directory record anywhere makes the file also open as a ZIP. Four bytes
 * occur by chance in compressed data about once in 4 GB, so the fields after the signature must look like a real
 * record too; a few megabytes of photo should never be refused for a coincidence.
 */
function carriesZip(bytes: Buffer): boolean {
  for (let at = bytes.indexOf('PK', 0, 'latin1'); at >= 0; at = bytes.indexOf('PK', at + 1, 'latin1')) {
    const kind = bytes[at + 2] * 256 + bytes[at + 3];
    if (kind === 0x0304 && plausibleLocalHeader(bytes, at)) return true;
    if (kind === 0x0506 && plausibleEndRecord(bytes, at)) return true;
  }
  return false;
}

const ZIP_METHODS = new Set([0, 1, 6, 8, 9, 12, 14, 19, 93, 95, 96, 97, 98, 99]);

function plausibleLocalHeader(bytes: Buffer, at: number): boolean {
  if (at + 30 > bytes.length) return false;
  const versionNeeded = bytes.readUInt16LE(at + 4);
  const method = bytes.readUInt16LE(at + 8);
  const nameLength = bytes.readUInt16LE(at + 26);
  return versionNeeded <= 63 && ZIP_METHODS.has(method) && nameLength > 0 && nameLength <= 1024;
}

function plausibleEndRecord(bytes: Buffer, at: number): boolean {
  if (at + 22 > bytes.length) return false;
  const entriesHere = bytes.readUInt16LE(at + 8);
  const entriesTotal = bytes.readUInt16LE(at + 10);
  const commentLength = bytes.readUInt16LE(at + 20);
  return entriesHere <= entriesTotal && at + 22 + commentLength <= bytes.length;
}

/** Browsers sniff markup near either end of a file, so HTML, script or SVG there is refused whatever the type. */
function carriesMarkup(bytes: Buffer): boolean {
  const head = bytes.toString('latin1', 0, Math.min(TAIL, bytes.length)).toLowerCase();
  const tail = bytes.toString('latin1', Math.max(0, bytes.length - TAIL)).toLowerCase();
  return HTML_MARKERS.some((marker) => head.includes(marker) || tail.includes(marker));
}
