import type { IsoDate } from '../../core/clock.js';
import type { MeasureId } from '../measures/registry.js';
import {
  calibrationSection,
  fittedSection,
  type CalibrationSection,
  type FittedSection,
} from './report-fit.js';
import { rocCurve, type RocPoint } from './roc.js';
import { auc, ciIncludes, lift, rateByTier, type AucResult } from './stats.js';

/**
 * The backtest report (C4): how well the current composite, scored a fixed horizon before
 * each renewal or churn, told the two apart; by tier; in money; and what weights fitted on
 * an earlier window achieve on a later one. Pure: the caller brings the samples.
 */

export type { CalibrationSection, FittedSection } from './report-fit.js';
export type { FittedWeight } from './fit.js';
export type { RocPoint } from './roc.js';

export interface TierDef {
  name: string;
  /** Lowest composite (0–100) of the tier. */
  min: number;
  color?: string;
}

export interface Sample {
  accountId: string;
  asOf: IsoDate;
  outcomeDate: IsoDate;
  churned: boolean;
  arrMinor: number;
  currency: string;
  /** Composite × 10 as of `asOf`; null when the account had no score then. */
  compositeTenths: number | null;
  tier: string | null;
  /** 0–10 band scores as of `asOf`. */
  measureScores: Partial<Record<MeasureId, number | null>>;
}

export interface BacktestInput {
  samples: readonly Sample[];
  /** Fewest churned and fewest retained outcomes for an AUC (default 20 of each). */
  minOutcomes?: number;
  tiers: readonly TierDef[];
  /** Fit on outcomes up to this day; test on the later ones. */
  trainUntil: IsoDate;
  /** L2 penalty of the fit, on standardised scores (default 1). */
  l2?: number;
}

export type VerdictKind = 'signal' | 'no_signal' | 'inverse' | 'too_few';

export interface Verdict {
  kind: VerdictKind;
  text: string;
}

export interface TierRow {
  tier: string;
  color: string | null;
  /** Null for a tier name the samples use but the model does not list. */
  min: number | null;
  n: number;
  renewed: number;
  churned: number;
  renewalRate: number | null;
  churnRate: number | null;
}

export interface FlaggedArr {
  currency: string;
  /** ARR of every churned outcome in this currency, scored or not. */
  churnedArrMinor: number;
  /** Of which the account was in a tier below the top one at its as-of date. */
  flaggedArrMinor: number;
  /** Of which the account had no score at its as-of date. */
  unscoredArrMinor: number;
  share: number | null;
}

export interface BacktestReport {
  counts: {
    samples: number;
    churned: number;
    retained: number;
    /** Outcomes with a composite at their as-of date: the ones the AUC is about. */
    scored: { churned: number; retained: number };
    unscored: { churned: number; retained: number };
    minOutcomes: number;
    firstOutcome: IsoDate | null;
    lastOutcome: IsoDate | null;
  };
  verdict: Verdict;
  /** The current composite's AUC over every scored outcome; null when too few. */
  auc: AucResult | null;
  /**
   * The ROC curve of the composite (in points, 0–100) over the same outcomes as the AUC, at
   * most MAX_ROC_POINTS points; null when there is no AUC.
   */
  roc: RocPoint[] | null;
  /** Top tier first. */
  tiers: TierRow[];
  /** Churn rate of the lowest tier ÷ the churn rate of all outcomes with a tier. */
  lowestTierLift: {
    tier: string;
    churnRate: number;
    overallChurnRate: number;
    lift: number;
  } | null;
  /** The tiers counted as flagged: all but the top one. */
  flaggedTiers: string[];
  flaggedArr: FlaggedArr[];
  /** Held-out calibration of the composite; null when either window has too few outcomes. */
  calibration: CalibrationSection | null;
  fitted: FittedSection;
}

export const DEFAULT_MIN_OUTCOMES = 20;

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
const num = (v: number) => v.toFixed(2);

function strength(a: number): string {
  const d = Math.abs(a - 0.5);
  return d < 0.1 ? 'weak' : d < 0.2 ? 'moderate' : d < 0.3 ? 'good' : 'strong';
}

/** The plain sentence a CS leader reads first. */
export function verdictOf(
  result: AucResult | null,
  scored: { churned: number; retained: number },
  min: number,
): Verdict {
  if (!result || scored.churned < min || scored.retained < min) {
    return {
      kind: 'too_few',
      text:
        `Too few outcomes to judge the score: ${scored.churned} churned and ${scored.retained} ` +
        `retained account${scored.retained === 1 ? '' : 's'} had a health score ahead of the ` +
        `outcome; at least ${min} of each are needed before an AUC means anything, so none is reported.`,
    };
  }
  const a = result.auc;
  const ci = result.ci;
  const range = ci ? ` (95% interval ${num(ci[0])}–${num(ci[1])})` : '';
  if (ciIncludes(ci, 0.5)) {
    return {
      kind: 'no_signal',
      text:
        `The score shows no usable predictive signal on this data: its AUC of ${num(a)}${range} ` +
        `is within chance of 0.5, a coin toss. Do not use it to rank accounts by churn risk; ` +
        `many real datasets hold no signal in these measures.`,
    };
  }
  if (a < 0.5) {
    return {
      kind: 'inverse',
      text:
        `The score points the wrong way: churned accounts scored higher than retained ones ` +
        `(AUC ${num(a)}${range}). As it stands it misleads; review the measures and their direction.`,
    };
  }
  return {
    kind: 'signal',
    text:
      `The score predicts churn (${strength(a)} signal): AUC ${num(a)}${range}, so a retained ` +
      `account outscored a churned one ${pct(a)} of the time.`,
  };
}

function tierRows(samples: readonly Sample[], tiers: readonly TierDef[]): TierRow[] {
  const rates = rateByTier(
    samples.map((s) => s.tier),
    samples.map((s) => s.churned),
  );
  const byName = new Map(rates.map((r) => [r.tier, r]));
  const ordered = [...tiers].sort((a, b) => b.min - a.min);
  const known = new Set(ordered.map((t) => t.name));
  const row = (tier: string, min: number | null, color: string | null): TierRow => {
    const r = byName.get(tier);
    return {
      tier,
      color,
      min,
      n: r?.n ?? 0,
      renewed: r?.retained ?? 0,
      churned: r?.churned ?? 0,
      renewalRate: r ? r.retentionRate : null,
      churnRate: r ? r.churnRate : null,
    };
  };
  return [
    ...ordered.map((t) => row(t.name, t.min, t.color ?? null)),
    ...rates.filter((r) => !known.has(r.tier)).map((r) => row(r.tier, null, null)),
  ];
}

function flaggedArr(samples: readonly Sample[], flagged: ReadonlySet<string>): FlaggedArr[] {
  const acc = new Map<string, FlaggedArr>();
  for (const s of samples) {
    if (!s.churned) continue;
    const a = acc.get(s.currency) ?? {
      currency: s.currency,
      churnedArrMinor: 0,
      flaggedArrMinor: 0,
      unscoredArrMinor: 0,
      share: null,
    };
    a.churnedArrMinor += s.arrMinor;
    if (s.tier === null) a.unscoredArrMinor += s.arrMinor;
    else if (flagged.has(s.tier)) a.flaggedArrMinor += s.arrMinor;
    acc.set(s.currency, a);
  }
  return [...acc.values()]
    .map((a) => ({
      ...a,
      share: a.churnedArrMinor > 0 ? a.flaggedArrMinor / a.churnedArrMinor : null,
    }))
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

export function buildReport(input: BacktestInput): BacktestReport {
  const { samples, tiers, trainUntil } = input;
  const min = input.minOutcomes ?? DEFAULT_MIN_OUTCOMES;
  if (!Number.isInteger(min) || min < 2) throw new RangeError('minOutcomes must be 2 or more');
  const scoredSamples = samples.filter((s) => s.compositeTenths !== null);
  const countOf = (list: readonly Sample[]) => {
    const churned = list.filter((s) => s.churned).length;
    return { churned, retained: list.length - churned };
  };
  const scored = countOf(scoredSamples);
  const all = countOf(samples);
  const dates = samples.map((s) => s.outcomeDate).sort();

  const enough = scored.churned >= min && scored.retained >= min;
  const result = enough
    ? auc(
        scoredSamples.map((s) => s.compositeTenths!),
        scoredSamples.map((s) => s.churned),
      )
    : null;
  const verdict = verdictOf(result, scored, min);

  const rows = tierRows(samples, tiers);
  const ordered = [...tiers].sort((a, b) => b.min - a.min);
  const flaggedTiers = ordered.slice(1).map((t) => t.name);
  const lowest = ordered[ordered.length - 1];
  let lowestTierLift: BacktestReport['lowestTierLift'] = null;
  if (enough && lowest && ordered.length > 1) {
    const withTier = samples.filter((s) => s.tier !== null);
    const tierOf = withTier.map((s) => s.tier);
    const churnedOf = withTier.map((s) => s.churned);
    const l = lift(tierOf, churnedOf, lowest.name);
    const r = rows.find((x) => x.tier === lowest.name);
    if (l !== null && r?.churnRate != null) {
      const overallChurnRate = churnedOf.filter((c) => c).length / withTier.length;
      lowestTierLift = { tier: lowest.name, churnRate: r.churnRate, overallChurnRate, lift: l };
    }
  }

  const heldOut = { trainUntil, min, l2: input.l2 ?? 1 };
  return {
    counts: {
      samples: samples.length,
      churned: all.churned,
      retained: all.retained,
      scored,
      unscored: { churned: all.churned - scored.churned, retained: all.retained - scored.retained },
      minOutcomes: min,
      firstOutcome: dates[0] ?? null,
      lastOutcome: dates[dates.length - 1] ?? null,
    },
    verdict,
    auc: verdict.kind === 'too_few' ? null : result,
    roc:
      verdict.kind === 'too_few'
        ? null
        : rocCurve(
            scoredSamples.map((s) => s.compositeTenths! / 10),
            scoredSamples.map((s) => s.churned),
          ),
    tiers: rows,
    lowestTierLift,
    flaggedTiers,
    flaggedArr: flaggedArr(samples, new Set(flaggedTiers)),
    calibration: enough ? calibrationSection(samples, heldOut) : null,
    fitted: fittedSection(samples, heldOut),
  };
}
