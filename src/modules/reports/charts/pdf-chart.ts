import type PDFDocument from 'pdfkit';
import { layoutChart, type LayoutOptions, type Shape } from './chart-layout';
import type { ChartModel, PatternKind } from './chart-model';
import { markerPath } from './svg-chart';

type Doc = InstanceType<typeof PDFDocument>;

/** Fonts the drawing uses; the caller registers them on the document. */
export interface PdfFonts {
  regular: string;
  bold: string;
}

/** White strokes over a bar's colour, clipped to the bar: the PDF twin of the SVG pattern tiles. */
function drawPattern(doc: Doc, kind: PatternKind, x: number, y: number, w: number, h: number): void {
  if (kind === 'solid') return;
  doc.save();
  doc.rect(x, y, w, h).clip();
  doc.lineWidth(1.1).strokeColor('#ffffff');
  const step = 5;
  const diagonal = (dir: 1 | -1) => {
    for (let d = -h; d < w + h; d += step) {
      if (dir === 1) doc.moveTo(x + d, y + h).lineTo(x + d + h, y);
      else doc.moveTo(x + d, y).lineTo(x + d + h, y + h);
    }
  };
  if (kind === 'diagonal' || kind === 'crosshatch') diagonal(1);
  if (kind === 'back-diagonal' || kind === 'crosshatch') diagonal(-1);
  if (kind === 'horizontal' || kind === 'grid')
    for (let yy = y + step / 2; yy < y + h; yy += step) doc.moveTo(x, yy).lineTo(x + w, yy);
  if (kind === 'vertical' || kind === 'grid')
    for (let xx = x + step / 2; xx < x + w; xx += step) doc.moveTo(xx, y).lineTo(xx, y + h);
  doc.stroke();
  if (kind === 'dots') {
    for (let yy = y + step / 2; yy < y + h; yy += step)
      for (let xx = x + step / 2; xx < x + w; xx += step) doc.circle(xx, yy, 0.9);
    doc.fill('#ffffff');
  }
  doc.restore();
}

function drawShape(doc: Doc, s: Shape, fonts: PdfFonts): void {
  switch (s.type) {
    case 'bar':
      doc.rect(s.x, s.y, s.w, s.h).fill(s.colour);
      drawPattern(doc, s.pattern, s.x, s.y, s.w, s.h);
      doc.rect(s.x, s.y, s.w, s.h).lineWidth(0.6).stroke('#ffffff');
      return;
    case 'line':
      doc
        .moveTo(s.x1, s.y1)
        .lineTo(s.x2, s.y2)
        .lineWidth(s.role === 'grid' ? 0.5 : 0.7)
        .stroke(s.role === 'grid' ? '#d5d9de' : s.role === 'leader' ? '#8a9199' : '#444444');
      return;
    case 'polyline': {
      const [first, ...rest] = s.points;
      if (!first) return;
      doc.moveTo(first[0], first[1]);
      for (const [x, y] of rest) doc.lineTo(x, y);
      if (s.dashed) doc.dash(5, { space: 2.5 });
      doc.lineWidth(1.6).stroke(s.colour);
      doc.undash();
      return;
    }
    case 'marker': {
      const m = markerPath(s.marker, s.x, s.y, 2.6);
      doc
        .path(m.d)
        .lineWidth(1)
        .fillAndStroke(m.filled ? s.colour : '#ffffff', s.colour);
      return;
    }
    case 'swatch':
      if (s.marker) {
        doc
          .moveTo(s.x - 2, s.y + s.h / 2)
          .lineTo(s.x + s.w + 2, s.y + s.h / 2)
          .lineWidth(1.6);
        if (s.series % 2 === 1) doc.dash(2.5, { space: 1.5 });
        doc.stroke(s.colour).undash();
        const m = markerPath(s.marker, s.x + s.w / 2, s.y + s.h / 2, 2.6);
        doc
          .path(m.d)
          .lineWidth(1)
          .fillAndStroke(m.filled ? s.colour : '#ffffff', s.colour);
      } else {
        doc.rect(s.x, s.y, s.w, s.h).fill(s.colour);
        drawPattern(doc, s.pattern, s.x, s.y, s.w, s.h);
      }
      return;
    case 'text': {
      doc.font(s.bold ? fonts.bold : fonts.regular).fontSize(s.size);
      const w = doc.widthOfString(s.text);
      const x = s.anchor === 'start' ? s.x : s.anchor === 'middle' ? s.x - w / 2 : s.x - w;
      // PDFKit places text by its top; the layout gives baselines.
      const top = s.y - s.size * 0.8;
      if (s.boxed)
        doc
          .rect(x - 2, top - 1, w + 4, s.size * 1.2)
          .fillOpacity(0.9)
          .fill('#ffffff')
          .fillOpacity(1);
      doc.fillColor('#1f2328');
      if (s.rotate) {
        doc.save();
        doc.rotate(s.rotate, { origin: [s.x, s.y] });
        doc.text(s.text, s.x - w / 2, top, { lineBreak: false });
        doc.restore();
      } else doc.text(s.text, x, top, { lineBreak: false });
      return;
    }
  }
}

/** Draws the chart as vector shapes on `doc` with its top-left corner at (x, y). */
export function drawPdfChart(
  doc: Doc,
  model: ChartModel,
  x: number,
  y: number,
  options: LayoutOptions,
  fonts: PdfFonts,
): void {
  const layout = layoutChart(model, options);
  doc.save();
  doc.translate(x, y);
  for (const shape of layout.shapes) drawShape(doc, shape, fonts);
  doc.restore();
}
