/** Display helpers: money in minor units, dates, relative times. Pure. */

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Integer minor units + ISO currency, shown without cents for amounts this size. */
export function money(minor: number, currency: string, compact = false): string {
  const key = `${currency}:${compact}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      maximumFractionDigits: compact ? 1 : 0,
      notation: compact ? 'compact' : 'standard',
    });
    moneyFormats.set(key, f);
  }
  return f.format(minor / 10 ** minorDigits(currency));
}

/** Decimal places of a currency's minor unit: 2 for USD, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

export function day(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return d.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "3 days ago", "in 2 months": how far `iso` is from `now`. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).getTime() - now;
  const abs = Math.abs(ms);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 864e5],
    ['month', 30 * 864e5],
    ['week', 7 * 864e5],
    ['day', 864e5],
    ['hour', 36e5],
    ['minute', 6e4],
  ];
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) if (abs >= size) return rtf.format(Math.round(ms / size), unit);
  return 'just now';
}

/** Days from `now` to a YYYY-MM-DD date (negative when past). */
export function daysUntil(date: string | null, now = Date.now()): number | null {
  if (!date) return null;
  return Math.round((Date.parse(`${date}T00:00:00Z`) - now) / 864e5);
}

/** Mantine colour for a health tier (any model's tier names: green/yellow/red words). */
export function tierColor(tier: string | null | undefined): string {
  const t = (tier ?? '').toLowerCase();
  if (t.includes('green') || t === 'healthy') return 'teal';
  if (t.includes('yellow') || t.includes('amber') || t.includes('watch')) return 'yellow';
  if (t.includes('red') || t.includes('risk') || t.includes('critical')) return 'red';
  return 'gray';
}

export const STAGES = [
  'prospect',
  'onboarding',
  'active',
  'renewal',
  'expanding',
  'at_risk',
  'churned',
] as const;

export function stageLabel(stage: string): string {
  return stage.replace('_', ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Integer minor units + ISO currency to the last minor unit (quotes, prices): "$719.82". */
export function exactMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}
