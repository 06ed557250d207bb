import { isIsoDate } from '../../core/clock.js';
import { formatMinor, parseAmountToMinor } from '../../core/money.js';

/** Pure cell parsers. Every function takes a trimmed, non-empty cell. */

export const DATE_FORMATS = ['d/m/yyyy', 'm/d/yyyy', 'yyyy-mm-dd'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
/** Day/month order of a `a/b/yyyy` date. */
export type DayOrder = 'dm' | 'md';

export function orderOfFormat(f: DateFormat): DayOrder | null {
  return f === 'd/m/yyyy' ? 'dm' : f === 'm/d/yyyy' ? 'md' : null;
}

export function formatOfOrder(o: DayOrder): DateFormat {
  return o === 'dm' ? 'd/m/yyyy' : 'm/d/yyyy';
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', 't', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', 'f', '0']);

export function parseBoolean(v: string): boolean | null {
  const s = v.toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return null;
}

/** A boolean written as a word (not 0/1), which is what makes a column boolean rather than numeric. */
export function isBooleanWord(v: string): boolean {
  return v !== '0' && v !== '1' && parseBoolean(v) !== null;
}

// No exponents and no leading zeros: "A-2e4581", "1e5" and "007" are identifiers, not numbers.
const INTEGER_RE = /^[+-]?(0|[1-9]\d{0,14})$/;
const DECIMAL_RE = /^[+-]?(0|[1-9]\d{0,14})\.\d{1,10}$/;

export function parseInteger(v: string): number | null {
  return INTEGER_RE.test(v) ? Number(v) : null;
}

export function parseNumber(v: string): number | null {
  return INTEGER_RE.test(v) || DECIMAL_RE.test(v) ? Number(v) : null;
}

// Money needs a digit and only money characters; parseAmountToMinor decides the rest.
const MONEY_CHARS_RE =
  /^[A-Z]{0,3}\s*[-(]?\s*[$€£¥₹]?\s*[-(]?[0-9][0-9.,'\s\u00a0]*\)?\s*[$€£¥₹]?\s*[A-Z]{0,3}$/;

/** "$1,200.50", "1.200,50 €", "USD 20" → minor units in `currency`; null when not an amount. */
export function parseMoney(v: string, currency: string): number | null {
  if (!MONEY_CHARS_RE.test(v)) return null;
  return parseAmountToMinor(v, currency);
}

/** Money formatted for a trait: a plain number in major units (traits are descriptive, not ledger). */
export function moneyTraitValue(minor: number): number {
  return Number(formatMinor(minor, 'USD'));
}

export interface TimeOfDay {
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** Minutes east of UTC; null when the text had no zone (read as UTC). */
  offset: number | null;
}

/** A date as written: either its order is fixed by the text, or it is `a/b/yyyy` with a and b to be decided. */
export type DateShape =
  | { kind: 'fixed'; y: number; m: number; d: number; time: TimeOfDay | null }
  | { kind: 'pair'; a: number; b: number; y: number; time: TimeOfDay | null };

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const TIME = String.raw`(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?)?`;
const YMD_RE = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${TIME}$`);
const PAIR_RE = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})${TIME}$`);
const NAMED_DMY_RE = /^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4})$/;
const NAMED_MDY_RE = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/;

function timeOf(m: RegExpExecArray, i: number): TimeOfDay | null | undefined {
  if (m[i] === undefined) return null;
  let h = Number(m[i]);
  const mi = Number(m[i + 1]);
  const s = m[i + 2] ? Number(m[i + 2]) : 0;
  const frac = m[i + 3];
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const ampm = m[i + 4]?.toLowerCase();
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const z = m[i + 5];
  let offset: number | null = null;
  if (z && z !== 'Z') {
    const digits = z.replace(':', '');
    offset =
      (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  } else if (z === 'Z') offset = 0;
  return { h, mi, s, ms, offset };
}

function monthOf(name: string): number | undefined {
  const key = name.toLowerCase();
  return MONTHS[key] ?? MONTHS[key.slice(0, 3)];
}

/** How a cell looks as a date, or null when it is not one. Dots (d.m.yyyy) are day-first by convention. */
export function dateShape(v: string): DateShape | null {
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    let m = YMD_RE.exec(v);
    if (m) {
      const time = timeOf(m, 5);
      if (time === undefined) return null;
      return { kind: 'fixed', y: Number(m[1]), m: Number(m[3]), d: Number(m[4]), time };
    }
    m = PAIR_RE.exec(v);
    if (m) {
      const time = timeOf(m, 5);
      if (time === undefined) return null;
      const a = Number(m[1]);
      const b = Number(m[3]);
      const y = Number(m[4]);
      if (m[2] === '.') return { kind: 'fixed', y, m: b, d: a, time };
      return { kind: 'pair', a, b, y, time };
    }
    m = NAMED_DMY_RE.exec(v);
    const month = m ? monthOf(m[2]!) : undefined;
    if (m && month)
      return { kind: 'fixed', y: Number(m[3]), m: month, d: Number(m[1]), time: null };
    return null;
  }
  const m = NAMED_MDY_RE.exec(v);
  const month = m ? monthOf(m[1]!) : undefined;
  if (m && month) return { kind: 'fixed', y: Number(m[3]), m: month, d: Number(m[2]), time: null };
  return null;
}

export function validYmd(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** What a `pair` date allows: only day-first, only month-first, either, or neither. */
export type PairClass = 'same' | 'dm' | 'md' | 'either' | 'neither';

export function classifyPair(a: number, b: number, y: number): PairClass {
  const dm = validYmd(y, b, a);
  const md = validYmd(y, a, b);
  if (dm && md) return a === b ? 'same' : 'either';
  return dm ? 'dm' : md ? 'md' : 'neither';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export type DateResult =
  | { ok: true; date: string; time: TimeOfDay | null }
  | { ok: false; reason: string; needsOrder?: boolean };

/**
 * Resolve a date cell to `YYYY-MM-DD`. `order` is the day/month order decided for the
 * column (or chosen by the user); null means it is undecided and ambiguous values fail.
 * `expectIso` is the yyyy-mm-dd choice: anything with the year last is refused.
 */
export function parseDate(v: string, order: DayOrder | null, expectIso = false): DateResult {
  const shape = dateShape(v);
  if (!shape) return { ok: false, reason: 'not a date (use YYYY-MM-DD, d/m/yyyy or m/d/yyyy)' };
  let y: number;
  let m: number;
  let d: number;
  if (shape.kind === 'fixed') {
    ({ y, m, d } = shape);
  } else {
    if (expectIso) return { ok: false, reason: 'expected YYYY-MM-DD (the chosen date format)' };
    const cls = classifyPair(shape.a, shape.b, shape.y);
    y = shape.y;
    if (cls === 'neither') return { ok: false, reason: 'not a valid calendar date' };
    if (cls === 'same') {
      m = shape.a;
      d = shape.a;
    } else if (order === null) {
      if (cls === 'either') {
        return {
          ok: false,
          reason: 'day/month order is ambiguous; choose a date format',
          needsOrder: true,
        };
      }
      [d, m] = cls === 'dm' ? [shape.a, shape.b] : [shape.b, shape.a];
    } else {
      if (cls !== 'either' && cls !== order) {
        return {
          ok: false,
          reason: `only valid as ${formatOfOrder(cls)}, but this column is ${formatOfOrder(order)}`,
        };
      }
      [d, m] = order === 'dm' ? [shape.a, shape.b] : [shape.b, shape.a];
    }
  }
  if (!validYmd(y, m, d)) return { ok: false, reason: 'not a valid calendar date' };
  const date = `${y}-${pad(m)}-${pad(d)}`;
  return isIsoDate(date)
    ? { ok: true, date, time: shape.time }
    : { ok: false, reason: 'not a valid calendar date' };
}

/** A date cell as an instant (ISO, UTC). Times without a zone are read as UTC. */
export function toInstant(date: string, time: TimeOfDay | null): string {
  if (!time) return `${date}T00:00:00.000Z`;
  const base = Date.parse(
    `${date}T${pad(time.h)}:${pad(time.mi)}:${pad(time.s)}.${pad(time.ms, 3)}Z`,
  );
  return new Date(base - (time.offset ?? 0) * 60_000).toISOString();
}

/** "Mid-Market", "at risk" → "mid_market", "at_risk". */
export function enumKey(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/[\s\-/]+/g, '_');
}

/** Snake-case key for a trait made from an unmapped column header. */
export function traitKeyOf(header: string): string {
  const key = header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  return key || 'column';
}

/** Spreadsheet formula guard: exports prefix risky text with `'`; imports take it off again. */
export const FORMULA_PREFIX_RE = /^'[=+\-@\t\r]/;
export function unguard(v: string): string {
  return FORMULA_PREFIX_RE.test(v) ? v.slice(1) : v;
}
export function guard(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}
