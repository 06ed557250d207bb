import { addDays, daysBetween, type IsoDate } from '../core/clock.js';
import { mulDivRound } from './quote.js';

/**
 * The renewal pipeline's rules (F1), pure: windows, buckets, probabilities, the forecast.
 * docs/renewals.md says the same in words; the property tests hold the code to it.
 */

/** Reminder and board windows: days before the renewal date. */
export const WINDOWS = [120, 90, 60, 30] as const;
export type WindowKey = 'overdue' | '30' | '60' | '90' | '120';
export const WINDOW_KEYS: readonly WindowKey[] = ['overdue', '30', '60', '90', '120'];
export const HORIZON_DAYS = 120;

/**
 * The window a renewal sits in: overdue once its date has passed, else the tightest of
 * 30/60/90/120 days that holds it (a renewal 45 days out is in the 60-day window); null
 * beyond 120 days.
 */
export function windowOf(renewalDate: IsoDate, today: IsoDate): WindowKey | null {
  const days = daysBetween(today, renewalDate);
  if (days < 0) return 'overdue';
  for (const w of [...WINDOWS].reverse()) if (days <= w) return String(w) as WindowKey;
  return null;
}

/** The renewal dates a window covers, inclusive (`from` null: no lower bound). */
export function windowRange(w: WindowKey, today: IsoDate): { from: IsoDate | null; to: IsoDate } {
  if (w === 'overdue') return { from: null, to: addDays(today, -1) };
  const days = Number(w);
  const i = WINDOWS.indexOf(days as (typeof WINDOWS)[number]);
  const below = i < WINDOWS.length - 1 ? WINDOWS[i + 1]! + 1 : 0;
  return { from: addDays(today, below), to: addDays(today, days) };
}

export const BUCKETS = ['on_track', 'at_risk', 'expanding', 'churning'] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_LABELS: Record<Bucket, string> = {
  on_track: 'On Track',
  at_risk: 'At Risk',
  expanding: 'Expanding',
  churning: 'Churning',
};

export type TierRank = 'top' | 'middle' | 'lowest';
export type AlertSeverity = 'critical' | 'high' | 'medium' | 'low';

/** What the bucket rules read about an account. */
export interface BucketSignals {
  tierRank: TierRank | null;
  /** The most severe open alert, if any. */
  worstAlert: AlertSeverity | null;
  /** Active users in the last 30 days against the 30 before, in percent; null without usage. */
  usageTrendPct: number | null;
  expansionScore: number;
}

export interface BucketRules {
  /** Usage down at least this much (percent) puts a renewal at risk. */
  riskUsageDropPct: number;
  /** …and at least this much, in the lowest tier, makes it churning. */
  churnUsageDropPct: number;
  /** Expansion score from which a healthy renewal is Expanding. */
  expansionThreshold: number;
}

export const DEFAULT_BUCKET_RULES: BucketRules = {
  riskUsageDropPct: 30,
  churnUsageDropPct: 50,
  expansionThreshold: 5,
};

const SEVERE = new Set<AlertSeverity>(['critical', 'high']);

/**
 * The bucket, first rule that holds:
 *  1. Churning — the lowest health tier, and a critical or high alert open or usage down
 *     by `churnUsageDropPct` or more.
 *  2. At Risk — the lowest tier, or a critical or high alert open, or usage down by
 *     `riskUsageDropPct` or more.
 *  3. Expanding — an expansion score of `expansionThreshold` or more.
 *  4. On Track — anything else, including an account not scored yet.
 */
export function bucketOf(
  s: BucketSignals,
  rules: BucketRules = DEFAULT_BUCKET_RULES,
): { bucket: Bucket; reason: string } {
  const severe = s.worstAlert !== null && SEVERE.has(s.worstAlert);
  const drop = s.usageTrendPct === null ? 0 : -s.usageTrendPct;
  const dropText = `usage down ${Math.round(drop)}%`;
  if (s.tierRank === 'lowest') {
    if (severe)
      return { bucket: 'churning', reason: `lowest health tier and a ${s.worstAlert} alert open` };
    if (drop >= rules.churnUsageDropPct)
      return { bucket: 'churning', reason: `lowest health tier and ${dropText}` };
    return { bucket: 'at_risk', reason: 'lowest health tier' };
  }
  if (severe) return { bucket: 'at_risk', reason: `a ${s.worstAlert} alert open` };
  if (drop >= rules.riskUsageDropPct) return { bucket: 'at_risk', reason: dropText };
  if (s.expansionScore >= rules.expansionThreshold)
    return { bucket: 'expanding', reason: `expansion score ${s.expansionScore}` };
  if (s.tierRank === null) return { bucket: 'on_track', reason: 'no health score yet' };
  return { bucket: 'on_track', reason: 'no risk signals' };
}

/** Renewal probability per bucket, in basis points (9,000 = 90 %). */
export type Probabilities = Record<Bucket, number>;

export const DEFAULT_PROBABILITIES: Probabilities = {
  on_track: 9_000,
  at_risk: 5_000,
  expanding: 9_500,
  churning: 1_000,
};

/** Past outcomes per bucket, as recorded when each renewal closed. */
export type OutcomeCounts = Record<Bucket, { renewed: number; total: number }>;

/** How many outcomes weigh as much as the configured probability. */
export const PRIOR_WEIGHT = 10;

export interface Calibrated {
  bucket: Bucket;
  configuredBp: number;
  bp: number;
  renewed: number;
  total: number;
  source: 'configured' | 'calibrated';
}

/**
 * Calibrate each bucket's probability from its past outcomes: the configured value counts
 * as PRIOR_WEIGHT outcomes, so a bucket with few renewals behind it moves only a little
 * and one with many follows its history: bp = (renewed + w·p₀) / (total + w).
 */
export function calibrate(configured: Probabilities, counts: OutcomeCounts): Calibrated[] {
  return BUCKETS.map((bucket) => {
    const { renewed, total } = counts[bucket];
    const p0 = configured[bucket];
    if (total === 0) {
      return { bucket, configuredBp: p0, bp: p0, renewed, total, source: 'configured' };
    }
    const bp = Number(
      mulDivRound(
        BigInt(renewed) * 10_000n + BigInt(PRIOR_WEIGHT) * BigInt(p0),
        1n,
        BigInt(total + PRIOR_WEIGHT),
      ),
    );
    return { bucket, configuredBp: p0, bp, renewed, total, source: 'calibrated' };
  });
}

/** ARR up for renewal in one bucket and currency (from one grouped query). */
export interface BucketArr {
  currency: string;
  bucket: Bucket;
  count: number;
  arrMinor: number;
}

export interface CurrencyForecast {
  currency: string;
  renewals: number;
  /** ARR up for renewal. */
  upMinor: number;
  /** Σ ARR × probability of its bucket, rounded once, on the total. */
  expectedMinor: number;
  /** At Risk and Churning ARR. */
  atRiskMinor: number;
  /** Everything but Churning renews. */
  bestMinor: number;
  /** Only On Track and Expanding renew. */
  worstMinor: number;
  byBucket: { bucket: Bucket; count: number; arrMinor: number; expectedMinor: number }[];
}

/**
 * The forecast from ARR per bucket: expected ARR is linear in the subscriptions, so the
 * exact sum Σ arr × bp over buckets equals the sum over subscriptions; it is rounded half
 * away from zero once, on the total (and separately on each bucket's line).
 */
export function forecastOf(rows: readonly BucketArr[], p: Probabilities): CurrencyForecast[] {
  const byCurrency = new Map<string, BucketArr[]>();
  for (const r of rows) {
    const list = byCurrency.get(r.currency) ?? [];
    list.push(r);
    byCurrency.set(r.currency, list);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, list]) => {
      const per = new Map<Bucket, { count: number; arr: bigint }>();
      for (const r of list) {
        const cur = per.get(r.bucket) ?? { count: 0, arr: 0n };
        per.set(r.bucket, { count: cur.count + r.count, arr: cur.arr + BigInt(r.arrMinor) });
      }
      let weighted = 0n;
      let up = 0n;
      const sum = (bs: Bucket[]) => bs.reduce((t, b) => t + (per.get(b)?.arr ?? 0n), 0n);
      const byBucket = BUCKETS.map((bucket) => {
        const { count, arr } = per.get(bucket) ?? { count: 0, arr: 0n };
        weighted += arr * BigInt(p[bucket]);
        up += arr;
        return {
          bucket,
          count,
          arrMinor: Number(arr),
          expectedMinor: Number(mulDivRound(arr, BigInt(p[bucket]), 10_000n)),
        };
      });
      return {
        currency,
        renewals: byBucket.reduce((t, b) => t + b.count, 0),
        upMinor: Number(up),
        expectedMinor: Number(mulDivRound(weighted, 1n, 10_000n)),
        atRiskMinor: Number(sum(['at_risk', 'churning'])),
        bestMinor: Number(sum(['on_track', 'at_risk', 'expanding'])),
        worstMinor: Number(sum(['on_track', 'expanding'])),
        byBucket,
      };
    });
}

/** A calendar quarter, `2027Q1`, as a date range. */
export function quarterRange(q: string): { from: IsoDate; to: IsoDate } | null {
  const m = /^(\d{4})-?Q([1-4])$/i.exec(q.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const first = (Number(m[2]) - 1) * 3 + 1;
  const from = `${year}-${String(first).padStart(2, '0')}-01`;
  const next =
    first === 10 ? `${year + 1}-01-01` : `${year}-${String(first + 3).padStart(2, '0')}-01`;
  return { from, to: addDays(next, -1) };
}

export function quarterOf(day: IsoDate): string {
  return `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}
