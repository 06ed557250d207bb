/**
 * The renewal quote as a customer-facing order form: the facts (`quoteContent`), rendered as
 * a standalone HTML page (document-html.ts) and an A4 PDF (document-pdf.ts). Both draw from
 * this one content model, so they state the same facts in the same words.
 */
import { formatMinor } from '../core/money.js';

export interface QuoteDocument {
  /** e.g. "Q-0042" */
  number: string;
  status: 'draft' | 'sent' | 'signed' | 'lost';
  /** YYYY-MM-DD */
  issuedOn: string;
  /** YYYY-MM-DD */
  validUntil: string;
  /** The vendor's company name. */
  seller: string;
  /** Account name. */
  customer: string;
  plan: string;
  /** ISO 4217, e.g. USD, EUR, GBP, JPY (0 decimals), KWD (3 decimals). */
  currency: string;
  /** YYYY-MM-DD */
  termStart: string;
  /** YYYY-MM-DD */
  termEnd: string;
  termMonths: number;
  seats: number;
  previousSeats: number | null;
  /** Current price per seat per month, minor units. */
  unitMinor: number;
  unitAfterUpliftMinor: number;
  /** Basis points, 500 = 5%. */
  upliftBp: number;
  discountBp: number;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  monthlyMinor: number;
  currentArrMinor: number;
  newArrMinor: number;
  notes: string | null;
}

// ---------------------------------------------------------------------------
// Shared content

export const TITLE = 'Renewal order form';
export const DRAFT_MARKER = 'DRAFT';
const STATUS_LABEL: Record<QuoteDocument['status'], string> = {
  draft: 'Draft',
  sent: 'Sent',
  signed: 'Signed',
  lost: 'Lost',
};
export const COLUMNS = [
  'Description',
  'Seats',
  'Price per seat per month',
  'Months',
  'Amount',
] as const;
export const SIGNATURE_FIELDS = ['Signature', 'Name', 'Title', 'Date'] as const;

/** A "before → after" pair; kept apart because the PDF draws the arrow (Helvetica has none). */
export interface Change {
  label: string;
  from: string;
  to: string;
}

export interface SummaryRow {
  label: string;
  value: string;
  strong?: boolean;
}

export interface QuoteContent {
  draft: boolean;
  meta: [label: string, value: string][];
  item: { description: string; seats: string; unitPrice: string; months: string; amount: string };
  itemNotes: string[];
  seatChange: Change | null;
  summary: SummaryRow[];
  arr: Change;
  notes: string | null;
  signatureHeading: string;
}

/** "1234567.89" → "1,234,567.89"; grouping is display-only, so it lives here, not in money.ts. */
function groupThousands(plain: string): string {
  const sign = plain.startsWith('-') ? '-' : '';
  const [int = '', frac] = plain.slice(sign.length).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

export function money(amountMinor: number, currency: string): string {
  return `${groupThousands(formatMinor(amountMinor, currency))} ${currency}`;
}

/** Basis points as a percentage without float noise: 500 → "5%", 1250 → "12.5%", 5 → "0.05%". */
export function percentFromBp(bp: number): string {
  const sign = bp < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(bp));
  const frac = String(abs % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 100)}${frac ? `.${frac}` : ''}%`;
}

export function months(n: number): string {
  return `${n} ${n === 1 ? 'month' : 'months'}`;
}

export function quoteContent(doc: QuoteDocument): QuoteContent {
  const m = (minor: number) => money(minor, doc.currency);
  const itemNotes: string[] = [];
  if (doc.upliftBp > 0)
    itemNotes.push(
      `Uplift ${percentFromBp(doc.upliftBp)} on ${m(doc.unitMinor)} per seat per month`,
    );
  const seatChange =
    doc.previousSeats !== null && doc.previousSeats !== doc.seats
      ? { label: 'Seats', from: String(doc.previousSeats), to: String(doc.seats) }
      : null;
  const summary: SummaryRow[] = [{ label: 'Subtotal', value: m(doc.subtotalMinor) }];
  if (doc.discountBp > 0)
    summary.push({
      label: `Discount ${percentFromBp(doc.discountBp)}`,
      value: m(-doc.discountMinor),
    });
  summary.push(
    { label: 'Total', value: m(doc.totalMinor), strong: true },
    { label: 'Per-month equivalent', value: m(doc.monthlyMinor) },
  );
  const notes = doc.notes?.trim() ? doc.notes.trim() : null;
  return {
    draft: doc.status === 'draft',
    meta: [
      ['Quote number', doc.number],
      ['Status', STATUS_LABEL[doc.status]],
      ['Issued', doc.issuedOn],
      ['Valid until', doc.validUntil],
      ['Seller', doc.seller],
      ['Customer', doc.customer],
      ['Plan', doc.plan],
      ['Term', `${doc.termStart} – ${doc.termEnd}, ${months(doc.termMonths)}`],
    ],
    item: {
      description: doc.plan,
      seats: String(doc.seats),
      unitPrice: m(doc.unitAfterUpliftMinor),
      months: String(doc.termMonths),
      amount: m(doc.subtotalMinor),
    },
    itemNotes,
    seatChange,
    summary,
    arr: {
      label: 'Annual recurring revenue',
      from: m(doc.currentArrMinor),
      to: m(doc.newArrMinor),
    },
    notes,
    signatureHeading: `Accepted for ${doc.customer}`,
  };
}

// ---------------------------------------------------------------------------
// File name

function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** e.g. "quote-Q-0042-acme-corp.pdf"; safe as a Content-Disposition filename on any OS. */
export function quoteFileName(doc: QuoteDocument): string {
  const number =
    doc.number
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'quote';
  const customer = slug(doc.customer) || 'customer';
  return `quote-${number}-${customer}.pdf`;
}
