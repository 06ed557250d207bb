/** The quote as an A4 PDF with pdfkit's built-in Helvetica (text stays extractable). */
import PDFDocument from 'pdfkit';
import {
  quoteContent,
  TITLE,
  DRAFT_MARKER,
  COLUMNS,
  SIGNATURE_FIELDS,
  type QuoteDocument,
} from './document.js';

/** Code points outside Latin-1 that WinAnsiEncoding still has (pdfkit's standard-font table). */
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018,
  0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a,
  0x20ac, 0x2122,
]);
const LOOKALIKE: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  ı: 'i',
  Ħ: 'H',
  ħ: 'h',
  '→': '->',
  '−': '-',
};

function winAnsiChar(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(cp);
}

/**
 * The built-in Helvetica only encodes WinAnsi; pdfkit would otherwise emit garbage bytes for
 * anything else, so fold accents away where possible and show "?" for the rest.
 */
function pdfText(s: string): string {
  let out = '';
  for (const ch of s.replace(/\r\n?/g, '\n')) {
    if (ch === '\n') out += ch;
    else if (ch === '\t') out += ' ';
    else if (winAnsiChar(ch)) out += ch;
    else if (LOOKALIKE[ch] !== undefined) out += LOOKALIKE[ch];
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += base && [...base].every(winAnsiChar) ? base : /\p{Cc}/u.test(ch) ? '' : '?';
    }
  }
  return out;
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const INK = '#111827';
const MUTED = '#6b7280';
const RULE = '#d1d5db';
const RED = '#b91c1c';
const MARGIN = 50;

type Pdf = PDFKit.PDFDocument;

function bottom(pdf: Pdf): number {
  return pdf.page.height - pdf.page.margins.bottom;
}

/** Start a new page when the next block would not fit on this one. */
function ensureRoom(pdf: Pdf, height: number): void {
  if (pdf.y + height > bottom(pdf)) {
    pdf.addPage();
    pdf.y = pdf.page.margins.top;
  }
}

function rule(pdf: Pdf, x1: number, x2: number, y: number, color = RULE, width = 0.75): void {
  pdf.save().lineWidth(width).strokeColor(color).moveTo(x1, y).lineTo(x2, y).stroke().restore();
}

/** A right-pointing arrow centred on `midY`: Helvetica has no "→" glyph. */
function arrow(pdf: Pdf, x: number, midY: number, width: number): void {
  pdf
    .save()
    .lineWidth(0.9)
    .strokeColor(INK)
    .fillColor(INK)
    .moveTo(x, midY)
    .lineTo(x + width - 3, midY)
    .stroke()
    .polygon([x + width - 4, midY - 2.6], [x + width, midY], [x + width - 4, midY + 2.6])
    .fill()
    .restore();
}

const ARROW_W = 12;
const ARROW_GAP = 4;

function changeWidth(pdf: Pdf, from: string, to: string): number {
  return pdf.widthOfString(from) + ARROW_GAP * 2 + ARROW_W + pdf.widthOfString(to);
}

/** Writes "from → to" on one line starting at x; the current font and size must be set. */
function drawChange(pdf: Pdf, x: number, y: number, from: string, to: string): void {
  const fromW = pdf.widthOfString(from);
  pdf.text(from, x, y, { lineBreak: false });
  // The arrow sits at the x-height's middle so it lines up with the digits.
  arrow(pdf, x + fromW + ARROW_GAP, y + pdf.currentLineHeight() * 0.45, ARROW_W);
  pdf.text(to, x + fromW + ARROW_GAP * 2 + ARROW_W, y, { lineBreak: false });
}

function drawQuote(pdf: Pdf, doc: QuoteDocument): void {
  const c = quoteContent(doc);
  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  const right = left + width;

  // Header: seller, title, draft marker.
  const top = pdf.page.margins.top;
  pdf.font(FONT).fontSize(10).fillColor(MUTED);
  pdf.text(pdfText(doc.seller), left, top, { width: width - 100 });
  pdf.font(BOLD).fontSize(22).fillColor(INK);
  pdf.text(TITLE, left, pdf.y + 2, { width: width - 100 });
  const headerBottom = pdf.y;
  if (c.draft) {
    pdf.font(BOLD).fontSize(14).fillColor(RED);
    const w = pdf.widthOfString(DRAFT_MARKER) + 16;
    const h = pdf.currentLineHeight() + 8;
    pdf
      .save()
      .lineWidth(1.5)
      .strokeColor(RED)
      .roundedRect(right - w, top, w, h, 3)
      .stroke();
    pdf.restore();
    pdf.text(DRAFT_MARKER, right - w + 8, top + 5, { lineBreak: false });
  }
  pdf.y = headerBottom + 8;
  rule(pdf, left, right, pdf.y, INK, 1.5);
  pdf.y += 14;

  // Facts, two to a row.
  const colGap = 24;
  const colW = (width - colGap) / 2;
  for (let i = 0; i < c.meta.length; i += 2) {
    const pair = c.meta.slice(i, i + 2);
    pdf.font(FONT).fontSize(10);
    const valueH = Math.max(
      ...pair.map(([, v]) => pdf.heightOfString(pdfText(v), { width: colW })),
    );
    ensureRoom(pdf, valueH + 14);
    const y = pdf.y;
    pair.forEach(([label, value], j) => {
      const x = left + j * (colW + colGap);
      pdf.font(FONT).fontSize(8).fillColor(MUTED);
      pdf.text(label.toUpperCase(), x, y, { width: colW, characterSpacing: 0.4 });
      pdf.font(FONT).fontSize(10).fillColor(INK);
      pdf.text(pdfText(value), x, y + 11, { width: colW });
    });
    pdf.y = y + 11 + valueH + 8;
  }

  // Line-item table: seats × price per seat per month × months = amount.
  pdf.y += 10;
  const cols: { w: number; align: 'left' | 'right' }[] = [
    { w: width - 60 - 120 - 55 - 110, align: 'left' },
    { w: 60, align: 'right' },
    { w: 120, align: 'right' },
    { w: 55, align: 'right' },
    { w: 110, align: 'right' },
  ];
  const xs = cols.map((_, i) => left + cols.slice(0, i).reduce((s, col) => s + col.w, 0));
  const pad = 4;
  pdf.font(BOLD).fontSize(8);
  const headH = Math.max(
    ...COLUMNS.map((h, i) => pdf.heightOfString(h.toUpperCase(), { width: cols[i]!.w - 2 * pad })),
  );
  const cells = [c.item.description, c.item.seats, c.item.unitPrice, c.item.months, c.item.amount];
  const descW = cols[0]!.w + cols[1]!.w + cols[2]!.w - 2 * pad;
  pdf.font(FONT).fontSize(10);
  const rowH = Math.max(
    ...cells.map((cell, i) => pdf.heightOfString(pdfText(cell), { width: cols[i]!.w - 2 * pad })),
  );
  pdf.fontSize(8.5);
  const notesH =
    c.itemNotes.reduce((s, n) => s + pdf.heightOfString(pdfText(n), { width: descW }) + 1, 0) +
    (c.seatChange ? pdf.currentLineHeight() + 1 : 0);
  // Header and the row move together so a page never ends under a lone table header.
  ensureRoom(pdf, headH + rowH + notesH + 24);
  let y = pdf.y;
  pdf.font(BOLD).fontSize(8);
  pdf.fillColor(MUTED);
  COLUMNS.forEach((h, i) => {
    pdf.text(h.toUpperCase(), xs[i]! + pad, y, {
      width: cols[i]!.w - 2 * pad,
      align: cols[i]!.align,
    });
  });
  y += headH + 4;
  rule(pdf, left, right, y);
  y += 6;

  pdf.font(FONT).fontSize(10).fillColor(INK);
  cells.forEach((cell, i) => {
    const opts = { width: cols[i]!.w - 2 * pad, align: cols[i]!.align };
    pdf.text(pdfText(cell), xs[i]! + pad, y, opts);
  });
  let noteY = y + rowH + 2;
  pdf.font(FONT).fontSize(8.5).fillColor('#4b5563');
  for (const note of c.itemNotes) {
    pdf.text(pdfText(note), left + pad, noteY, { width: descW });
    noteY = pdf.y + 1;
  }
  if (c.seatChange) {
    const label = `${c.seatChange.label} `;
    pdf.text(label, left + pad, noteY, { lineBreak: false });
    drawChange(
      pdf,
      left + pad + pdf.widthOfString(label),
      noteY,
      c.seatChange.from,
      c.seatChange.to,
    );
    noteY += pdf.currentLineHeight() + 1;
  }
  y = Math.max(y + rowH, noteY) + 6;
  rule(pdf, left, right, y);
  y += 8;

  // Subtotal, discount, total, per month: labels right-aligned against the amount column.
  const amountX = xs[4]!;
  const amountW = cols[4]!.w;
  for (const row of c.summary) {
    pdf.y = y;
    ensureRoom(pdf, 20);
    y = pdf.y;
    if (row.strong) {
      rule(pdf, xs[2]!, right, y - 3, INK, 1.2);
      y += 3;
    }
    pdf
      .font(row.strong ? BOLD : FONT)
      .fontSize(row.strong ? 11 : 10)
      .fillColor(INK);
    pdf.text(pdfText(row.label), left, y, { width: amountX - left - pad, align: 'right' });
    pdf.text(pdfText(row.value), amountX + pad, y, { width: amountW - 2 * pad, align: 'right' });
    y += pdf.currentLineHeight() + 6;
  }

  // ARR, current → new.
  pdf.y = y + 6;
  ensureRoom(pdf, 24);
  y = pdf.y;
  rule(pdf, left, right, y);
  y += 8;
  pdf.font(FONT).fontSize(10).fillColor(INK);
  pdf.text(c.arr.label, left, y, { lineBreak: false });
  const from = pdfText(c.arr.from);
  const to = pdfText(c.arr.to);
  drawChange(pdf, right - pad - changeWidth(pdf, from, to), y, from, to);
  pdf.y = y + pdf.currentLineHeight() + 16;

  if (c.notes) {
    const notes = pdfText(c.notes);
    pdf.font(FONT).fontSize(10);
    // Keep the heading with at least the first lines; long notes may then flow onto new pages.
    ensureRoom(pdf, 20 + Math.min(pdf.heightOfString(notes, { width }), 60));
    pdf.font(BOLD).fontSize(12).fillColor(INK).text('Notes', left, pdf.y, { width });
    pdf.moveDown(0.3);
    pdf.font(FONT).fontSize(10).text(notes, left, pdf.y, { width });
    pdf.moveDown(1.2);
  }

  // Signature block for the customer, kept on one page.
  pdf.font(BOLD).fontSize(12);
  const heading = pdfText(c.signatureHeading);
  const headingH = pdf.heightOfString(heading, { width });
  ensureRoom(pdf, headingH + 130);
  pdf.fillColor(INK).text(heading, left, pdf.y, { width });
  y = pdf.y + 36;
  pdf.font(FONT).fontSize(8).fillColor(MUTED);
  for (let i = 0; i < SIGNATURE_FIELDS.length; i += 2) {
    SIGNATURE_FIELDS.slice(i, i + 2).forEach((field, j) => {
      const x = left + j * (colW + colGap);
      rule(pdf, x, x + colW, y, INK, 0.75);
      pdf.text(field, x, y + 4, { width: colW });
    });
    y += 48;
  }
  pdf.y = y;
}

/** Quote number, draft marker and page count on every page, so loose pages stay attributable. */
function drawFooters(pdf: Pdf, doc: QuoteDocument, draft: boolean): void {
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const { margins } = pdf.page;
    const savedBottom = margins.bottom;
    // Writing inside the bottom margin would otherwise make pdfkit start another page.
    margins.bottom = 0;
    const parts = [`Quote ${doc.number}`, ...(draft ? [DRAFT_MARKER] : [])];
    parts.push(`Page ${i - range.start + 1} of ${range.count}`);
    pdf
      .font(FONT)
      .fontSize(8)
      .fillColor(MUTED)
      .text(pdfText(parts.join(' · ')), margins.left, pdf.page.height - savedBottom + 16, {
        width: pdf.page.width - margins.left - margins.right,
        align: 'center',
        lineBreak: false,
      });
    margins.bottom = savedBottom;
  }
}

/** An A4 PDF of the order form, in pdfkit's built-in Helvetica (no font files to ship). */
export function renderQuotePdf(doc: QuoteDocument): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    try {
      const pdf: Pdf = new PDFDocument({
        size: 'A4',
        margin: MARGIN,
        bufferPages: true,
        info: {
          Title: `${TITLE} ${doc.number}`,
          Author: doc.seller,
          Subject: `${TITLE} ${doc.number} for ${doc.customer}`,
        },
      });
      const chunks: Buffer[] = [];
      pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
      pdf.on('end', () => resolve(Buffer.concat(chunks)));
      pdf.on('error', reject);
      drawQuote(pdf, doc);
      drawFooters(pdf, doc, doc.status === 'draft');
      pdf.end();
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
