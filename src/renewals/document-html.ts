/** The quote as a standalone HTML page: inline CSS, print-friendly, readable on a phone. */
import {
  quoteContent,
  TITLE,
  DRAFT_MARKER,
  COLUMNS,
  SIGNATURE_FIELDS,
  type QuoteDocument,
  type Change,
} from './document.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function changeHtml(c: Change): string {
  return `${esc(c.from)} → ${esc(c.to)}`;
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#111827;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
.sheet{max-width:210mm;margin:24px auto;padding:40px;background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.12)}
header{display:flex;flex-wrap:wrap;align-items:flex-start;justify-content:space-between;gap:8px 16px;border-bottom:2px solid #111827;padding-bottom:12px}
.seller{margin:0;font-weight:600;color:#374151}
h1{margin:0;font-size:26px;line-height:1.2}
h2{font-size:16px;margin:28px 0 8px}
.draft{display:inline-block;border:2px solid #b91c1c;color:#b91c1c;font-weight:700;letter-spacing:.15em;padding:2px 10px;border-radius:4px}
.meta{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px 24px;margin:20px 0}
.meta div{min-width:0}
.meta dt{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#6b7280}
.meta dd{margin:0;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;margin-top:8px}
th,td{padding:8px 6px;text-align:left;vertical-align:top}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#6b7280;border-bottom:1px solid #d1d5db}
tbody td{border-bottom:1px solid #d1d5db;overflow-wrap:anywhere}
.num{text-align:right;white-space:nowrap}
.sub{margin:4px 0 0;padding:0;list-style:none;font-size:13px;color:#4b5563}
tfoot th{font-weight:400;text-align:right}
tfoot .strong th,tfoot .strong td{font-weight:700;border-top:2px solid #111827}
.arr{margin:16px 0 0;display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 16px;border-top:1px solid #d1d5db;padding-top:10px}
.notes{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.signature{break-inside:avoid;page-break-inside:avoid}
.fields{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:32px 24px;margin-top:24px}
.field{border-top:1px solid #111827;padding-top:4px;font-size:12px;color:#6b7280;margin-top:28px}
@media (max-width:600px){
  .sheet{margin:0;padding:20px 16px;box-shadow:none}
  .meta,.fields{grid-template-columns:1fr}
  thead{display:none}
  tbody tr,tbody td{display:block;border:0;padding:2px 0}
  tbody tr{border-bottom:1px solid #d1d5db;padding-bottom:8px}
  tbody td[data-label]{display:flex;justify-content:space-between;gap:16px}
  tbody td[data-label]::before{content:attr(data-label);color:#6b7280}
  tfoot th{text-align:left}
}
@page{size:A4;margin:16mm}
@media print{
  body{background:#fff;font-size:11pt}
  .sheet{max-width:none;margin:0;padding:0;box-shadow:none}
  .draft{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  tr{break-inside:avoid}
}
`;

export function renderQuoteHtml(doc: QuoteDocument): string {
  const c = quoteContent(doc);
  const meta = c.meta
    .map(([label, value]) => `<div><dt>${esc(label)}</dt><dd>${esc(value)}</dd></div>`)
    .join('');
  const subs = [
    ...c.itemNotes.map((n) => `<li>${esc(n)}</li>`),
    ...(c.seatChange ? [`<li>${esc(c.seatChange.label)} ${changeHtml(c.seatChange)}</li>`] : []),
  ];
  const [, seatsCol, priceCol, monthsCol, amountCol] = COLUMNS;
  const item = [
    `<td>${esc(c.item.description)}${subs.length ? `<ul class="sub">${subs.join('')}</ul>` : ''}</td>`,
    `<td class="num" data-label="${esc(seatsCol)}">${esc(c.item.seats)}</td>`,
    `<td class="num" data-label="${esc(priceCol)}">${esc(c.item.unitPrice)}</td>`,
    `<td class="num" data-label="${esc(monthsCol)}">${esc(c.item.months)}</td>`,
    `<td class="num" data-label="${esc(amountCol)}">${esc(c.item.amount)}</td>`,
  ].join('');
  const summary = c.summary
    .map(
      (r) =>
        `<tr${r.strong ? ' class="strong"' : ''}><th scope="row" colspan="4">${esc(r.label)}</th><td class="num">${esc(r.value)}</td></tr>`,
    )
    .join('');
  const fields = SIGNATURE_FIELDS.map((f) => `<div class="field">${esc(f)}</div>`).join('');
  const title = `${TITLE} ${doc.number} – ${doc.customer}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="sheet">
<header>
<div><p class="seller">${esc(doc.seller)}</p><h1>${esc(TITLE)}</h1></div>
${c.draft ? `<p class="draft">${DRAFT_MARKER}</p>` : ''}
</header>
<dl class="meta">${meta}</dl>
<table>
<thead><tr>${COLUMNS.map((h, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>
<tbody><tr>${item}</tr></tbody>
<tfoot>${summary}</tfoot>
</table>
<p class="arr"><span>${esc(c.arr.label)}</span><span>${changeHtml(c.arr)}</span></p>
${c.notes ? `<section><h2>Notes</h2><p class="notes">${esc(c.notes)}</p></section>` : ''}
<section class="signature">
<h2>${esc(c.signatureHeading)}</h2>
<div class="fields">${fields}</div>
</section>
</main>
</body>
</html>
`;
}
