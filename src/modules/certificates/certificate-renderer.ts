import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { ROOT_DIR } from '../../common/root-dir';
import { FontProgram, type PdfFontSubset } from './font-subset';
import type { CertificateFields, CertificateLayout, FontName, LayoutElement, TextElement } from './certificate-layout';

const PAGE = { width: 792, height: 612 };
const FONT_DIR = join(ROOT_DIR, 'node_modules', 'dejavu-fonts-ttf', 'ttf');
const FONT_FILES: Record<FontName, string> = {
  serif: 'DejaVuSerif.ttf',
  'serif-bold': 'DejaVuSerif-Bold.ttf',
  'serif-italic': 'DejaVuSerif-Italic.ttf',
  sans: 'DejaVuSans.ttf',
  'sans-bold': 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
};
/** DejaVu Serif lacks some scripts (Canadian syllabics among them) that DejaVu Sans has: such text is set in Sans. */
const FALLBACK: Partial<Record<FontName, FontName>> = {
  serif: 'sans',
  'serif-bold': 'sans-bold',
  'serif-italic': 'sans',
  mono: 'sans',
};

type FontkitFont = fontkit.Font;
let parsedFonts: Record<FontName, FontkitFont> | null = null;

interface Position {
  xAdvance: number;
  [key: string]: number;
}
interface Run {
  glyphs: unknown[];
  positions: Position[];
}
/** Words shaped once and kept (the labels every certificate repeats); names beyond this are shaped each time. */
const SHAPED_WORDS_KEPT = 4000;

/**
 * The parsed font, with its shaping (GSUB/GPOS, kerning) remembered across documents: PDFKit keeps
 * shaped words per document only, and every certificate sets the same titles and labels. PDFKit
 * scales the positions it is given in place, so each caller gets its own copy.
 */
function withSharedShaping(font: FontkitFont): FontkitFont {
  const shaped = new Map<string, Run>();
  const program = new FontProgram(font);
  const shared = Object.create(font) as FontkitFont & {
    layout(text: string, features?: unknown): Run & { advanceWidth: number };
    createSubset(): PdfFontSubset;
  };
  // Each document's subset is assembled from glyphs taken apart once (font-subset.ts), not re-encoded by fontkit.
  shared.createSubset = () => program.createSubset();
  shared.layout = (text: string, features?: unknown) => {
    const key = features ? `${text}\u0000${JSON.stringify(features)}` : text;
    let run = shaped.get(key);
    if (!run) {
      const fresh = font.layout(text, features as never) as Run;
      run = { glyphs: fresh.glyphs, positions: fresh.positions.map((p) => ({ ...p })) };
      if (shaped.size < SHAPED_WORDS_KEPT) shaped.set(key, run);
    }
    const positions = run.positions.map((p) => ({ ...p }));
    return {
      glyphs: run.glyphs,
      positions,
      get advanceWidth() {
        return positions.reduce((width, p) => width + p.xAdvance, 0);
      },
    };
  };
  return shared;
}

/**
 * Each font file is parsed once per process with fontkit and the parsed font handed to every
 * document: PDFKit would otherwise parse the file again for each certificate (STACK-NOTES: 2.7×).
 */
export function certificateFonts(): Record<FontName, FontkitFont> {
  parsedFonts ??= Object.fromEntries(
    Object.entries(FONT_FILES).map(([name, file]) => [
      name,
      withSharedShaping(fontkit.create(readFileSync(join(FONT_DIR, file))) as FontkitFont),
    ]),
  ) as Record<FontName, FontkitFont>;
  return parsedFonts;
}

export interface RenderInput {
  layout: CertificateLayout;
  fields: CertificateFields;
  /** PNG or JPEG bytes, drawn where the layout has a logo. */
  logo: Buffer | null;
  /** PNG or JPEG bytes of the director's signature, drawn above the line that prints {{directorName}}. */
  directorSignature?: Buffer | null;
  /** Written into the PDF's metadata, so the same input always makes the same document. */
  issuedAt: Date;
}

function fill(template: string, fields: CertificateFields): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, key: string) =>
    String((fields as unknown as Record<string, string>)[key] ?? ''),
  );
}

/**
 * The QR code as one 1-bit image mask painted in the ink colour: a few hundred bytes, sharp at any zoom (a mask is
 * not interpolated), and one operator where drawing a rectangle per run of dark modules took hundreds.
 */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number, color: string): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const rowBytes = Math.ceil(n / 8);
  const bits = Buffer.alloc(rowBytes * n);
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++)
      if (qr.modules.get(row, col)) bits[row * rowBytes + (col >> 3)] |= 0x80 >> (col & 7);
  const pdf = doc as unknown as {
    ref(data: object): { end(data: Buffer): void };
    page: { xobjects: Record<string, unknown> };
  };
  const mask = pdf.ref({
    Type: 'XObject',
    Subtype: 'Image',
    Width: n,
    Height: n,
    ImageMask: true,
    BitsPerComponent: 1,
    // A 1 bit is a dark module: paint it.
    Decode: [1, 0],
  });
  mask.end(bits);
  pdf.page.xobjects.QR = mask;
  doc
    .save()
    .fillColor(color)
    .transform(size, 0, 0, -size, x, y + size)
    .addContent('/QR Do')
    .restore();
}

/** The one renderer every layout goes through: PDFKit, fonts embedded (subset), the QR as an image mask. */
export class CertificateRenderer {
  private readonly fonts = certificateFonts();

  async render(input: RenderInput): Promise<Buffer> {
    const { layout, fields } = input;
    const doc = new PDFDocument({
      size: 'LETTER',
      layout: 'landscape',
      margin: 0,
      // Our own font as the default spares PDFKit loading Helvetica's metrics for every document.
      font: this.fonts.serif as unknown as string,
      info: {
        Title: `${fields.credentialName}: ${fields.recipientName}`,
        Author: fields.orgName,
        Subject: `Certificate ${fields.code}. Verify at ${fields.verifyUrl}`,
        Creator: `${fields.orgName} (layout ${layout.id} v${layout.version})`,
        Producer: 'PDFKit',
        CreationDate: input.issuedAt,
        ModDate: input.issuedAt,
      },
    });
    for (const [name, font] of Object.entries(this.fonts)) doc.registerFont(name, font as unknown as string);
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve, reject) => {
      doc.on('end', resolve);
      doc.on('error', reject);
    });
    if (layout.paper) doc.rect(0, 0, PAGE.width, PAGE.height).fill(layout.paper);
    for (const element of layout.elements) this.draw(doc, layout, element, input);
    doc.end();
    await done;
    return Buffer.concat(chunks);
  }

  private color(layout: CertificateLayout, name: string | undefined, fallback = 'ink'): string {
    const key = name ?? fallback;
    return layout.colors[key] ?? (key.startsWith('#') ? key : (layout.colors[fallback] ?? '#000000'));
  }

  /** The font to set `text` in: the layout's choice, or its fallback when that lacks a character. */
  private fontFor(name: FontName, text: string): FontName {
    const fallback = FALLBACK[name];
    if (!fallback) return name;
    const font = this.fonts[name];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp > 0x7e && !font.hasGlyphForCodePoint(cp)) return fallback;
    }
    return name;
  }

  private draw(doc: PDFKit.PDFDocument, layout: CertificateLayout, e: LayoutElement, input: RenderInput): void {
    const { fields } = input;
    switch (e.type) {
      case 'frame': {
        doc
          .lineWidth(e.thickness ?? 1)
          .rect(e.inset, e.inset, PAGE.width - 2 * e.inset, PAGE.height - 2 * e.inset)
          .stroke(this.color(layout, e.color, 'accent'));
        if (e.corners) {
          const s = e.corners;
          const c = this.color(layout, e.color, 'accent');
          for (const [x, y] of [
            [e.inset, e.inset],
            [PAGE.width - e.inset, e.inset],
            [e.inset, PAGE.height - e.inset],
            [PAGE.width - e.inset, PAGE.height - e.inset],
          ]) {
            doc.rect(x - s / 2, y - s / 2, s, s).fill(c);
          }
        }
        return;
      }
      case 'rule': {
        const x = e.x ?? (PAGE.width - e.width) / 2;
        doc
          .lineWidth(e.thickness ?? 0.75)
          .moveTo(x, e.y)
          .lineTo(x + e.width, e.y)
          .stroke(this.color(layout, e.color, 'accent'));
        return;
      }
      case 'text':
        if (e.when && !fields[e.when]) return;
        this.text(doc, layout, e, fill(e.text, fields));
        return;
      case 'signature': {
        if (e.when && !fields[e.when]) return;
        // Layouts name the director's line by its field, so every layout gets the image without a change of its own.
        if (input.directorSignature && e.name.includes('{{directorName}}'))
          doc.image(input.directorSignature, e.x + e.width * 0.1, e.y - 46, {
            fit: [e.width * 0.8, 42],
            align: 'center',
            valign: 'bottom',
          });
        doc
          .lineWidth(0.75)
          .moveTo(e.x, e.y)
          .lineTo(e.x + e.width, e.y)
          .stroke(this.color(layout, 'ink'));
        const base = { type: 'text' as const, x: e.x, width: e.width, align: 'center' as const };
        this.text(doc, layout, { ...base, y: e.y + 6, font: 'serif', size: 12, minSize: 8 }, fill(e.name, fields));
        this.text(
          doc,
          layout,
          { ...base, y: e.y + 22, font: 'sans', size: 8.5, color: 'muted', characterSpacing: 0.6 },
          fill(e.role, fields).toUpperCase(),
        );
        return;
      }
      case 'qr':
        drawQr(doc, fields.verifyUrl, e.x, e.y, e.size, this.color(layout, e.color, 'ink'));
        return;
      case 'logo': {
        if (!input.logo) return;
        const x = e.x ?? (PAGE.width - e.width) / 2;
        doc.image(input.logo, x, e.y, { fit: [e.width, e.height], align: 'center', valign: 'center' });
        return;
      }
      case 'seal': {
        const c = this.color(layout, e.color, 'accent');
        doc.lineWidth(1.5).circle(e.x, e.y, e.radius).stroke(c);
        doc
          .lineWidth(0.5)
          .circle(e.x, e.y, e.radius - 4)
          .stroke(c);
        const points = 24;
        for (let i = 0; i < points; i++) {
          const a = (i / points) * Math.PI * 2;
          const r = e.radius - 8;
          doc.circle(e.x + Math.cos(a) * r, e.y + Math.sin(a) * r, 0.9);
        }
        doc.fill(c);
        const text = fill(e.text, fields);
        const width = (e.radius - 12) * 2;
        this.text(
          doc,
          layout,
          {
            type: 'text',
            x: e.x - width / 2,
            y: e.y - e.radius + 14,
            width,
            font: 'serif-bold',
            size: 11,
            minSize: 6,
            maxHeight: (e.radius - 14) * 2,
            color: e.color ?? 'accent',
            align: 'center',
          },
          text,
        );
        return;
      }
    }
  }

  /**
   * Sets text in its box: at its size when it fits on one line; else smaller, down to `minSize`;
   * then wrapped, and smaller again until it fits `maxHeight` — it never runs off its box.
   */
  private text(doc: PDFKit.PDFDocument, layout: CertificateLayout, e: Omit<TextElement, 'text'>, raw: string): void {
    const text = e.uppercase ? raw.toUpperCase() : raw;
    if (!text.trim()) return;
    const margin = layout.margin;
    const x = e.x ?? margin;
    const width = e.width ?? PAGE.width - 2 * margin;
    const options = {
      width,
      align: e.align ?? 'center',
      characterSpacing: e.characterSpacing ?? 0,
      lineGap: e.lineGap ?? 0,
    };
    doc.font(this.fontFor(e.font, text));
    let size = e.size;
    const min = e.minSize ?? e.size;
    doc.fontSize(size);
    let widest = doc.widthOfString(text, options);
    while (widest > width && size > min) {
      size = Math.max(min, size * Math.max(0.5, Math.min(0.97, width / widest)));
      doc.fontSize(size);
      widest = doc.widthOfString(text, options);
    }
    let top = e.y;
    if (e.maxHeight) {
      let height = doc.heightOfString(text, options);
      while (height > e.maxHeight && size > 4) {
        size *= 0.92;
        doc.fontSize(size);
        height = doc.heightOfString(text, options);
      }
      top = e.y + (e.maxHeight - height) / 2;
    } else if (widest > width) {
      // No room to wrap into: keep to one line by shrinking further.
      while (widest > width && size > 4) {
        size *= 0.95;
        doc.fontSize(size);
        widest = doc.widthOfString(text, options);
      }
    }
    doc
      .fillColor(this.color(layout, e.color, 'ink'))
      .text(text, x, top, { ...options, lineBreak: !!e.maxHeight || widest <= width });
  }
}
