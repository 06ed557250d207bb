/**
 * The statistics behind the backtest (C4): AUC with DeLong's interval, L2-regularised
 * logistic regression, calibration and tier tables. Pure: no I/O, no clock, no randomness.
 *
 * Convention: health scores are "higher = healthier", so AUC is the probability that a
 * retained account outscores a churned one (ties count ½). AUC > 0.5 means the score
 * predicts churn; 0.5 is a coin toss.
 */

// The logistic regression lives in its own file; callers import statistics from here.
export {
  linearPredictor,
  logisticFit,
  predict,
  sigmoid,
  type LogisticModel,
  type LogisticOptions,
} from './logistic.js';

/** The 97.5th percentile of the standard normal: two-sided 95% intervals. */
export const Z95 = 1.959963984540054;

export interface AucResult {
  auc: number;
  /** DeLong standard error; null when either class has fewer than two members. */
  se: number | null;
  /** 95% interval, clamped to [0, 1]; null when `se` is. */
  ci: readonly [number, number] | null;
  retained: number;
  churned: number;
}

export interface AucDifference {
  /** AUC of the first score minus AUC of the second, on the same outcomes. */
  diff: number;
  /** DeLong standard error of the paired difference; null with fewer than two per class. */
  se: number | null;
  ci: readonly [number, number] | null;
}

/**
 * Midranks (1-based; tied values share the mean of their ranks), in O(n log n).
 */
export function midranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

interface Components {
  auc: number;
  /** Per retained account: share of churned accounts it outscores. */
  v10: Float64Array;
  /** Per churned account: share of retained accounts that outscore it. */
  v01: Float64Array;
}

/**
 * DeLong's structural components by midranks (Sun & Xu 2014): no O(m·n) comparison.
 */
function components(scores: readonly number[], churned: readonly boolean[]): Components | null {
  if (scores.length !== churned.length)
    throw new RangeError('scores and outcomes differ in length');
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new RangeError(`score ${i} is not a finite number`);
    (churned[i] ? y : x).push(s);
  }
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return null;
  const tx = midranks(x);
  const ty = midranks(y);
  const tz = midranks([...x, ...y]);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    v10[i] = (tz[i]! - tx[i]!) / n;
    sum += v10[i]!;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (tz[m + j]! - ty[j]!) / m;
  return { auc: sum / m, v10, v01 };
}

function covariance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (n - 1);
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * AUC of a health score against churn, with DeLong's 95% interval (normal, clamped to
 * [0, 1]). Null when there are no churned or no retained outcomes.
 */
export function auc(scores: readonly number[], churned: readonly boolean[]): AucResult | null {
  const c = components(scores, churned);
  if (!c) return null;
  const m = c.v10.length;
  const n = c.v01.length;
  const base = { auc: c.auc, retained: m, churned: n };
  if (m < 2 || n < 2) return { ...base, se: null, ci: null };
  const variance = covariance(c.v10, c.v10) / m + covariance(c.v01, c.v01) / n;
  const se = Math.sqrt(Math.max(0, variance));
  return { ...base, se, ci: [clamp01(c.auc - Z95 * se), clamp01(c.auc + Z95 * se)] };
}

/**
 * DeLong's test for two scores on the same outcomes: the difference of their AUCs and its
 * 95% interval, which accounts for the two being computed on the same accounts.
 */
export function aucDifference(
  a: readonly number[],
  b: readonly number[],
  churned: readonly boolean[],
): AucDifference | null {
  const ca = components(a, churned);
  const cb = components(b, churned);
  if (!ca || !cb) return null;
  const diff = ca.auc - cb.auc;
  const m = ca.v10.length;
  const n = ca.v01.length;
  if (m < 2 || n < 2) return { diff, se: null, ci: null };
  const s10 =
    covariance(ca.v10, ca.v10) + covariance(cb.v10, cb.v10) - 2 * covariance(ca.v10, cb.v10);
  const s01 =
    covariance(ca.v01, ca.v01) + covariance(cb.v01, cb.v01) - 2 * covariance(ca.v01, cb.v01);
  const se = Math.sqrt(Math.max(0, s10 / m + s01 / n));
  return { diff, se, ci: [diff - Z95 * se, diff + Z95 * se] };
}

/** Whether an interval contains `v` (0.5 for AUCs, 0 for differences). */
export function ciIncludes(ci: readonly [number, number] | null, v: number): boolean {
  return ci === null || (ci[0] <= v && v <= ci[1]);
}

// ---------------------------------------------------------------------------------------
// Tables

/**
 * Equal-count bins by value (0-based bin per element). Tied values always share a bin, so
 * bins may be uneven and some may stay empty.
 */
export function quantileBins(values: readonly number[], bins: number): Int32Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  const out = new Int32Array(n);
  let start = 0;
  for (let r = 0; r < n; r++) {
    if (r > 0 && values[order[r]!] !== values[order[r - 1]!]) start = r;
    out[order[r]!] = Math.min(bins - 1, Math.floor((start * bins) / n));
  }
  return out;
}

export interface CalibrationRow {
  /** 1 = lowest predicted churn probability. */
  bin: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
  minPredicted: number;
  maxPredicted: number;
}

/**
 * Predicted churn probability against the churn actually seen, in equal-count bins of the
 * prediction (empty bins are left out).
 */
export function calibration(
  predictedProb: readonly number[],
  churned: readonly boolean[],
  bins: number,
): CalibrationRow[] {
  if (predictedProb.length !== churned.length) throw new RangeError('lengths differ');
  const which = quantileBins(predictedProb, Math.max(1, Math.floor(bins)));
  const acc = new Map<number, { n: number; p: number; c: number; lo: number; hi: number }>();
  predictedProb.forEach((pr, i) => {
    const b = which[i]!;
    const a = acc.get(b) ?? { n: 0, p: 0, c: 0, lo: Infinity, hi: -Infinity };
    a.n++;
    a.p += pr;
    if (churned[i]) a.c++;
    a.lo = Math.min(a.lo, pr);
    a.hi = Math.max(a.hi, pr);
    acc.set(b, a);
  });
  return [...acc.entries()]
    .sort(([a], [b]) => a - b)
    .map(([b, a]) => ({
      bin: b + 1,
      n: a.n,
      meanPredicted: a.p / a.n,
      observedRate: a.c / a.n,
      minPredicted: a.lo,
      maxPredicted: a.hi,
    }));
}

export interface TierRate {
  tier: string;
  n: number;
  churned: number;
  retained: number;
  retentionRate: number;
  churnRate: number;
}

/** Outcomes per tier (samples without a tier are left out), sorted by tier name. */
export function rateByTier(
  tiers: readonly (string | null)[],
  churned: readonly boolean[],
): TierRate[] {
  if (tiers.length !== churned.length) throw new RangeError('lengths differ');
  const acc = new Map<string, { n: number; c: number }>();
  tiers.forEach((t, i) => {
    if (t === null) return;
    const a = acc.get(t) ?? { n: 0, c: 0 };
    a.n++;
    if (churned[i]) a.c++;
    acc.set(t, a);
  });
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tier, a]) => ({
      tier,
      n: a.n,
      churned: a.c,
      retained: a.n - a.c,
      retentionRate: (a.n - a.c) / a.n,
      churnRate: a.c / a.n,
    }));
}

/**
 * Lift of one tier: its churn rate ÷ the churn rate of all samples with a tier. Null when
 * the tier is empty or nobody churned.
 */
export function lift(
  tiers: readonly (string | null)[],
  churned: readonly boolean[],
  tier: string,
): number | null {
  const rates = rateByTier(tiers, churned);
  const row = rates.find((r) => r.tier === tier);
  const n = rates.reduce((s, r) => s + r.n, 0);
  const c = rates.reduce((s, r) => s + r.churned, 0);
  if (!row || c === 0) return null;
  return row.churnRate / (c / n);
}

/**
 * Non-negative integers proportional to `shares` that sum to `total` (largest remainder),
 * so weights shown as whole percentages add up exactly. All zeros when every share is 0.
 */
export function apportion(shares: readonly number[], total = 100): number[] {
  const clean = shares.map((s) => (Number.isFinite(s) && s > 0 ? s : 0));
  const sum = clean.reduce((a, b) => a + b, 0);
  if (sum === 0) return clean.map(() => 0);
  const raw = clean.map((s) => (s / sum) * total);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = raw
    .map((r, i) => ({ i, rem: r - Math.floor(r) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}
