import type * as fontkit from 'fontkit';

/** What PDFKit asks of a font subset: a new glyph id for each glyph it sets, then the font program. */
export interface PdfFontSubset {
  includeGlyph(gid: number): number;
  encode(): Buffer;
}

interface Glyph {
  /** The glyph's outline without its hinting instructions, component ids still the font's own. */
  bytes: Buffer;
  /** Byte positions of component glyph ids, for a compound glyph. */
  components: { pos: number; gid: number }[];
  advance: number;
  bearing: number;
}

interface Directory {
  tables: Record<string, { offset: number; length: number }>;
}

// Compound glyph component flags (OpenType 'glyf').
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;
const WE_HAVE_INSTRUCTIONS = 0x0100;

/**
 * A TrueType font taken apart once per process, so that each certificate's subset is assembled from glyph bytes
 * instead of decoded and re-encoded table by table (what fontkit does for every document: a third of the render
 * time). Hinting is left out — the glyphs' instructions and the cvt/fpgm/prep tables — as PDF producers commonly
 * do: viewers and printers rasterise outlines without it, and it is most of each glyph's bytes.
 */
export class FontProgram {
  private readonly data: Buffer;
  private readonly tables: Directory['tables'];
  private readonly loca: number[];
  private readonly hMetrics: number;
  private readonly glyphs = new Map<number, Glyph>();

  constructor(font: fontkit.Font) {
    const raw = font as unknown as {
      stream: { buffer: Uint8Array };
      directory: Directory;
      loca: { offsets: number[] };
      hhea: { numberOfMetrics: number };
    };
    this.data = Buffer.from(raw.stream.buffer.buffer, raw.stream.buffer.byteOffset, raw.stream.buffer.byteLength);
    this.tables = raw.directory.tables;
    this.loca = raw.loca.offsets;
    this.hMetrics = raw.hhea.numberOfMetrics;
  }

  createSubset(): PdfFontSubset {
    return new Subset(this);
  }

  table(tag: string): Buffer {
    const t = this.tables[tag];
    return Buffer.from(this.data.subarray(t.offset, t.offset + t.length));
  }

  glyph(gid: number): Glyph {
    let glyph = this.glyphs.get(gid);
    if (!glyph) {
      glyph = { ...this.outline(gid), ...this.metrics(gid) };
      this.glyphs.set(gid, glyph);
    }
    return glyph;
  }

  private metrics(gid: number): { advance: number; bearing: number } {
    const hmtx = this.tables.hmtx.offset;
    const n = this.hMetrics;
    if (gid < n)
      return { advance: this.data.readUInt16BE(hmtx + 4 * gid), bearing: this.data.readInt16BE(hmtx + 4 * gid + 2) };
    return {
      advance: this.data.readUInt16BE(hmtx + 4 * (n - 1)),
      bearing: this.data.readInt16BE(hmtx + 4 * n + 2 * (gid - n)),
    };
  }

  private outline(gid: number): Pick<Glyph, 'bytes' | 'components'> {
    const start = this.tables.glyf.offset + this.loca[gid];
    const end = this.tables.glyf.offset + this.loca[gid + 1];
    if (end <= start) return { bytes: Buffer.alloc(0), components: [] };
    const b = this.data.subarray(start, end);
    const contours = b.readInt16BE(0);
    if (contours >= 0) {
      // Header and end points, then a zero instruction length in place of the instructions.
      const at = 10 + 2 * contours;
      const instructions = b.readUInt16BE(at);
      return {
        bytes: Buffer.concat([b.subarray(0, at), Buffer.alloc(2), b.subarray(at + 2 + instructions)]),
        components: [],
      };
    }
    const components: Glyph['components'] = [];
    let pos = 10;
    let flags: number;
    let lastFlags: number;
    do {
      lastFlags = pos;
      flags = b.readUInt16BE(pos);
      components.push({ pos: pos + 2, gid: b.readUInt16BE(pos + 2) });
      pos += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) pos += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) pos += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) pos += 8;
    } while (flags & MORE_COMPONENTS);
    const bytes = Buffer.from(b.subarray(0, pos));
    bytes.writeUInt16BE(flags & ~WE_HAVE_INSTRUCTIONS, lastFlags);
    return { bytes, components };
  }
}

class Subset implements PdfFontSubset {
  /** The font's glyph id of each subset glyph, in subset order; 0 (.notdef) first, as PDF viewers expect. */
  private readonly order: number[] = [];
  private readonly ids = new Map<number, number>();

  constructor(private readonly font: FontProgram) {
    this.includeGlyph(0);
  }

  includeGlyph(gid: number): number {
    let id = this.ids.get(gid);
    if (id === undefined) {
      id = this.order.length;
      this.ids.set(gid, id);
      this.order.push(gid);
    }
    return id;
  }

  encode(): Buffer {
    // A compound glyph's components join at the end, after every glyph PDFKit numbered (it maps those to text).
    for (let i = 0; i < this.order.length; i++)
      for (const c of this.font.glyph(this.order[i]).components) this.includeGlyph(c.gid);
    const glyphs = this.order.map((gid) => this.font.glyph(gid));
    const parts: Buffer[] = [];
    const offsets: number[] = [];
    let offset = 0;
    for (const g of glyphs) {
      offsets.push(offset);
      let bytes = g.bytes;
      if (g.components.length) {
        bytes = Buffer.from(bytes);
        for (const c of g.components) bytes.writeUInt16BE(this.ids.get(c.gid)!, c.pos);
      }
      parts.push(bytes);
      offset += bytes.length;
      if (bytes.length % 2) {
        parts.push(Buffer.alloc(1));
        offset += 1;
      }
    }
    offsets.push(offset);
    const short = offset / 2 < 0x10000;
    const loca = Buffer.alloc(offsets.length * (short ? 2 : 4));
    offsets.forEach((o, i) => (short ? loca.writeUInt16BE(o / 2, 2 * i) : loca.writeUInt32BE(o, 4 * i)));
    const hmtx = Buffer.alloc(4 * glyphs.length);
    glyphs.forEach((g, i) => {
      hmtx.writeUInt16BE(g.advance, 4 * i);
      hmtx.writeInt16BE(g.bearing, 4 * i + 2);
    });
    const head = this.font.table('head');
    head.writeUInt32BE(0, 8); // checkSumAdjustment: set once the whole font is known
    head.writeInt16BE(short ? 0 : 1, 50);
    const hhea = this.font.table('hhea');
    hhea.writeUInt16BE(glyphs.length, 34);
    const maxp = this.font.table('maxp');
    maxp.writeUInt16BE(glyphs.length, 4);
    // Without hinting, nothing needs the interpreter's zones, storage, functions or stack.
    if (maxp.length >= 32) for (let at = 16; at <= 26; at += 2) maxp.writeUInt16BE(0, at);
    return sfnt({ glyf: Buffer.concat(parts), head, hhea, hmtx, loca, maxp });
  }
}

const padded = (n: number) => (n + 3) & ~3;

function checksum(b: Buffer): number {
  let sum = 0;
  const whole = b.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + b.readUInt32BE(i)) >>> 0;
  if (whole < b.length) {
    const tail = Buffer.alloc(4);
    b.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

/** The font file: offset table, table records sorted by tag, tables on 4-byte boundaries, checksums set. */
function sfnt(tables: Record<string, Buffer>): Buffer {
  const tags = Object.keys(tables).sort();
  const n = tags.length;
  const entrySelector = Math.floor(Math.log2(n));
  const searchRange = 16 * 2 ** entrySelector;
  let offset = 12 + 16 * n;
  const size = tags.reduce((s, tag) => s + padded(tables[tag].length), offset);
  const out = Buffer.alloc(size);
  out.writeUInt32BE(0x00010000, 0);
  out.writeUInt16BE(n, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(16 * n - searchRange, 10);
  tags.forEach((tag, i) => {
    const table = tables[tag];
    const record = 12 + 16 * i;
    out.write(tag.padEnd(4), record, 'latin1');
    out.writeUInt32BE(checksum(table), record + 4);
    out.writeUInt32BE(offset, record + 8);
    out.writeUInt32BE(table.length, record + 12);
    table.copy(out, offset);
    if (tag === 'head') tables.head = out.subarray(offset, offset + table.length);
    offset += padded(table.length);
  });
  tables.head.writeUInt32BE((0xb1b0afba - checksum(out)) >>> 0, 8);
  return out;
}
