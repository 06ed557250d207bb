import { MEASURE_IDS, type MeasureId } from '../measures/registry.js';
import { apportion, linearPredictor, logisticFit, type LogisticModel } from './stats.js';

/**
 * Fitted measure weights: logistic regression of churn on the 0–10 measure scores of a
 * training window, turned into the non-negative weights a health model can adopt. Pure.
 */

/** What the fit needs of a backtest sample. */
export interface ScoredOutcome {
  churned: boolean;
  measureScores: Partial<Record<MeasureId, number | null>>;
}

/** A measure must be observed in this share of training samples to be fitted at all. */
export const MIN_OBSERVED_SHARE = 0.1;

export interface FittedWeight {
  measure: MeasureId;
  /**
   * Change in the log-odds of churn per point of the measure's 0–10 score; negative means
   * a higher score goes with retention. Null when the measure was too rarely observed.
   */
  coefficient: number | null;
  /** Relative weight 0–100 (whole numbers summing to 100 over the fitted measures). */
  weight: number;
  /** Share of training samples with a score for this measure. */
  observedShare: number;
  /** The training mean that stood in for a missing score; null when not fitted. */
  imputedWith: number | null;
}

export interface MeasureFit {
  model: LogisticModel;
  /** The fitted measures, in the order of the model's coefficients. */
  measures: MeasureId[];
  means: number[];
  /** Every measure seen in the training samples, highest weight first. */
  weights: FittedWeight[];
}

const score = (s: ScoredOutcome, m: MeasureId): number | null => {
  const v = s.measureScores[m];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/**
 * Fit on the training samples. A missing score is imputed with that measure's training
 * mean: the coefficient is then learnt where the measure was observed, and a missing value
 * neither helps nor hurts (the live model instead re-weights over the measures present,
 * which `adoptedComposite` mirrors). Null when no measure is observed often enough.
 */
export function fitMeasureWeights(train: readonly ScoredOutcome[], l2: number): MeasureFit | null {
  const n = train.length;
  if (n === 0) return null;
  const seen = MEASURE_IDS.filter((m) => train.some((s) => score(s, m) !== null));
  const stats = seen.map((m) => {
    let count = 0;
    let sum = 0;
    for (const s of train) {
      const v = score(s, m);
      if (v === null) continue;
      count++;
      sum += v;
    }
    return { m, share: count / n, mean: sum / count };
  });
  const fitted = stats.filter((s) => s.share >= MIN_OBSERVED_SHARE);
  if (fitted.length === 0) return null;
  const measures = fitted.map((s) => s.m);
  const means = fitted.map((s) => s.mean);
  const X = train.map((s) => measures.map((m, j) => score(s, m) ?? means[j]!));
  const y = train.map((s) => (s.churned ? 1 : 0) as 0 | 1);
  const model = logisticFit(X, y, { l2 });
  // Healthy direction: a negative churn coefficient; the rest cannot be a health weight.
  const shares = apportion(model.coefficients.map((c) => Math.max(0, -c)));
  const byMeasure = new Map(measures.map((m, j) => [m, j]));
  const weights: FittedWeight[] = stats.map((s) => {
    const j = byMeasure.get(s.m);
    return {
      measure: s.m,
      coefficient: j === undefined ? null : model.coefficients[j]!,
      weight: j === undefined ? 0 : shares[j]!,
      observedShare: s.share,
      imputedWith: j === undefined ? null : means[j]!,
    };
  });
  weights.sort(
    (a, b) =>
      b.weight - a.weight ||
      (a.coefficient ?? Infinity) - (b.coefficient ?? Infinity) ||
      MEASURE_IDS.indexOf(a.measure) - MEASURE_IDS.indexOf(b.measure),
  );
  return { model, measures, means, weights };
}

/** The fitted model's churn log-odds for a sample, missing scores imputed as in training. */
export function fittedLogOdds(fit: MeasureFit, s: ScoredOutcome): number {
  return linearPredictor(
    fit.model,
    fit.measures.map((m, j) => score(s, m) ?? fit.means[j]!),
  );
}

/**
 * The 0–100 composite the adopted weights would give: the weighted mean of the scores
 * present, ×10, re-weighted over what is present as the live model does. Null when no
 * weighted measure has a score.
 */
export function adoptedComposite(
  weights: readonly Pick<FittedWeight, 'measure' | 'weight'>[],
  s: ScoredOutcome,
): number | null {
  let num = 0;
  let den = 0;
  for (const w of weights) {
    if (w.weight <= 0) continue;
    const v = score(s, w.measure);
    if (v === null) continue;
    num += w.weight * v;
    den += w.weight;
  }
  return den === 0 ? null : (num / den) * 10;
}
