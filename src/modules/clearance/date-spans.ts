import { addDays, type IsoDate } from '../../common/dates';

/**
 * Spans of calendar days, the algebra clearance is worked out in: a credential counts over a span,
 * supervision over the overlap of two, and a requirement stays met to the end of the joined-up span
 * that holds the date asked about.
 */

/** A span of calendar days, both ends included; `to: null` runs on with no end. */
export interface Span {
  from: IsoDate;
  to: IsoDate | null;
}

/** The earlier of two last days, where null is "no end". */
export const earlier = (a: IsoDate | null, b: IsoDate | null): IsoDate | null =>
  a === null ? b : b === null ? a : a < b ? a : b;

/** The later of two last days, where null is "no end". */
export const later = (a: IsoDate | null, b: IsoDate | null): IsoDate | null =>
  a === null || b === null ? null : a > b ? a : b;

/** Joins spans that overlap or touch, so a renewal issued before the old one ran out reads as one stretch. Empty spans drop out. */
export function merge(spans: Span[]): Span[] {
  const sorted = spans
    .filter((s) => s.to === null || s.to >= s.from)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last && (last.to === null || addDays(last.to, 1) >= span.from))
      last.to = last.to === null || span.to === null ? null : later(last.to, span.to);
    else out.push({ ...span });
  }
  return out;
}

/** The span of already-merged spans that holds `date`. */
export function covering(merged: Span[], date: IsoDate): Span | undefined {
  return merged.find((s) => s.from <= date && (s.to === null || date <= s.to));
}

/** The days two spans share, or null when they share none. */
export function intersect(a: Span, b: Span): Span | null {
  const from = a.from > b.from ? a.from : b.from;
  const to = earlier(a.to, b.to);
  return to !== null && to < from ? null : { from, to };
}

/** A span with the days from `from` through `until` (no end while `until` is null) cut out: none, one or two pieces. */
export function without(span: Span, from: IsoDate | null | undefined, until: IsoDate | null | undefined): Span[] {
  if (!from) return [span];
  const before = intersect(span, { from: span.from, to: addDays(from, -1) });
  const after = until ? intersect(span, { from: addDays(until, 1), to: span.to }) : null;
  return [before, after].filter((s): s is Span => s !== null && (s.to === null || s.to >= s.from));
}
