import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { quoteFileName, type QuoteDocument } from './document.js';
import { renderQuoteHtml } from './document-html.js';
import { renderQuotePdf } from './document-pdf.js';
import { quoteTotals, type QuoteInput } from './quote.js';

/** A quote priced by the real arithmetic, so the documents are checked against real numbers. */
function quote(input: QuoteInput, rest: Partial<QuoteDocument> = {}): QuoteDocument {
  const totals = quoteTotals(input);
  const previousSeats = rest.previousSeats === undefined ? 20 : rest.previousSeats;
  return {
    number: 'Q-0042',
    status: 'draft',
    issuedOn: '2026-11-02',
    validUntil: '2026-12-02',
    seller: 'Tenure Software Ltd',
    customer: 'Acme Corp',
    plan: 'Growth',
    currency: 'USD',
    termStart: '2027-01-01',
    termEnd: '2027-12-31',
    currentArrMinor: input.unitMinor * (previousSeats ?? input.seats) * 12,
    newArrMinor: Math.round((totals.totalMinor * 12) / input.termMonths),
    notes: 'Prices exclude VAT.\nPayment within 30 days of invoice.',
    ...input,
    ...totals,
    ...rest,
    previousSeats,
  };
}

// 25 seats at 49.99 → 52.49 after a 5 % uplift, 12 months, 10 % off: 14,172.30 USD.
const usd = quote({ unitMinor: 4999, seats: 25, termMonths: 12, upliftBp: 500, discountBp: 1000 });

/** Every page's text as pdfjs extracts it, whitespace collapsed. */
async function pdfText(pdf: Buffer): Promise<string> {
  // A copy: pdfjs takes ownership of the bytes it is given.
  const task = getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    return pages.join(' ').replace(/\s+/g, ' ');
  } finally {
    await doc.destroy();
  }
}

/** The HTML as a reader sees it: tags dropped, entities decoded, whitespace collapsed. */
function htmlText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('renewal quote PDF', () => {
  it('is an A4 PDF with the quote, its prices and a draft marker, as extractable text', async () => {
    expect(usd.totalMinor).toBe(1_417_230);
    const pdf = await renderQuotePdf(usd);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);

    const text = await pdfText(pdf);
    expect(text).toContain('Renewal order form');
    expect(text).toContain('Q-0042');
    expect(text).toContain('Acme Corp');
    expect(text).toContain('Tenure Software Ltd');
    expect(text).toMatch(/Renewal order form DRAFT QUOTE NUMBER/);
    expect(text).toContain('Quote Q-0042 · DRAFT · Page 1 of 1');
    expect(text).toContain('Total 14,172.30 USD');
    expect(text).toContain('Subtotal 15,747.00 USD');
    expect(text).toContain('Discount 10% -1,574.70 USD');
    expect(text).toContain('52.49 USD');
    expect(text).toContain('Uplift 5% on 49.99 USD per seat per month');
    // The arrow is drawn, not a glyph, so the two seat counts stand either side of a gap.
    expect(text).toMatch(/Seats 20 ?25/);
    expect(text).toContain('Per-month equivalent 1,181.03 USD');
    expect(text).toMatch(/Annual recurring revenue 11,997\.60 USD ?14,172\.30 USD/);
    expect(text).toContain('2027-01-01 – 2027-12-31, 12 months');
    expect(text).toContain('Prices exclude VAT.');
    expect(text).toContain('Accepted for Acme Corp');
    for (const field of ['Signature', 'Name', 'Title', 'Date']) expect(text).toContain(field);
  });

  it('prints yen without decimals and leaves out what does not apply', async () => {
    const jpy = quote(
      { unitMinor: 1200, seats: 50, termMonths: 12, upliftBp: 300, discountBp: 0 },
      { currency: 'JPY', status: 'sent', previousSeats: 50, notes: null, customer: 'Kaito KK' },
    );
    const text = await pdfText(await renderQuotePdf(jpy));
    expect(text).toContain('Total 741,600 JPY');
    expect(text).toContain('Uplift 3% on 1,200 JPY per seat per month');
    expect(text).toContain('1,236 JPY');
    expect(text).not.toMatch(/\d\.\d+ JPY/);
    expect(text).not.toContain('DRAFT');
    expect(text).not.toContain('Discount');
    expect(text).not.toMatch(/Seats 50/i);
    expect(text).not.toContain('Notes');
    expect(text).toContain('Sent');
  });

  it('keeps names outside the built-in font readable instead of emitting garbage', async () => {
    const text = await pdfText(
      await renderQuotePdf({ ...usd, customer: 'Łódź Café → Ünited 株式会社' }),
    );
    // ó and Ü are in WinAnsi; Ł, ź and → fold to look-alikes; kanji have no glyph at all.
    expect(text).toContain('CUSTOMER Lódz Café -> Ünited ????');
  });

  it('flows long notes onto further pages and numbers every page', async () => {
    const notes = Array.from({ length: 120 }, (_, i) => `Clause ${i + 1}: terms apply.`).join('\n');
    const text = await pdfText(await renderQuotePdf({ ...usd, notes }));
    expect(text).toContain('Clause 120: terms apply.');
    expect(text).toMatch(/Quote Q-0042 · DRAFT · Page 1 of ([2-9])/);
    const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text.indexOf('Accepted for Acme Corp')).toBeGreaterThan(text.indexOf('Clause 120'));
  });
});

describe('renewal quote HTML', () => {
  it('is a standalone page with the same facts in the same words as the PDF', () => {
    const html = renderQuoteHtml(usd);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<(script|link|img)\b/);
    const text = htmlText(html);
    for (const phrase of [
      'Renewal order form',
      'Q-0042',
      'DRAFT',
      'Issued 2026-11-02',
      'Valid until 2026-12-02',
      'Acme Corp',
      'Tenure Software Ltd',
      'Term 2027-01-01 – 2027-12-31, 12 months',
      'Uplift 5% on 49.99 USD per seat per month',
      'Seats 20 → 25',
      '52.49 USD',
      'Subtotal 15,747.00 USD',
      'Discount 10% -1,574.70 USD',
      'Total 14,172.30 USD',
      'Per-month equivalent 1,181.03 USD',
      'Annual recurring revenue 11,997.60 USD → 14,172.30 USD',
      'Prices exclude VAT.',
      'Accepted for Acme Corp',
    ])
      expect(text).toContain(phrase);
  });

  it('escapes every interpolated value', () => {
    const evil = '<script>alert(1)</script> & Co';
    const html = renderQuoteHtml({
      ...usd,
      customer: evil,
      plan: '"><img src=x onerror=alert(2)>',
      notes: "</style><b>it's</b>",
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).toContain('&lt;/style&gt;&lt;b&gt;it&#39;s&lt;/b&gt;');
    expect(htmlText(html)).toContain(`Accepted for ${evil}`);
  });

  it('shows fractional percentages from basis points and three-decimal currencies', () => {
    const kwd = quote(
      { unitMinor: 15_000, seats: 10, termMonths: 6, upliftBp: 1250, discountBp: 250 },
      { currency: 'KWD', status: 'signed', previousSeats: null },
    );
    const text = htmlText(renderQuoteHtml(kwd));
    expect(text).toContain('Uplift 12.5% on 15.000 KWD per seat per month');
    expect(text).toContain('Discount 2.5% -');
    expect(text).toContain('Term 2027-01-01 – 2027-12-31, 6 months');
    expect(text).toContain('16.875 KWD');
    expect(text).not.toContain('DRAFT');
    expect(text).not.toContain('→ 10');
  });
});

describe('quote file name', () => {
  it('is the number and the slugified customer', () => {
    expect(quoteFileName(usd)).toBe('quote-Q-0042-acme-corp.pdf');
    expect(quoteFileName({ ...usd, customer: 'Société Générale / R&D ' })).toBe(
      'quote-Q-0042-societe-generale-r-d.pdf',
    );
    expect(quoteFileName({ ...usd, number: 'Q/../9', customer: '株式会社' })).toBe(
      'quote-Q-9-customer.pdf',
    );
  });
});
