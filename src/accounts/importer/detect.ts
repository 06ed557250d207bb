import {
  classifyPair,
  dateShape,
  formatOfOrder,
  isBooleanWord,
  orderOfFormat,
  parseBoolean,
  parseMoney,
  parseNumber,
  type DateFormat,
  type DayOrder,
} from './values.js';

/** Pure detection: the delimiter of a file and the type of each column. */

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Split the head of a file into records, respecting quotes; the last, possibly cut, record is dropped. */
function headRecords(head: string, max: number): string[] {
  const text = head.replace(/^\ufeff/, '');
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      const rec = text.slice(start, i);
      if (rec.trim() !== '') out.push(rec);
      if (ch === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  if (out.length === 0 && text.trim() !== '') out.push(text.slice(start));
  return out;
}

function countOutsideQuotes(rec: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of rec) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === d) n++;
  }
  return n;
}

/**
 * Pick comma, semicolon or tab from the first lines: the one that appears on every line
 * the same number of times wins; then the one with the most per line; comma on a tie.
 */
export function sniffDelimiter(head: string): Delimiter {
  const records = headRecords(head, 10);
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = records.map((r) => countOutsideQuotes(r, d));
    const min = Math.min(...counts);
    if (!records.length || min === 0) continue;
    const consistent = counts.every((c) => c === counts[0]);
    const score = (consistent ? 10_000 : 0) + min;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

export interface Sample {
  line: number;
  value: string;
}

/** Counts gathered over one column in the profiling pass. */
export interface ColumnProfile {
  nonEmpty: number;
  booleans: number;
  booleanWords: number;
  integers: number;
  decimals: number;
  money: number;
  dates: number;
  /** `a/b/yyyy` dates valid only day-first, only month-first, or either way. */
  dm: number;
  md: number;
  either: number;
  firstDm: Sample | null;
  firstMd: Sample | null;
  firstEither: Sample | null;
  samples: string[];
}

export function emptyProfile(): ColumnProfile {
  return {
    nonEmpty: 0,
    booleans: 0,
    booleanWords: 0,
    integers: 0,
    decimals: 0,
    money: 0,
    dates: 0,
    dm: 0,
    md: 0,
    either: 0,
    firstDm: null,
    firstMd: null,
    firstEither: null,
    samples: [],
  };
}

/** Add one non-empty, trimmed cell to its column's profile. */
export function profileCell(p: ColumnProfile, v: string, line: number): void {
  p.nonEmpty++;
  if (p.samples.length < 3) p.samples.push(v);
  if (parseBoolean(v) !== null) {
    p.booleans++;
    if (isBooleanWord(v)) p.booleanWords++;
  }
  const n = parseNumber(v);
  if (n !== null) {
    if (Number.isInteger(n) && !v.includes('.')) p.integers++;
    else p.decimals++;
    p.money++;
    return;
  }
  if (parseMoney(v, 'USD') !== null) {
    p.money++;
    return;
  }
  const shape = dateShape(v);
  if (!shape) return;
  p.dates++;
  if (shape.kind !== 'pair') return;
  const cls = classifyPair(shape.a, shape.b, shape.y);
  if (cls === 'dm') {
    p.dm++;
    p.firstDm ??= { line, value: v };
  } else if (cls === 'md') {
    p.md++;
    p.firstMd ??= { line, value: v };
  } else if (cls === 'either') {
    p.either++;
    p.firstEither ??= { line, value: v };
  }
}

export const DETECTED_TYPES = [
  'empty',
  'boolean',
  'integer',
  'number',
  'money',
  'date',
  'text',
] as const;
export type DetectedType = (typeof DETECTED_TYPES)[number];

/** The type every non-empty value of a column agrees on; text when they do not. */
export function detectType(p: ColumnProfile): DetectedType {
  const n = p.nonEmpty;
  if (n === 0) return 'empty';
  if (p.booleans === n && p.booleanWords > 0) return 'boolean';
  if (p.integers === n) return 'integer';
  if (p.integers + p.decimals === n) return 'number';
  if (p.money === n) return 'money';
  if (p.dates === n) return 'date';
  return 'text';
}

export interface DateDecision {
  /** Order to read `a/b/yyyy` values with; null when none is needed or none could be decided. */
  order: DayOrder | null;
  /** The user chose yyyy-mm-dd: values with the year last are errors. */
  expectIso: boolean;
  /** Values allow both orders and none proves one: the user must choose. */
  needsChoice: boolean;
  /** Why, in words, for the report. */
  note: string | null;
}

/**
 * Decide a date column's day/month order from its values: a part above 12 proves the
 * order. Never guess: when no value proves it (or proofs tie) ask for a choice; when
 * values disagree, the majority decides and the others become row errors.
 */
export function decideDateOrder(p: ColumnProfile, chosen: DateFormat | null): DateDecision {
  if (chosen) {
    return {
      order: orderOfFormat(chosen),
      expectIso: chosen === 'yyyy-mm-dd',
      needsChoice: false,
      note: `${chosen} (chosen)`,
    };
  }
  if (p.dm > 0 && p.md > 0) {
    if (p.dm === p.md) {
      return {
        order: null,
        expectIso: false,
        needsChoice: true,
        note: `values disagree: "${p.firstDm!.value}" (line ${p.firstDm!.line}) is day-first, "${p.firstMd!.value}" (line ${p.firstMd!.line}) is month-first`,
      };
    }
    const order: DayOrder = p.dm > p.md ? 'dm' : 'md';
    const minority = order === 'dm' ? p.firstMd! : p.firstDm!;
    return {
      order,
      expectIso: false,
      needsChoice: false,
      note: `${formatOfOrder(order)} (detected; ${Math.min(p.dm, p.md)} values such as "${minority.value}" on line ${minority.line} disagree)`,
    };
  }
  if (p.dm > 0)
    return {
      order: 'dm',
      expectIso: false,
      needsChoice: false,
      note: `d/m/yyyy (detected from "${p.firstDm!.value}")`,
    };
  if (p.md > 0)
    return {
      order: 'md',
      expectIso: false,
      needsChoice: false,
      note: `m/d/yyyy (detected from "${p.firstMd!.value}")`,
    };
  if (p.either > 0) {
    return {
      order: null,
      expectIso: false,
      needsChoice: true,
      note: `day/month order is ambiguous: every value such as "${p.firstEither!.value}" has both parts ≤ 12`,
    };
  }
  return { order: null, expectIso: false, needsChoice: false, note: null };
}
