import type { IsoDate } from '../../core/clock.js';
import { adoptedComposite, fitMeasureWeights, fittedLogOdds, type FittedWeight } from './fit.js';
import { MEASURE_IDS } from '../measures/registry.js';
import type { Sample } from './report.js';
import {
  auc,
  aucDifference,
  calibration,
  ciIncludes,
  logisticFit,
  predict,
  quantileBins,
  type AucDifference,
  type AucResult,
  type CalibrationRow,
} from './stats.js';

/**
 * The parts of the report that learn from an earlier window and are judged on a later
 * one: fitted weights and calibration. Nothing here is ever evaluated in-sample.
 */

export interface FittedSection {
  /**
   * `untested`: fitted, but too few later outcomes to judge the fit; do not adopt.
   * `no_weights`: no measure went with retention in the training window.
   */
  status: 'fitted' | 'untested' | 'no_weights' | 'too_few';
  text: string;
  trainUntil: IsoDate;
  l2: number;
  /** Training outcomes (up to trainUntil) with at least one measure score. */
  train: { churned: number; retained: number };
  /** Later outcomes scored by both the current composite and the fitted weights. */
  heldOut: { churned: number; retained: number };
  /** The adopted weights' composite (re-weighted over the measures present), held out. */
  fittedAuc: AucResult | null;
  /** The logistic model itself (missing scores imputed), held out; for reference. */
  modelAuc: AucResult | null;
  currentAuc: AucResult | null;
  /** Fitted minus current, paired (DeLong). */
  difference: AucDifference | null;
  intercept: number | null;
  /** Highest weight first; whole numbers summing to 100 over the fitted measures. */
  weights: FittedWeight[];
}

export interface CalibrationSection {
  /** A logistic curve of churn on the composite fitted on the training window (Platt). */
  method: 'platt_heldout';
  text: string;
  rows: (CalibrationRow & { compositeMin: number; compositeMax: number })[];
}

interface Opts {
  trainUntil: IsoDate;
  min: number;
  l2: number;
}

const num = (v: number) => v.toFixed(2);
const interval = (r: AucResult | null) =>
  r ? `${num(r.auc)}${r.ci ? ` (${num(r.ci[0])}–${num(r.ci[1])})` : ''}` : 'n/a';

function counts(list: readonly { churned: boolean }[]) {
  const churned = list.filter((s) => s.churned).length;
  return { churned, retained: list.length - churned };
}

const hasMeasure = (s: Sample) =>
  MEASURE_IDS.some((m) => {
    const v = s.measureScores[m];
    return typeof v === 'number' && Number.isFinite(v);
  });

export function fittedSection(samples: readonly Sample[], o: Opts): FittedSection {
  const train = samples.filter((s) => s.outcomeDate <= o.trainUntil && hasMeasure(s));
  const later = samples.filter((s) => s.outcomeDate > o.trainUntil);
  const base: FittedSection = {
    status: 'too_few',
    text: '',
    trainUntil: o.trainUntil,
    l2: o.l2,
    train: counts(train),
    heldOut: { churned: 0, retained: 0 },
    fittedAuc: null,
    modelAuc: null,
    currentAuc: null,
    difference: null,
    intercept: null,
    weights: [],
  };
  const t = base.train;
  const fit = t.churned >= o.min && t.retained >= o.min ? fitMeasureWeights(train, o.l2) : null;
  if (!fit) {
    return {
      ...base,
      text:
        `Too few outcomes up to ${o.trainUntil} to fit weights: ${t.churned} churned and ` +
        `${t.retained} retained with measure scores; at least ${o.min} of each are needed.`,
    };
  }
  if (fit.weights.every((w) => w.weight === 0)) {
    return {
      ...base,
      status: 'no_weights',
      intercept: fit.model.intercept,
      weights: fit.weights,
      text:
        `No measure went with retention in the ${t.churned + t.retained} outcomes up to ` +
        `${o.trainUntil}, so there are no weights to adopt.`,
    };
  }
  const scored = later.flatMap((s) => {
    const fitted = adoptedComposite(fit.weights, s);
    return s.compositeTenths === null || fitted === null
      ? []
      : [{ s, fitted, current: s.compositeTenths / 10, model: -fittedLogOdds(fit, s) }];
  });
  const h = counts(scored.map((x) => x.s));
  const withFit = { ...base, heldOut: h, intercept: fit.model.intercept, weights: fit.weights };
  if (h.churned < o.min || h.retained < o.min) {
    return {
      ...withFit,
      status: 'untested',
      text:
        `Weights were fitted on outcomes up to ${o.trainUntil}, but only ${h.churned} churned and ` +
        `${h.retained} retained later outcomes can test them (${o.min} of each are needed). ` +
        `Untested weights should not be adopted; move the training cut-off earlier.`,
    };
  }
  const churned = scored.map((x) => x.s.churned);
  const fittedAuc = auc(
    scored.map((x) => x.fitted),
    churned,
  );
  const currentAuc = auc(
    scored.map((x) => x.current),
    churned,
  );
  const modelAuc = auc(
    scored.map((x) => x.model),
    churned,
  );
  const difference = aucDifference(
    scored.map((x) => x.fitted),
    scored.map((x) => x.current),
    churned,
  );
  let text =
    `Fitted on ${t.churned + t.retained} outcomes up to ${o.trainUntil} and tested on ` +
    `${h.churned + h.retained} later ones it never saw: fitted weights AUC ${interval(fittedAuc)}, ` +
    `current model ${interval(currentAuc)}.`;
  if (!fittedAuc?.ci || fittedAuc.ci[0] <= 0.5) {
    // Below chance is no better than chance: neither is a reason to adopt.
    text +=
      ' The fitted weights show no usable predictive signal on the later window: do not adopt them.';
  } else if (difference && !ciIncludes(difference.ci, 0)) {
    text +=
      difference.diff > 0
        ? ` The fitted weights predict better by ${num(difference.diff)}.`
        : ` The current model predicts better by ${num(-difference.diff)}.`;
  } else {
    text += ' The difference between them is within chance.';
  }
  return {
    ...withFit,
    status: 'fitted',
    text,
    fittedAuc,
    modelAuc,
    currentAuc,
    difference,
  };
}

/**
 * Calibration: a logistic curve of churn on the composite, fitted on the training window
 * (Platt scaling), then compared with the churn seen in the later window in equal-count
 * bins. Fitting and checking on the same outcomes would flatter the score; raw deciles
 * would show rates but no prediction to hold them against.
 */
export function calibrationSection(samples: readonly Sample[], o: Opts): CalibrationSection | null {
  const scored = samples.filter((s) => s.compositeTenths !== null);
  const train = scored.filter((s) => s.outcomeDate <= o.trainUntil);
  const later = scored.filter((s) => s.outcomeDate > o.trainUntil);
  const t = counts(train);
  const h = counts(later);
  if (Math.min(t.churned, t.retained, h.churned, h.retained) < o.min) return null;
  const x = (s: Sample) => [s.compositeTenths! / 10];
  const curve = logisticFit(
    train.map(x),
    train.map((s) => (s.churned ? 1 : 0) as 0 | 1),
    { l2: o.l2 },
  );
  const prob = predict(curve, later.map(x));
  const churned = later.map((s) => s.churned);
  const bins = Math.min(10, Math.max(2, Math.floor(later.length / 30)));
  const rows = calibration(prob, churned, bins);
  const which = quantileBins(prob, bins);
  const range = new Map<number, { lo: number; hi: number }>();
  later.forEach((s, i) => {
    const b = which[i]! + 1;
    const c = s.compositeTenths! / 10;
    const r = range.get(b) ?? { lo: Infinity, hi: -Infinity };
    range.set(b, { lo: Math.min(r.lo, c), hi: Math.max(r.hi, c) });
  });
  return {
    method: 'platt_heldout',
    text:
      `Churn probability read from the composite by a curve fitted on outcomes up to ` +
      `${o.trainUntil}, checked against ${later.length} later outcomes in ${rows.length} ` +
      `equal-size groups.`,
    rows: rows.map((r) => ({
      ...r,
      compositeMin: range.get(r.bin)!.lo,
      compositeMax: range.get(r.bin)!.hi,
    })),
  };
}
