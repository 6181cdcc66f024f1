import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import PDFDocument from 'pdfkit';
import { layoutChart, niceScale } from './chart-layout';
import type { ChartModel } from './chart-model';
import { drawPdfChart } from './pdf-chart';
import { renderSvg } from './svg-chart';

// htmlparser2 (in xmlMode) reads the SVG as a browser's XML parser would.
function parseSvg(svg: string) {
  const doc = parseDocument(svg, { xmlMode: true });
  const all = (name: string, within: Element | typeof doc = doc) =>
    DomUtils.getElementsByTagName(name, within.children, true) as Element[];
  const root = all('svg')[0];
  return { root, all, text: (el: Element) => DomUtils.textContent(el) };
}

const stacked: ChartModel = {
  kind: 'stacked-bar',
  id: 'test',
  title: 'Expiring by month',
  description: 'Six credentials over three months.',
  xLabel: 'Month of expiry',
  yLabel: 'Credentials',
  categories: [
    { key: '2026-12', label: 'Dec', longLabel: 'Dec 2026' },
    { key: '2027-01', label: 'Jan', group: '2027', longLabel: 'Jan 2027' },
    { key: '2027-02', label: 'Feb', longLabel: 'Feb 2027' },
  ],
  series: [
    { key: 'CPR', label: 'CPR', values: [2, 0, 5] },
    { key: 'MHFA', label: 'MHFA', values: [1, 3, 0] },
  ],
};

describe('the SVG chart', () => {
  it('draws one bar per non-zero segment, heights in proportion, stacked in series order, each with its own label', () => {
    const { root, all, text } = parseSvg(renderSvg(stacked, { width: 600, height: 300 }));
    expect(root.attribs.role).toBe('img');
    const [titleId, descId] = root.attribs['aria-labelledby'].split(' ');
    expect(text(all('title').find((t) => t.attribs.id === titleId)!)).toBe('Expiring by month');
    expect(text(all('desc').find((t) => t.attribs.id === descId)!)).toBe('Six credentials over three months.');

    const bars = all('g').filter((g) => g.attribs.class === 'bar');
    expect(bars.map((b) => [b.attribs['data-category'], b.attribs['data-series'], b.attribs['data-value']])).toEqual([
      ['0', '0', '2'],
      ['0', '1', '1'],
      ['1', '1', '3'],
      ['2', '0', '5'],
    ]);
    const rect = (b: Element) => {
      const r = all('rect', b)[0].attribs;
      return { x: Number(r.x), y: Number(r.y), h: Number(r.height) };
    };
    const [dec0, dec1, jan, feb] = bars.map(rect);
    // niceScale(5) tops the axis at 5, so the February bar (5) fills the plot and the others are its fractions.
    expect(dec0.h / feb.h).toBeCloseTo(2 / 5, 1);
    expect(jan.h / feb.h).toBeCloseTo(3 / 5, 1);
    expect(dec1.y + dec1.h).toBeCloseTo(dec0.y, 0);
    expect(dec0.x).toBe(dec1.x);
    expect(all('title', bars[2]).map(text)).toEqual(['Jan 2027, MHFA: 3']);

    const texts = (cls: string) =>
      all('text')
        .filter((t) => t.attribs.class === cls)
        .map(text);
    expect(texts('total')).toEqual(['3', '3', '5']);
    expect(texts('axis-label')).toEqual(['Credentials', 'Month of expiry']);
    expect(texts('tick')).toEqual(['0', '1', '2', '3', '4', '5', 'Dec', 'Jan', '2027', 'Feb']);
    expect(texts('legend')).toEqual(['CPR', 'MHFA']);
    // The second series is patterned as well as coloured, and its pattern is defined.
    const overlay = all('rect', bars[1])[1];
    expect(overlay.attribs.fill).toBe('url(#chart-test-p1)');
    expect(all('pattern').map((p) => p.attribs.id)).toEqual(['chart-test-p1']);
  });

  it('draws a line per series with a marker at every point and the last value written at the end of each line', () => {
    const line: ChartModel = {
      ...stacked,
      kind: 'line',
      id: 'line',
      series: [...stacked.series, { key: 'PSS', label: 'Peer Support Specialist', values: [4, 4, 6] }],
    };
    const { all, text } = parseSvg(renderSvg(line, { width: 600, height: 300 }));
    expect(all('polyline').map((p) => p.attribs.points.split(' ').length)).toEqual([3, 3, 3]);
    expect(all('path').filter((p) => p.attribs.class === 'marker')).toHaveLength(9);
    expect(
      all('text')
        .filter((t) => t.attribs.class === 'direct-label')
        .map(text)
        .sort(),
    ).toEqual(['CPR 5', 'MHFA 0', 'Peer Support Specialist 6']);
    // A higher value sits higher: the February points of PSS (6) and CPR (5) against MHFA (0).
    const y = (series: number) => Number(all('polyline')[series].attribs.points.split(' ')[2].split(',')[1]);
    expect(y(2)).toBeLessThan(y(0));
    expect(y(0)).toBeLessThan(y(1));
  });

  it('keeps an empty chart readable: no bars, an axis from 0 to 1', () => {
    const empty: ChartModel = { ...stacked, series: [] };
    const layout = layoutChart(empty, { width: 400, height: 200 });
    expect(layout.shapes.filter((s) => s.type === 'bar')).toEqual([]);
    expect(layout.yTicks).toEqual([0, 1]);
  });

  it('escapes text taken from records', () => {
    const svg = renderSvg(
      { ...stacked, title: 'A <b> & "c"', series: [{ key: 'X', label: '<script>', values: [1, 1, 1] }] },
      { width: 400, height: 200 },
    );
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(
      parseSvg(svg)
        .all('title')
        .map((t) => DomUtils.textContent(t))[0],
    ).toBe('A <b> & "c"');
  });
});

describe('the value axis', () => {
  it.each([
    [0, 1, [0, 1]],
    [3, 3, [0, 1, 2, 3]],
    [7, 8, [0, 2, 4, 6, 8]],
    [27, 30, [0, 10, 20, 30]],
    [140, 150, [0, 50, 100, 150]],
  ])('scales %i to a top of %i', (max, top, ticks) => {
    expect(niceScale(max)).toEqual({ max: top, ticks });
  });
});

describe('the PDF chart', () => {
  it('draws the same model as vectors into a PDF', async () => {
    const doc = new PDFDocument({ size: 'LETTER', layout: 'landscape' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => doc.on('end', resolve));
    drawPdfChart(
      doc,
      stacked,
      30,
      30,
      { width: 360, height: 240, fontSize: 8.5 },
      { regular: 'Helvetica', bold: 'Helvetica-Bold' },
    );
    doc.end();
    await done;
    const pdf = Buffer.concat(chunks);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1000);
  });
});
