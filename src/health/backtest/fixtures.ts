import { addDays, type IsoDate } from '../../core/clock.js';
import type { MeasureId } from '../measures/registry.js';
import type { Sample, TierDef } from './report.js';
import { sigmoid } from './stats.js';

/**
 * Generated backtest data for the tests: outcomes whose churn depends on chosen measures
 * by a known logistic law (or on nothing). Seeded, so every run sees the same data.
 */

/** mulberry32: a small, fast, seeded PRNG with uniform output in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export const TIERS: TierDef[] = [
  { name: 'green', min: 70, color: '#2e7d32' },
  { name: 'yellow', min: 45, color: '#f9a825' },
  { name: 'red', min: 0, color: '#c62828' },
];

export function tierOf(composite: number, tiers: readonly TierDef[] = TIERS): string {
  const sorted = [...tiers].sort((a, b) => b.min - a.min);
  return (sorted.find((t) => composite >= t.min) ?? sorted[sorted.length - 1]!).name;
}

export interface SyntheticOptions {
  n: number;
  seed: number;
  measures: readonly MeasureId[];
  /** Churn log-odds per point of a measure's 0–10 score (negative: healthier, less churn). */
  effects: Partial<Record<MeasureId, number>>;
  /** Churn log-odds of an account with every score at 5. */
  baseLogOdds: number;
  /** Chance that any one score is missing. */
  missingRate?: number;
  /** The measures the "current" composite averages (default: all). */
  compositeOf?: readonly MeasureId[];
  start?: IsoDate;
  days?: number;
  currencies?: readonly string[];
}

/** Samples with whole-number 0–10 scores, outcomes spread over `days` from `start`. */
export function syntheticSamples(o: SyntheticOptions): Sample[] {
  const rng = seededRandom(o.seed);
  const start = o.start ?? '2024-01-01';
  const days = o.days ?? 730;
  const missing = o.missingRate ?? 0;
  const currencies = o.currencies ?? ['USD'];
  const out: Sample[] = [];
  for (let i = 0; i < o.n; i++) {
    const scores: Partial<Record<MeasureId, number | null>> = {};
    let logOdds = o.baseLogOdds;
    for (const m of o.measures) {
      const v = Math.round(rng() * 10);
      logOdds += (o.effects[m] ?? 0) * (v - 5);
      scores[m] = rng() < missing ? null : v;
    }
    const churned = rng() < sigmoid(logOdds);
    const present = (o.compositeOf ?? o.measures)
      .map((m) => scores[m])
      .filter((v): v is number => typeof v === 'number');
    const composite = present.length
      ? (present.reduce((a, b) => a + b, 0) / present.length) * 10
      : null;
    const outcomeDate = addDays(start, Math.floor(rng() * days));
    out.push({
      accountId: `acc_${String(i).padStart(5, '0')}`,
      asOf: addDays(outcomeDate, -90),
      outcomeDate,
      churned,
      arrMinor: (1 + Math.floor(rng() * 100)) * 12_000,
      currency: currencies[Math.floor(rng() * currencies.length)]!,
      compositeTenths: composite === null ? null : Math.round(composite * 10),
      tier: composite === null ? null : tierOf(composite),
      measureScores: scores,
    });
  }
  return out;
}
