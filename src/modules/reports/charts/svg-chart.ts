import { layoutChart, type LayoutOptions, type Shape } from './chart-layout';
import { seriesStyle, type ChartModel, type MarkerKind, type PatternKind } from './chart-model';

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => (Math.round(v * 10) / 10).toString();

/** Pattern tiles drawn over a bar's colour, in white, so a bar reads by texture as well as hue. */
function patternDef(id: string, kind: PatternKind): string {
  const line = (d: string) => `<path d="${d}" stroke="#fff" stroke-width="1.6" fill="none"/>`;
  const body: Record<Exclude<PatternKind, 'solid'>, string> = {
    diagonal: line('M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4'),
    'back-diagonal': line('M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4'),
    dots: '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
    horizontal: line('M0,4 h8'),
    vertical: line('M4,0 v8'),
    crosshatch: line('M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4'),
    grid: line('M0,4 h8 M4,0 v8'),
  };
  return kind === 'solid'
    ? ''
    : `<pattern id="${id}" width="8" height="8" patternUnits="userSpaceOnUse">${body[kind]}</pattern>`;
}

/** A marker's outline as a path centred on (x, y); the same shapes the PDF draws. */
export function markerPath(kind: MarkerKind, x: number, y: number, r: number): { d: string; filled: boolean } {
  const poly = (pts: Array<[number, number]>) => `M${pts.map(([a, b]) => `${n(x + a)},${n(y + b)}`).join(' L')} Z`;
  switch (kind) {
    case 'circle':
    case 'circle-open':
      return {
        d: `M${n(x - r)},${n(y)} a${r},${r} 0 1,0 ${n(2 * r)},0 a${r},${r} 0 1,0 ${n(-2 * r)},0`,
        filled: kind === 'circle',
      };
    case 'square':
    case 'square-open':
      return {
        d: poly([
          [-r, -r],
          [r, -r],
          [r, r],
          [-r, r],
        ]),
        filled: kind === 'square',
      };
    case 'triangle':
      return {
        d: poly([
          [0, -r * 1.2],
          [r * 1.1, r * 0.8],
          [-r * 1.1, r * 0.8],
        ]),
        filled: true,
      };
    case 'triangle-down':
      return {
        d: poly([
          [0, r * 1.2],
          [r * 1.1, -r * 0.8],
          [-r * 1.1, -r * 0.8],
        ]),
        filled: true,
      };
    case 'diamond':
      return {
        d: poly([
          [0, -r * 1.3],
          [r * 1.1, 0],
          [0, r * 1.3],
          [-r * 1.1, 0],
        ]),
        filled: true,
      };
    case 'cross':
      return {
        d: poly([
          [-r, -r / 3],
          [-r / 3, -r / 3],
          [-r / 3, -r],
          [r / 3, -r],
          [r / 3, -r / 3],
          [r, -r / 3],
          [r, r / 3],
          [r / 3, r / 3],
          [r / 3, r],
          [-r / 3, r],
          [-r / 3, r / 3],
          [-r, r / 3],
        ]),
        filled: true,
      };
  }
}

function shapeSvg(s: Shape, prefix: string): string {
  switch (s.type) {
    case 'bar': {
      const rect = `x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}"`;
      const texture =
        s.pattern === 'solid' ? '' : `<rect ${rect} fill="url(#${prefix}-p${s.series})" aria-hidden="true"/>`;
      return `<g class="bar" data-series="${s.series}" data-category="${s.category}" data-value="${s.value}"><rect ${rect} fill="${s.colour}" stroke="#fff" stroke-width="0.8"><title>${escape(s.tooltip)}</title></rect>${texture}</g>`;
    }
    case 'line': {
      const stroke =
        s.role === 'grid'
          ? 'stroke="#d5d9de" stroke-width="1"'
          : s.role === 'leader'
            ? 'stroke="#8a9199" stroke-width="0.8"'
            : 'stroke="#444" stroke-width="1"';
      return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" ${stroke}/>`;
    }
    case 'polyline':
      return `<polyline class="series-line" data-series="${s.series}" points="${s.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`;
    case 'marker': {
      const m = markerPath(s.marker, s.x, s.y, 3.6);
      return `<path class="marker" data-series="${s.series}" d="${m.d}" fill="${m.filled ? s.colour : '#fff'}" stroke="${s.colour}" stroke-width="1.4"><title>${escape(s.tooltip)}</title></path>`;
    }
    case 'swatch': {
      const rect = `x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}"`;
      if (s.marker) {
        const m = markerPath(s.marker, s.x + s.w / 2, s.y + s.h / 2, 3.6);
        return `<g aria-hidden="true"><line x1="${n(s.x - 2)}" y1="${n(s.y + s.h / 2)}" x2="${n(s.x + s.w + 2)}" y2="${n(s.y + s.h / 2)}" stroke="${s.colour}" stroke-width="2.2"${s.series % 2 === 1 ? ' stroke-dasharray="3 2"' : ''}/><path d="${m.d}" fill="${m.filled ? s.colour : '#fff'}" stroke="${s.colour}" stroke-width="1.4"/></g>`;
      }
      return `<g aria-hidden="true"><rect ${rect} fill="${s.colour}"/>${s.pattern === 'solid' ? '' : `<rect ${rect} fill="url(#${prefix}-p${s.series})"/>`}</g>`;
    }
    case 'text': {
      const anchor = s.anchor === 'start' ? '' : ` text-anchor="${s.anchor}"`;
      const weight = s.bold ? ' font-weight="bold"' : '';
      const transform = s.rotate ? ` transform="rotate(${s.rotate} ${n(s.x)} ${n(s.y)})"` : '';
      const text = `<text class="${s.role}" x="${n(s.x)}" y="${n(s.y)}" font-size="${s.size}"${anchor}${weight}${transform}>${escape(s.text)}</text>`;
      if (!s.boxed) return text;
      const w = s.text.length * s.size * 0.62 + 4;
      return `<g aria-hidden="true"><rect x="${n(s.x - w / 2)}" y="${n(s.y - s.size * 0.95)}" width="${n(w)}" height="${n(s.size * 1.25)}" rx="2" fill="#fff" fill-opacity="0.9"/>${text}</g>`;
    }
  }
}

/**
 * The chart as an accessible SVG: `role="img"` named by its `<title>` and described by its `<desc>`,
 * labelled axes, a legend, patterns and direct labels beside colour, and a `<title>` on every bar
 * and point for pointer users. The table alternative is rendered beside it by the page.
 */
export function renderSvg(model: ChartModel, options: LayoutOptions): string {
  const layout = layoutChart(model, options);
  const prefix = `chart-${model.id}`;
  const defs =
    model.kind === 'stacked-bar'
      ? model.series.map((_, i) => patternDef(`${prefix}-p${i}`, seriesStyle(i).pattern)).join('')
      : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${model.kind}" id="${prefix}" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-labelledby="${prefix}-title ${prefix}-desc" font-family="DejaVu Sans, Verdana, sans-serif" fill="#1f2328">`,
    `<title id="${prefix}-title">${escape(model.title)}</title>`,
    `<desc id="${prefix}-desc">${escape(model.description)}</desc>`,
    defs ? `<defs>${defs}</defs>` : '',
    ...layout.shapes.map((s) => shapeSvg(s, prefix)),
    '</svg>',
  ].join('');
}
