import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { formatDate } from '../../common/dates';
import { drawPdfChart, type PdfFonts } from './charts/pdf-chart';
import type { Dashboard } from './dashboard.service';

type Doc = InstanceType<typeof PDFDocument>;

let fontFiles: { regular: Buffer; bold: Buffer } | null = null;
/** DejaVu Sans from the dejavu-fonts-ttf package, read once per process. */
function fonts(): { regular: Buffer; bold: Buffer } {
  fontFiles ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fontFiles;
}

const FONTS: PdfFonts = { regular: 'Sans', bold: 'Sans-Bold' };
const INK = '#1f2328';
const MUTED = '#57606a';

/** A figure in a box: the number large, what it counts small beneath it. */
function tile(
  doc: Doc,
  x: number,
  y: number,
  w: number,
  value: string,
  label: string,
  tone: 'plain' | 'warn' | 'bad' = 'plain',
): void {
  const border = tone === 'bad' ? '#b42318' : tone === 'warn' ? '#b54708' : '#d0d7de';
  doc
    .roundedRect(x, y, w, 46, 4)
    .lineWidth(tone === 'plain' ? 0.7 : 1.4)
    .stroke(border);
  doc
    .font(FONTS.bold)
    .fontSize(17)
    .fillColor(INK)
    .text(value, x + 8, y + 5, { width: w - 16, lineBreak: false });
  doc
    .font(FONTS.regular)
    .fontSize(7.5)
    .fillColor(MUTED)
    .text(label, x + 8, y + 27, { width: w - 16, height: 18, ellipsis: true });
}

/** A small table: header row bold, numbers right-aligned. */
function table(
  doc: Doc,
  x: number,
  y: number,
  widths: number[],
  head: string[],
  rows: Array<Array<string | number>>,
): number {
  const rowH = 12;
  const cell = (text: string | number, col: number, yy: number, bold: boolean) => {
    const cx = x + widths.slice(0, col).reduce((a, b) => a + b, 0);
    doc
      .font(bold ? FONTS.bold : FONTS.regular)
      .fontSize(7.5)
      .fillColor(INK)
      .text(String(text), cx + 2, yy + 2, {
        width: widths[col] - 4,
        align: typeof text === 'number' || col > 0 ? 'right' : 'left',
        lineBreak: false,
        ellipsis: true,
      });
  };
  head.forEach((h, c) => cell(h, c, y, true));
  const total = widths.reduce((a, b) => a + b, 0);
  doc
    .moveTo(x, y + rowH)
    .lineTo(x + total, y + rowH)
    .lineWidth(0.6)
    .stroke('#8c959f');
  rows.forEach((r, i) => r.forEach((v, c) => cell(v, c, y + rowH * (i + 1) + 1, false)));
  return y + rowH * (rows.length + 1) + 4;
}

/**
 * The dashboard on one landscape Letter page for a board meeting: the headline figures, the two
 * charts drawn as vectors from the same chart models as the page, and the training pipeline.
 */
export function writeDashboardPdf(d: Dashboard, orgName: string, out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      layout: 'landscape',
      margin: 30,
      info: { Title: `Program dashboard, ${formatDate(d.date)}`, Author: orgName },
    });
    const f = fonts();
    doc.registerFont(FONTS.regular, f.regular);
    doc.registerFont(FONTS.bold, f.bold);
    out.on('finish', resolve);
    out.on('error', reject);
    doc.on('error', reject);
    doc.pipe(out);

    const left = 30;
    const width = doc.page.width - 60;
    doc
      .font(FONTS.bold)
      .fontSize(16)
      .fillColor(INK)
      .text(`${orgName}: program dashboard`, left, 26, { lineBreak: false });
    doc
      .font(FONTS.regular)
      .fontSize(9)
      .fillColor(MUTED)
      .text(
        `As of ${formatDate(d.date)} · ${d.scope === 'program' ? 'whole program' : 'your team'} · ${d.peers} active peers`,
        left,
        46,
        { lineBreak: false },
      );

    doc
      .font(FONTS.regular)
      .fontSize(8.5)
      .fillColor(INK)
      .text(d.story.join(' '), left, 60, { width, height: 22, ellipsis: true });
    const tiles: Array<[string, string, 'plain' | 'warn' | 'bad']> = [
      [String(d.expiring.in30), 'credentials expiring within 30 days', d.expiring.in30 ? 'warn' : 'plain'],
      [String(d.expiring.in60), 'expiring within 60 days', 'plain'],
      [String(d.expiring.in90), 'expiring within 90 days', 'plain'],
      [String(d.lapsed), 'lapsed, in grace period (renew now)', d.lapsed ? 'bad' : 'plain'],
      [String(d.expiredLastYear), 'expired in the last year, not renewed', 'plain'],
      [
        String(d.supervisionGap.peers),
        `peers with no supervision in ${d.supervisionGap.days} days`,
        d.supervisionGap.peers ? 'warn' : 'plain',
      ],
    ];
    const tileW = (width - 5 * 8) / 6;
    tiles.forEach(([v, l, tone], i) => tile(doc, left + i * (tileW + 8), 84, tileW, v, l, tone));

    const chartTop = 140;
    const chartW = (width - 16) / 2;
    const chartH = 262;
    for (const [i, model] of [d.charts.expirations, d.charts.cleared].entries()) {
      const x = left + i * (chartW + 16);
      doc
        .font(FONTS.bold)
        .fontSize(10)
        .fillColor(INK)
        .text(model.title, x, chartTop, { width: chartW, lineBreak: false, ellipsis: true });
      drawPdfChart(doc, model, x, chartTop + 14, { width: chartW, height: chartH, fontSize: 8.5 }, FONTS);
    }

    const bottom = chartTop + 14 + chartH + 12;
    doc
      .font(FONTS.bold)
      .fontSize(10)
      .fillColor(INK)
      .text('Cleared to practise today', left, bottom, { lineBreak: false });
    table(
      doc,
      left,
      bottom + 14,
      [190, 60],
      ['Practice role', 'Peers'],
      d.clearedToday.map((r) => [r.name, r.cleared]),
    );
    const px = left + 290;
    doc.font(FONTS.bold).fontSize(10).fillColor(INK).text('Training pipeline', px, bottom, { lineBreak: false });
    table(
      doc,
      px,
      bottom + 14,
      [200, 70, 70, 92],
      ['Course', 'Enrolled', 'In progress', 'Completed (12 mo.)'],
      d.pipeline.slice(0, 9).map((c) => [`${c.code} ${c.title}`, c.enrolled, c.inProgress, c.completed]),
    );
    doc.end();
  });
}
