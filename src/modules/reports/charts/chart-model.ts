/**
 * A chart as data: what it says (title, description, axes, categories, series), independent of how
 * it is drawn. The dashboard page draws it as SVG and the board PDF draws the very same model with
 * PDFKit, both from one layout (chart-layout.ts), so paper and screen cannot disagree.
 */
export interface ChartSeries {
  key: string;
  label: string;
  values: number[];
}

export interface ChartModel {
  /** Stacked bars (one bar per category, one segment per series), or one line per series. */
  kind: 'stacked-bar' | 'line';
  /** Unique within a page: ids of the title and description elements derive from it. */
  id: string;
  title: string;
  description: string;
  xLabel: string;
  yLabel: string;
  /**
   * `group` is a second line under the label where a new group starts (the year under January);
   * `longLabel` names the category on its own (in tooltips and the table), e.g. "Dec 2025".
   */
  categories: Array<{ key: string; label: string; group?: string; longLabel?: string }>;
  series: ChartSeries[];
}

/**
 * Colours from the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies),
 * each paired with a fill pattern and a marker shape so colour is never the only cue.
 */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#7F6A00',
  '#333333',
] as const;
export const PATTERNS = [
  'solid',
  'diagonal',
  'dots',
  'horizontal',
  'crosshatch',
  'vertical',
  'back-diagonal',
  'grid',
] as const;
export type PatternKind = (typeof PATTERNS)[number];
export const MARKERS = [
  'circle',
  'square',
  'triangle',
  'diamond',
  'triangle-down',
  'cross',
  'circle-open',
  'square-open',
] as const;
export type MarkerKind = (typeof MARKERS)[number];

export interface SeriesStyle {
  colour: string;
  pattern: PatternKind;
  marker: MarkerKind;
}

/** Series n's colour, pattern and marker; beyond eight, combinations of colour and pattern keep series apart. */
export function seriesStyle(n: number): SeriesStyle {
  return {
    colour: PALETTE[n % PALETTE.length],
    pattern: PATTERNS[(n + Math.floor(n / PALETTE.length)) % PATTERNS.length],
    marker: MARKERS[n % MARKERS.length],
  };
}

/** The chart's numbers as a table (categories as rows, series as columns, plus a total for stacked bars): the text alternative beside each chart. */
export function chartTable(model: ChartModel): { head: string[]; rows: Array<{ label: string; cells: number[] }> } {
  const stacked = model.kind === 'stacked-bar';
  return {
    head: [model.xLabel, ...model.series.map((s) => s.label), ...(stacked ? ['Total'] : [])],
    rows: model.categories.map((c, i) => {
      const label = c.longLabel ?? c.label;
      const cells = model.series.map((s) => s.values[i] ?? 0);
      return { label, cells: stacked ? [...cells, cells.reduce((a, b) => a + b, 0)] : cells };
    }),
  };
}
