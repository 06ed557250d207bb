/**
 * Renewal quote arithmetic (F2), in integer minor units. Pure.
 *
 * Rounding rule: amounts are exact integers of the currency's minor unit, and every step
 * that divides rounds half away from zero, in this order:
 *   1. unit price after uplift = round(unit × (10,000 + uplift bp) / 10,000)
 *   2. subtotal                = unit price after uplift × seats × term months (exact)
 *   3. discount                = round(subtotal × discount bp / 10,000)
 *   4. total                   = subtotal − discount (exact)
 * Rates are basis points (1 bp = 0.01 %) so inputs such as 5 % or 12.5 % are exact. BigInt
 * arithmetic keeps any realistic quote exact.
 */

export interface QuoteInput {
  /** Price of one seat for one month, in minor units. */
  unitMinor: number;
  seats: number;
  termMonths: number;
  /** Price rise in basis points (500 = 5 %). */
  upliftBp: number;
  /** Discount on the subtotal in basis points. */
  discountBp: number;
}

export interface QuoteTotals {
  unitAfterUpliftMinor: number;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  /** The total spread over the term, per month (rounded as above). */
  monthlyMinor: number;
}

export interface QuoteProblem {
  path: keyof QuoteInput;
  message: string;
}

export const LIMITS = {
  upliftBp: { min: 0, max: 10_000 },
  discountBp: { min: 0, max: 10_000 },
  seats: { min: 1, max: 1_000_000 },
  termMonths: { min: 1, max: 120 },
  unitMinor: { min: 0, max: 1_000_000_000 },
} as const;

/** Every problem with a quote's inputs, each at its field; empty when it can be priced. */
export function checkQuote(q: QuoteInput): QuoteProblem[] {
  const out: QuoteProblem[] = [];
  for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const v = q[key];
    const { min, max } = LIMITS[key];
    if (!Number.isInteger(v)) out.push({ path: key, message: 'must be a whole number' });
    else if (v < min || v > max) out.push({ path: key, message: `must be ${min} to ${max}` });
  }
  return out;
}

/** a × b / c rounded half away from zero, exactly (c > 0). */
export function mulDivRound(a: bigint, b: bigint, c: bigint): bigint {
  const n = a * b;
  const sign = n < 0n ? -1n : 1n;
  const abs = n * sign;
  const q = abs / c;
  const r = abs % c;
  return sign * (r * 2n >= c ? q + 1n : q);
}

const BP = 10_000n;

export function quoteTotals(q: QuoteInput): QuoteTotals {
  const problems = checkQuote(q);
  if (problems.length > 0) throw new RangeError(`${problems[0]!.path}: ${problems[0]!.message}`);
  const unit = mulDivRound(BigInt(q.unitMinor), BP + BigInt(q.upliftBp), BP);
  const subtotal = unit * BigInt(q.seats) * BigInt(q.termMonths);
  const discount = mulDivRound(subtotal, BigInt(q.discountBp), BP);
  const total = subtotal - discount;
  const monthly = mulDivRound(total, 1n, BigInt(q.termMonths));
  const n = (x: bigint) => {
    if (x > BigInt(Number.MAX_SAFE_INTEGER))
      throw new RangeError('the quote is too large to price');
    return Number(x);
  };
  return {
    unitAfterUpliftMinor: n(unit),
    subtotalMinor: n(subtotal),
    discountMinor: n(discount),
    totalMinor: n(total),
    monthlyMinor: n(monthly),
  };
}
