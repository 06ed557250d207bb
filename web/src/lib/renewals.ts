import type { Schemas } from '../api/client';
import { minorDigits } from './format';

/** The renewals board, forecast, quotes and expansion pages in words and numbers. Pure. */

export type RenewalItem = Schemas['RenewalPipelineItem'];
export type Forecast = Schemas['RenewalForecast'];
export type Quote = Schemas['RenewalQuote'];
export type QuoteDetail = Schemas['RenewalQuoteDetail'];
export type Candidate = Schemas['ExpansionCandidate'];
export type Opportunity = Schemas['ExpansionOpportunity'];
export type Bucket = RenewalItem['bucket'];
export type WindowKey = RenewalItem['window'];
export type QuoteStatus = Quote['status'];
export type Stage = Opportunity['stage'];

export interface SummaryCell {
  window: WindowKey;
  bucket: Bucket;
  currency: string;
  count: number;
  arrMinor: number;
}

export const BUCKETS: readonly Bucket[] = ['on_track', 'at_risk', 'expanding', 'churning'];
export const BUCKET_LABEL: Record<Bucket, string> = {
  on_track: 'On Track',
  at_risk: 'At Risk',
  expanding: 'Expanding',
  churning: 'Churning',
};
/** Mantine colours whose light text the app's theme keeps at AA contrast. */
export const BUCKET_COLOR: Record<Bucket, string> = {
  on_track: 'teal',
  at_risk: 'orange',
  expanding: 'indigo',
  churning: 'red',
};

export const WINDOWS: readonly WindowKey[] = ['overdue', '30', '60', '90', '120'];
export const WINDOW_LABEL: Record<WindowKey, string> = {
  overdue: 'Overdue',
  '30': '0–30 days',
  '60': '31–60 days',
  '90': '61–90 days',
  '120': '91–120 days',
};

/** "in 12 days", "today", "3 days overdue". */
export function dueText(days: number): string {
  if (days === 0) return 'today';
  if (days < 0) return `${-days} day${days === -1 ? '' : 's'} overdue`;
  return `in ${days} day${days === 1 ? '' : 's'}`;
}

/** Renewals of a board cell, by window and bucket, nearest first (as the API orders them). */
export function groupBoard(items: readonly RenewalItem[]): Map<string, RenewalItem[]> {
  const out = new Map<string, RenewalItem[]>();
  for (const i of items) {
    const key = `${i.window}|${i.bucket}`;
    const list = out.get(key);
    if (list) list.push(i);
    else out.set(key, [i]);
  }
  return out;
}

export interface CellTotals {
  count: number;
  /** ARR per currency, never added across currencies; largest first. */
  arr: { currency: string; arrMinor: number }[];
}

/** Count and ARR per currency of the summary cells that match. */
export function totalsOf(
  cells: readonly SummaryCell[],
  match: (c: SummaryCell) => boolean,
): CellTotals {
  const arr = new Map<string, number>();
  let count = 0;
  for (const c of cells) {
    if (!match(c)) continue;
    count += c.count;
    arr.set(c.currency, (arr.get(c.currency) ?? 0) + c.arrMinor);
  }
  return {
    count,
    arr: [...arr]
      .map(([currency, arrMinor]) => ({ currency, arrMinor }))
      .sort((a, b) => b.arrMinor - a.arrMinor || a.currency.localeCompare(b.currency)),
  };
}

/** The currencies the summary holds, alphabetically. */
export const currenciesOf = (cells: readonly SummaryCell[]): string[] =>
  [...new Set(cells.map((c) => c.currency))].sort();

// Quotes: the API speaks basis points, the editor percent.

/** 5 → 500, 12.5 → 1250; null for an empty field or more than two decimals. */
export function pctToBp(pct: number | string): number | null {
  if (pct === '') return null;
  const n = typeof pct === 'number' ? pct : Number(pct);
  if (!Number.isFinite(n)) return null;
  const bp = Math.round(n * 100);
  return Math.abs(bp - n * 100) < 1e-6 ? bp : null;
}

export const bpToPct = (bp: number): number => bp / 100;

/** "5%", "12.5%". */
export const pctText = (bp: number): string => `${bpToPct(bp)}%`;

export type QuoteField = 'upliftPct' | 'seats' | 'termMonths' | 'discountPct' | 'notes';

const FIELD_OF_PATH: Record<string, QuoteField> = {
  upliftBp: 'upliftPct',
  discountBp: 'discountPct',
  seats: 'seats',
  termMonths: 'termMonths',
  notes: 'notes',
};

/**
 * Where an API refusal belongs in the editor: its field ("body.seats" and "seats" both name
 * Seats) and the sentence in the field's own units (basis points become percent).
 */
export function quoteIssue(issue: {
  path: string;
  message: string;
}): { field: QuoteField; message: string } | null {
  const key = issue.path.split(/[./]/).pop() ?? '';
  const field = FIELD_OF_PATH[key];
  if (!field) return null;
  let message = issue.message;
  if (field === 'upliftPct' || field === 'discountPct')
    message = message.replace(
      /(-?\d+) to (-?\d+)/,
      (_, a: string, b: string) => `${Number(a) / 100}% to ${Number(b) / 100}%`,
    );
  return { field, message: message.charAt(0).toUpperCase() + message.slice(1) };
}

export const QUOTE_STATUS_LABEL: Record<QuoteStatus, string> = {
  draft: 'Draft',
  sent: 'Sent',
  signed: 'Signed',
  lost: 'Lost',
};
export const QUOTE_STATUS_COLOR: Record<QuoteStatus, string> = {
  draft: 'gray',
  sent: 'indigo',
  signed: 'teal',
  lost: 'red',
};

// Forecast.

/** 2027Q1 → 2026Q4 (delta −1) or 2027Q2 (delta +1); null when not a quarter. */
export function shiftQuarter(label: string, delta: number): string | null {
  const m = /^(\d{4})Q([1-4])$/.exec(label);
  if (!m) return null;
  const index = Number(m[1]) * 4 + Number(m[2]) - 1 + delta;
  return `${Math.floor(index / 4)}Q${(index % 4) + 1}`;
}

/** The quarter a date falls in: 2026-12-06 → 2026Q4. */
export function quarterOf(date: Date): string {
  return `${date.getUTCFullYear()}Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/** Minor units to major units for a chart axis (the chart formats them back with money()). */
export const toMajor = (minor: number, currency: string): number =>
  minor / 10 ** minorDigits(currency);

/** Major units typed into a form to whole minor units; null when not a positive amount. */
export function toMinor(major: number | string, currency: string): number | null {
  const n = typeof major === 'number' ? major : Number(major);
  if (major === '' || !Number.isFinite(n) || n <= 0) return null;
  return Math.round(n * 10 ** minorDigits(currency));
}

/** One currency's ARR up for renewal and expected, per bucket, in major units. */
export function forecastChart(c: Forecast['currencies'][number]) {
  return BUCKETS.map((b) => {
    const line = c.byBucket.find((l) => l.bucket === b);
    return {
      bucket: BUCKET_LABEL[b],
      'ARR up': toMajor(line?.arrMinor ?? 0, c.currency),
      Expected: toMajor(line?.expectedMinor ?? 0, c.currency),
    };
  });
}

/** Basis points as a percentage: 9000 → "90%", 8750 → "87.5%". */
export const bpText = (bp: number): string => `${Math.round(bp) / 100}%`;

// Expansion.

export const STAGES: readonly Stage[] = ['identified', 'qualified', 'proposed', 'won', 'lost'];
export const STAGE_LABEL: Record<Stage, string> = {
  identified: 'Identified',
  qualified: 'Qualified',
  proposed: 'Proposed',
  won: 'Won',
  lost: 'Lost',
};
const ORDER: Record<Stage, number> = { identified: 0, qualified: 1, proposed: 2, won: 3, lost: 3 };

/** Where an opportunity may go next: forward, or lost; nowhere once won or lost. */
export function nextStages(from: Stage): Stage[] {
  if (from === 'won' || from === 'lost') return [];
  return STAGES.filter((to) => to === 'lost' || ORDER[to] > ORDER[from]);
}

/**
 * Who did it, in words: the API records actors as "user:usr_…", "system:…", "operator:…"
 * or "api_key:…"; a person is named when the users list knows them.
 */
export function actorName(label: string, users: readonly { id: string; name: string }[]): string {
  const [kind, id] = label.split(':', 2);
  if (kind === 'user') return users.find((u) => u.id === id)?.name ?? 'A former user';
  if (kind === 'system') return 'Tenure';
  if (kind === 'operator') return 'An operator (command line)';
  if (kind === 'api_key') return 'An API key';
  return label;
}

// Outcomes.

export type Outcome = Schemas['RenewalOutcome']['outcome'];
export const OUTCOME_LABEL: Record<Outcome, string> = {
  renewed: 'Renewed',
  downgraded: 'Downgraded',
  churned: 'Churned',
};
export const CHURN_REASONS = [
  'product',
  'value',
  'relationship',
  'financial',
  'competition',
  'strategic',
  'other',
] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];
export const CHURN_REASON_LABEL: Record<ChurnReason, string> = {
  product: 'Product',
  value: 'Value',
  relationship: 'Relationship',
  financial: 'Financial',
  competition: 'Competition',
  strategic: 'Strategic',
  other: 'Other',
};

/**
 * Whole minor units as a major-unit amount, digit for digit (no floating point):
 * 123456 USD → "1234.56", 5000 JPY → "5000", 1 KWD → "0.001".
 */
export function majorText(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${s}` : `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * A major-unit amount typed into a form to whole minor units, exactly: "1,234.5" USD → 123450.
 * Null when it is not a positive amount or has more decimals than the currency's minor unit.
 */
export function exactMinor(major: number | string, currency: string): number | null {
  const text = (typeof major === 'number' ? String(major) : major).replace(/[,\s]/g, '');
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (!m[1] && !m[2])) return null;
  const digits = minorDigits(currency);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > digits) return null;
  const n = Number(`${m[1] || '0'}${frac.padEnd(digits, '0')}`);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

// Settings.

export type RenewalSettings = Schemas['RenewalSettings'];

/** The settings form's fields, named by the API's issue paths. */
export const SETTINGS_FIELDS = [
  'probabilities.on_track',
  'probabilities.at_risk',
  'probabilities.expanding',
  'probabilities.churning',
  'calibrate',
  'rules.riskUsageDropPct',
  'rules.churnUsageDropPct',
  'rules.expansionThreshold',
  'reminders.windows',
  'reminders.email',
  'reminders.slackEndpointId',
  'quotes.seller',
  'quotes.validDays',
  'expansion.limitEvents',
  'expansion.premiumEvents',
] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

/**
 * The server's refusals placed at the settings form's fields ("body.reminders.windows.2" is
 * Reminder windows); a probability's message in percent, as the form speaks. Issues naming
 * no field are left for the form's own message.
 */
export function settingsIssues(issues: readonly { path: string; message: string }[]): {
  fields: Partial<Record<SettingsField, string>>;
  rest: string[];
} {
  const fields: Partial<Record<SettingsField, string>> = {};
  const rest: string[] = [];
  for (const i of issues) {
    const path = i.path.replace(/^body\.?/, '');
    const field = SETTINGS_FIELDS.find((f) => path === f || path.startsWith(`${f}.`));
    if (!field) {
      rest.push(i.message);
      continue;
    }
    const message = field.startsWith('probabilities.')
      ? 'Must be a percentage from 0 to 100, to two decimals at most'
      : i.message.charAt(0).toUpperCase() + i.message.slice(1);
    fields[field] ??= message;
  }
  return { fields, rest };
}

/** "120, 90, 60 30" → [120, 90, 60, 30]; null when any part is not a whole number. */
export function parseDays(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.map(Number);
}

/** One event name a line, blank lines and surrounding spaces dropped. */
export const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
