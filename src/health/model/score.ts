import { AppError } from '../../core/errors.js';
import type { MeasureId, MeasureValues } from '../measures/registry.js';
import {
  DEFAULT_MEASURE_WEIGHT,
  type HealthModelDef,
  type ModelMeasure,
  type ModelTier,
  type ScoreBand,
} from './definition.js';

/**
 * Scoring one account's measure values with one model (C1). Pure: the same definition and
 * values always give the same score, so a stored snapshot can be recomputed and explained.
 */

export interface DimensionScore {
  key: string;
  name: string;
  /** The model's weight in percent. */
  weight: number;
  /** Weighted mean (0–10) of the band scores of the measures that had data; null if none. */
  score: number | null;
  /** Share (0–1) of the composite after re-weighting over the dimensions with data. */
  effectiveWeight: number;
}

export interface MeasureScore {
  measure: MeasureId;
  /** The key of the dimension it belongs to. */
  dimension: string;
  value: number | null;
  score: number | null;
  /** Its weight inside the dimension (1 unless the model says otherwise). */
  weight: number;
  /** Share (0–1) of the composite; 0 when it had no data. */
  effectiveWeight: number;
  /** Its part of compositeTenths; the parts add up to compositeTenths exactly. */
  contributionTenths: number;
}

export interface HealthScore {
  /** The composite × 10 as an integer 0–1000; null when no measure had data. */
  compositeTenths: number | null;
  /** compositeTenths / 10, the 0–100 score shown to people. */
  composite: number | null;
  tier: string | null;
  /** Share (0–1) of the model's weight whose measures had data. */
  coverage: number;
  dimensions: DimensionScore[];
  measures: MeasureScore[];
}

export const measureWeight = (m: ModelMeasure): number => m.weight ?? DEFAULT_MEASURE_WEIGHT;

/** The score of the band holding `value` (min inclusive, max exclusive). */
export function bandScore(bands: readonly ScoreBand[], value: number): number {
  for (const b of bands) {
    if ((b.min === undefined || value >= b.min) && (b.max === undefined || value < b.max))
      return b.score;
  }
  // A parsed model's bands cover every number, so this is a definition that skipped parsing.
  throw new AppError('internal', `no band holds the value ${value}`);
}

/** The tier a composite (0–100, one decimal) falls in: the first whose min it reaches. */
export function tierFor(tiers: readonly ModelTier[], composite: number): ModelTier | null {
  return tiers.find((t) => composite >= t.min) ?? null;
}

export function scoreWith(def: HealthModelDef, values: MeasureValues): HealthScore {
  const dims = def.dimensions.map((d) => {
    const rows = d.measures.map((m) => {
      const raw = values[m.measure] ?? null;
      // A NaN or infinity (say, a ratio over zero seats) is no data, not a score.
      const value = raw !== null && Number.isFinite(raw) ? raw : null;
      return {
        m,
        value,
        weight: measureWeight(m),
        score: value === null ? null : bandScore(m.bands, value),
      };
    });
    const totalWeight = rows.reduce((a, r) => a + r.weight, 0);
    const present = rows.filter((r) => r.score !== null);
    const presentWeight = present.reduce((a, r) => a + r.weight, 0);
    const score =
      present.length === 0
        ? null
        : present.reduce((a, r) => a + r.weight * r.score!, 0) / presentWeight;
    return { d, rows, score, totalWeight, presentWeight };
  });

  const modelWeight = dims.reduce((a, x) => a + x.d.weight, 0);
  const coverage = clamp01(
    dims.reduce((a, x) => a + (x.d.weight * x.presentWeight) / x.totalWeight, 0) / modelWeight,
  );
  // Missing data re-weights over what is present: only dimensions with data share the 100.
  const presentDimWeight = dims.reduce((a, x) => a + (x.score === null ? 0 : x.d.weight), 0);

  const measures: MeasureScore[] = [];
  const shares: number[] = [];
  for (const x of dims) {
    const dimShare = x.score === null ? 0 : x.d.weight / presentDimWeight;
    for (const r of x.rows) {
      const effectiveWeight = r.score === null ? 0 : (dimShare * r.weight) / x.presentWeight;
      // Exact share in tenths: weight × (score × 10 points) × 10 tenths.
      shares.push(snap(effectiveWeight * (r.score ?? 0) * 100));
      measures.push({
        measure: r.m.measure,
        dimension: x.d.key,
        value: r.value,
        score: r.score,
        weight: r.weight,
        effectiveWeight,
        contributionTenths: 0,
      });
    }
  }

  const dimensions: DimensionScore[] = dims.map((x) => ({
    key: x.d.key,
    name: x.d.name,
    weight: x.d.weight,
    score: x.score,
    effectiveWeight: x.score === null ? 0 : x.d.weight / presentDimWeight,
  }));

  if (presentDimWeight === 0) {
    return {
      compositeTenths: null,
      composite: null,
      tier: null,
      coverage: 0,
      dimensions,
      measures,
    };
  }
  const compositeTenths = Math.min(1000, Math.max(0, roundHalfUp(sum(shares))));
  apportion(shares, compositeTenths).forEach((c, i) => (measures[i]!.contributionTenths = c));
  const composite = compositeTenths / 10;
  return {
    compositeTenths,
    composite,
    tier: tierFor(def.tiers, composite)?.name ?? null,
    coverage,
    dimensions,
    measures,
  };
}

/**
 * Integers adding up to `total` that are as close as possible to `shares` (largest remainder:
 * every share gets its floor, then the units left go to the largest fractional parts; equal
 * parts go to the earlier share, so the result is deterministic).
 */
export function apportion(shares: readonly number[], total: number): number[] {
  const out = shares.map((s) => Math.floor(s));
  if (out.length === 0) return out;
  let left = total - sum(out);
  const byRemainder = shares
    .map((s, i) => ({ i, r: s - Math.floor(s) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  // Float noise can leave the floors off by more than the number of shares in theory; cycle.
  for (let k = 0; left > 0; k++, left--) out[byRemainder[k % out.length]!.i]! += 1;
  for (let k = out.length - 1; left < 0; k--, left++)
    out[byRemainder[((k % out.length) + out.length) % out.length]!.i]! -= 1;
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);
const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

// Weighted means in floating point land a hair off exact values (84.25 as 84.2499999…); snapping
// to a millionth of a tenth keeps such noise from deciding a rounding or a tier.
const snap = (x: number): number => Math.round(x * 1e6) / 1e6;
const roundHalfUp = (x: number): number => Math.round(snap(x));
