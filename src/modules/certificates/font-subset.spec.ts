import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { ROOT_DIR } from '../../common/root-dir';
import { FontProgram } from './font-subset';

const FONT = fontkit.create(
  readFileSync(join(ROOT_DIR, 'node_modules', 'dejavu-fonts-ttf', 'ttf', 'DejaVuSerif-Bold.ttf')),
) as fontkit.Font & { getGlyph(id: number): Glyph; directory: { tables: Record<string, unknown> } };

interface Glyph {
  id: number;
  advanceWidth: number;
  path: { toSVG(): string };
  _decode(): { numberOfContours: number } | null;
}

describe('TrueType subsets assembled from glyph bytes (font-subset.ts)', () => {
  const text = 'Renée Two Feathers Núñez';
  const gids = [...text].map(
    (ch) => (FONT as unknown as { glyphForCodePoint(c: number): Glyph }).glyphForCodePoint(ch.codePointAt(0)!).id,
  );

  it('is a font fontkit reads back: every glyph has the same outline and width, accented (compound) ones included', () => {
    const subset = new FontProgram(FONT).createSubset();
    const ids = gids.map((gid) => subset.includeGlyph(gid));
    expect(ids[0]).toBe(1); // .notdef is glyph 0
    expect(subset.includeGlyph(gids[0])).toBe(ids[0]); // asked again, the same id
    const parsed = fontkit.create(subset.encode()) as typeof FONT;
    expect(gids.some((gid) => FONT.getGlyph(gid)._decode()!.numberOfContours < 0)).toBe(true);
    gids.forEach((gid, i) => {
      const original = FONT.getGlyph(gid);
      const copy = parsed.getGlyph(ids[i]);
      expect(copy.path.toSVG()).toBe(original.path.toSVG());
      expect(copy.advanceWidth).toBe(original.advanceWidth);
    });
  });

  it('leaves out hinting, so a subset is a fraction of the bytes fontkit writes', () => {
    const ours = new FontProgram(FONT).createSubset();
    const theirs = (
      FONT as unknown as { createSubset(): { includeGlyph(g: number): number; encode(): Uint8Array } }
    ).createSubset();
    for (const gid of gids) {
      ours.includeGlyph(gid);
      theirs.includeGlyph(gid);
    }
    const bytes = ours.encode();
    const tables = Object.keys((fontkit.create(bytes) as typeof FONT).directory.tables).sort();
    expect(tables).toEqual(['glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp']);
    expect(bytes.length).toBeLessThan(theirs.encode().length * 0.6);
  });

  it('keeps the checksums a strict reader checks: each table, and the whole font adding up to 0xB1B0AFBA', () => {
    const subset = new FontProgram(FONT).createSubset();
    for (const gid of gids) subset.includeGlyph(gid);
    const font = subset.encode();
    const sum = (b: Buffer) => {
      let s = 0;
      for (let i = 0; i + 4 <= b.length; i += 4) s = (s + b.readUInt32BE(i)) >>> 0;
      return s;
    };
    expect(font.length % 4).toBe(0);
    expect(sum(font)).toBe(0xb1b0afba);
  });
});
