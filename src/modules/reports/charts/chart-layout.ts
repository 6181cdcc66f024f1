import { seriesStyle, type ChartModel, type MarkerKind, type PatternKind } from './chart-model';

/**
 * Where everything in a chart goes, in points, as a flat list of shapes. Both renderers (SVG for the
 * page, PDFKit for the board PDF) only translate these shapes, so the geometry is decided once.
 */
export type Shape =
  | {
      type: 'bar';
      x: number;
      y: number;
      w: number;
      h: number;
      series: number;
      category: number;
      value: number;
      colour: string;
      pattern: PatternKind;
      tooltip: string;
    }
  | { type: 'line'; x1: number; y1: number; x2: number; y2: number; role: 'axis' | 'grid' | 'tick' | 'leader' }
  | { type: 'polyline'; points: Array<[number, number]>; series: number; colour: string; dashed: boolean }
  | { type: 'marker'; x: number; y: number; series: number; colour: string; marker: MarkerKind; tooltip: string }
  | {
      type: 'swatch';
      x: number;
      y: number;
      w: number;
      h: number;
      series: number;
      colour: string;
      pattern: PatternKind;
      marker: MarkerKind | null;
    }
  | {
      type: 'text';
      x: number;
      y: number;
      text: string;
      anchor: 'start' | 'middle' | 'end';
      size: number;
      bold?: boolean;
      rotate?: -90;
      role: 'tick' | 'axis-label' | 'value' | 'total' | 'legend' | 'direct-label';
      /** A white box behind the text, so a value stays legible over a patterned bar. */
      boxed?: boolean;
    };

export interface ChartLayout {
  width: number;
  height: number;
  shapes: Shape[];
  /** The value axis's top and its ticks (tests read them). */
  yMax: number;
  yTicks: number[];
}

export interface LayoutOptions {
  width: number;
  height: number;
  /** Base font size; the rest scales from it. */
  fontSize?: number;
}

/** DejaVu Sans averages a little over half an em per character: close enough to place labels. */
export const textWidth = (text: string, size: number) => text.length * size * 0.58;

/** A round top for the value axis and ticks at 1, 2 or 5 times a power of ten (counts are whole numbers). */
export function niceScale(max: number, maxTicks = 5): { max: number; ticks: number[] } {
  if (max <= 0) return { max: 1, ticks: [0, 1] };
  let step = 1;
  for (const power of [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]) {
    const found = [1, 2, 5].map((m) => m * power).find((s) => Math.ceil(max / s) <= maxTicks);
    if (found) {
      step = found;
      break;
    }
  }
  const top = Math.ceil(max / step) * step;
  return { max: top, ticks: Array.from({ length: top / step + 1 }, (_, i) => i * step) };
}

export function layoutChart(model: ChartModel, options: LayoutOptions): ChartLayout {
  const { width, height } = options;
  const size = options.fontSize ?? 12;
  const small = Math.round(size * 0.85 * 10) / 10;
  const shapes: Shape[] = [];
  const isLine = model.kind === 'line';

  // Legend first: it takes the rows it needs at the bottom, and the plot gets the rest.
  const swatch = size;
  const legendItems = model.series.map((s, i) => ({
    i,
    label: s.label,
    w: swatch + 6 + textWidth(s.label, small) + size * 1.4,
  }));
  const legendRows: Array<typeof legendItems> = [[]];
  let rowWidth = 0;
  for (const item of legendItems) {
    if (rowWidth + item.w > width - 8 && legendRows[legendRows.length - 1].length > 0) {
      legendRows.push([]);
      rowWidth = 0;
    }
    legendRows[legendRows.length - 1].push(item);
    rowWidth += item.w;
  }
  const legendLine = size * 1.5;
  const legendHeight = legendItems.length ? legendRows.length * legendLine + size * 0.5 : 0;

  const yScale = niceScale(
    Math.max(
      0,
      ...model.categories.map((_, c) =>
        isLine
          ? Math.max(0, ...model.series.map((s) => s.values[c] ?? 0))
          : model.series.reduce((n, s) => n + (s.values[c] ?? 0), 0),
      ),
    ),
  );
  const tickLabelWidth = Math.max(...yScale.ticks.map((t) => textWidth(String(t), small)));
  const hasGroups = model.categories.some((c) => c.group);
  const directLabelWidth = isLine
    ? Math.min(
        width * 0.3,
        Math.max(...model.series.map((s) => textWidth(`${s.label} ${s.values[s.values.length - 1] ?? 0}`, small))) + 14,
      )
    : 0;
  const left = size * 1.6 + tickLabelWidth + 8;
  const right = isLine ? directLabelWidth : size;
  const top = size * 1.4;
  const bottom = size * (hasGroups ? 4.2 : 3.2);
  const plot = { x0: left, x1: width - right, y0: top, y1: height - bottom - legendHeight };
  const plotH = plot.y1 - plot.y0;
  const yOf = (v: number) => plot.y1 - (v / yScale.max) * plotH;

  // Grid and value axis.
  for (const t of yScale.ticks) {
    const y = yOf(t);
    shapes.push({ type: 'line', x1: plot.x0, y1: y, x2: plot.x1, y2: y, role: t === 0 ? 'axis' : 'grid' });
    shapes.push({
      type: 'text',
      x: plot.x0 - 6,
      y: y + small * 0.35,
      text: String(t),
      anchor: 'end',
      size: small,
      role: 'tick',
    });
  }
  shapes.push({ type: 'line', x1: plot.x0, y1: plot.y0, x2: plot.x0, y2: plot.y1, role: 'axis' });
  shapes.push({
    type: 'text',
    x: size,
    y: (plot.y0 + plot.y1) / 2,
    text: model.yLabel,
    anchor: 'middle',
    size: small,
    rotate: -90,
    role: 'axis-label',
  });

  // Categories along the bottom.
  const band = (plot.x1 - plot.x0) / Math.max(1, model.categories.length);
  const centre = (c: number) => plot.x0 + band * (c + 0.5);
  model.categories.forEach((cat, c) => {
    shapes.push({ type: 'line', x1: centre(c), y1: plot.y1, x2: centre(c), y2: plot.y1 + 4, role: 'tick' });
    shapes.push({
      type: 'text',
      x: centre(c),
      y: plot.y1 + 6 + small,
      text: cat.label,
      anchor: 'middle',
      size: small,
      role: 'tick',
    });
    if (cat.group)
      shapes.push({
        type: 'text',
        x: centre(c),
        y: plot.y1 + 8 + small * 2,
        text: cat.group,
        anchor: 'middle',
        size: small,
        bold: true,
        role: 'tick',
      });
  });
  shapes.push({
    type: 'text',
    x: (plot.x0 + plot.x1) / 2,
    y: plot.y1 + bottom - size * 0.6,
    text: model.xLabel,
    anchor: 'middle',
    size: small,
    role: 'axis-label',
  });

  if (isLine) layoutLines(model, shapes, { centre, yOf, plot, small });
  else layoutStacks(model, shapes, { centre, yOf, band, small });

  // Legend rows, centred under the plot.
  legendRows.forEach((row, r) => {
    const rowW = row.reduce((n, item) => n + item.w, 0) - size * 1.4;
    let x = Math.max(4, (width - rowW) / 2);
    const y = height - legendHeight + r * legendLine + size * 0.3;
    for (const item of row) {
      const style = seriesStyle(item.i);
      shapes.push({
        type: 'swatch',
        x,
        y,
        w: swatch,
        h: swatch,
        series: item.i,
        colour: style.colour,
        pattern: isLine ? 'solid' : style.pattern,
        marker: isLine ? style.marker : null,
      });
      shapes.push({
        type: 'text',
        x: x + swatch + 6,
        y: y + swatch * 0.85,
        text: item.label,
        anchor: 'start',
        size: small,
        role: 'legend',
      });
      x += item.w;
    }
  });

  return { width, height, shapes, yMax: yScale.max, yTicks: yScale.ticks };
}

function layoutStacks(
  model: ChartModel,
  shapes: Shape[],
  g: { centre: (c: number) => number; yOf: (v: number) => number; band: number; small: number },
): void {
  const barW = Math.min(g.band * 0.7, 56);
  model.categories.forEach((cat, c) => {
    let base = 0;
    const x = g.centre(c) - barW / 2;
    model.series.forEach((s, i) => {
      const value = s.values[c] ?? 0;
      if (value <= 0) return;
      const style = seriesStyle(i);
      const y = g.yOf(base + value);
      const h = g.yOf(base) - y;
      shapes.push({
        type: 'bar',
        x,
        y,
        w: barW,
        h,
        series: i,
        category: c,
        value,
        colour: style.colour,
        pattern: style.pattern,
        tooltip: `${cat.longLabel ?? cat.label}, ${s.label}: ${value}`,
      });
      // A segment tall and wide enough carries its own number, so the reader need not estimate it.
      if (h >= g.small * 1.5 && barW >= textWidth(String(value), g.small) + 4)
        shapes.push({
          type: 'text',
          x: g.centre(c),
          y: y + h / 2 + g.small * 0.35,
          text: String(value),
          anchor: 'middle',
          size: g.small,
          role: 'value',
          boxed: true,
        });
      base += value;
    });
    if (base > 0)
      shapes.push({
        type: 'text',
        x: g.centre(c),
        y: g.yOf(base) - 4,
        text: String(base),
        anchor: 'middle',
        size: g.small,
        bold: true,
        role: 'total',
      });
  });
}

function layoutLines(
  model: ChartModel,
  shapes: Shape[],
  g: {
    centre: (c: number) => number;
    yOf: (v: number) => number;
    plot: { x1: number; y0: number; y1: number };
    small: number;
  },
): void {
  const ends: Array<{ i: number; y: number; text: string; colour: string }> = [];
  model.series.forEach((s, i) => {
    const style = seriesStyle(i);
    const points = model.categories.map((_, c) => [g.centre(c), g.yOf(s.values[c] ?? 0)] as [number, number]);
    // Alternate solid and dashed lines: a second cue beside colour and marker shape.
    shapes.push({ type: 'polyline', points, series: i, colour: style.colour, dashed: i % 2 === 1 });
    points.forEach(([x, y], c) =>
      shapes.push({
        type: 'marker',
        x,
        y,
        series: i,
        colour: style.colour,
        marker: style.marker,
        tooltip: `${model.categories[c].longLabel ?? model.categories[c].label}, ${s.label}: ${s.values[c] ?? 0}`,
      }),
    );
    const last = points[points.length - 1];
    if (last)
      ends.push({
        i,
        y: last[1] + g.small * 0.35,
        text: `${s.label} ${s.values[s.values.length - 1] ?? 0}`,
        colour: style.colour,
      });
  });
  // Direct labels at the line ends, pushed apart where lines finish close together.
  const gap = g.small * 1.25;
  ends.sort((a, b) => a.y - b.y);
  for (let k = 1; k < ends.length; k++) if (ends[k].y - ends[k - 1].y < gap) ends[k].y = ends[k - 1].y + gap;
  // Labels pushed below the axis come back up, pushing only the ones they would then overlap.
  const bottom = g.plot.y1 + g.small * 0.35;
  if (ends.length && ends[ends.length - 1].y > bottom) ends[ends.length - 1].y = bottom;
  for (let k = ends.length - 2; k >= 0; k--) if (ends[k + 1].y - ends[k].y < gap) ends[k].y = ends[k + 1].y - gap;
  const lastX = g.centre(model.categories.length - 1);
  for (const e of ends) {
    const lineEnd = model.series[e.i].values.length
      ? g.yOf(model.series[e.i].values[model.series[e.i].values.length - 1])
      : e.y;
    shapes.push({ type: 'line', x1: lastX + 5, y1: lineEnd, x2: lastX + 12, y2: e.y - g.small * 0.35, role: 'leader' });
    shapes.push({
      type: 'text',
      x: lastX + 14,
      y: e.y,
      text: e.text,
      anchor: 'start',
      size: g.small,
      role: 'direct-label',
    });
  }
}
