import { describe, expect, it } from 'vitest';
import type { MeasureId } from '../measures/registry.js';
import { MEASURE_IDS } from '../measures/registry.js';
import { syntheticSamples, TIERS, type SyntheticOptions } from './fixtures.js';
import { buildReport, type Sample } from './report.js';
import { MAX_ROC_POINTS, rocArea } from './roc.js';

const MEASURES: MeasureId[] = [
  'usage.stickiness',
  'relationship.champion',
  'voice.nps',
  'support.csat',
  'commercial.payment_issues',
  'manual.csm_sentiment',
];
const NOISE: MeasureId[] = ['support.csat', 'commercial.payment_issues', 'manual.csm_sentiment'];
/** Churn falls with stickiness most, then champion, then NPS; the rest do nothing. */
const DRIVERS: SyntheticOptions['effects'] = {
  'usage.stickiness': -0.45,
  'relationship.champion': -0.3,
  'voice.nps': -0.2,
};
const TRAIN_UNTIL = '2025-04-30'; // two thirds of the two years

function data(o: Partial<SyntheticOptions> = {}): Sample[] {
  return syntheticSamples({
    n: 2000,
    seed: 1,
    measures: MEASURES,
    effects: DRIVERS,
    baseLogOdds: -1.2,
    missingRate: 0.1,
    currencies: ['USD', 'EUR'],
    ...o,
  });
}

describe('backtest report on data with a known signal', () => {
  const samples = data();
  const report = buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL });

  it('finds the signal: AUC well above 0.5, interval clear of it', () => {
    expect(report.verdict.kind).toBe('signal');
    expect(report.auc!.auc).toBeGreaterThan(0.65);
    expect(report.auc!.ci![0]).toBeGreaterThan(0.5);
    expect(report.verdict.text).toContain(`AUC ${report.auc!.auc.toFixed(2)}`);
    expect(report.counts).toMatchObject({ samples: 2000, minOutcomes: 20 });
    expect(report.counts.churned + report.counts.retained).toBe(2000);
  });

  it('draws the ROC curve of the same outcomes: at most 101 points, its area the AUC', () => {
    const roc = report.roc!;
    expect(roc.length).toBeGreaterThan(10);
    expect(roc.length).toBeLessThanOrEqual(MAX_ROC_POINTS);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: null });
    expect(roc[roc.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
    expect(Math.abs(rocArea(roc) - report.auc!.auc)).toBeLessThan(0.005);
  });

  it('renews more in the top tier, and the bottom tier churns above average', () => {
    const [green, yellow, red] = report.tiers;
    expect([green!.tier, yellow!.tier, red!.tier]).toEqual(['green', 'yellow', 'red']);
    expect(green!.renewalRate!).toBeGreaterThan(yellow!.renewalRate!);
    expect(yellow!.renewalRate!).toBeGreaterThan(red!.renewalRate!);
    expect(report.tiers.reduce((s, t) => s + t.n, 0)).toBe(2000);
    expect(report.lowestTierLift!.tier).toBe('red');
    expect(report.lowestTierLift!.lift).toBeGreaterThan(1.3);
    expect(report.lowestTierLift!.churnRate).toBeCloseTo(red!.churnRate!, 12);
  });

  it('reports churned ARR flagged ahead per currency, never adding currencies', () => {
    expect(report.flaggedTiers).toEqual(['yellow', 'red']);
    expect(report.flaggedArr.map((a) => a.currency)).toEqual(['EUR', 'USD']);
    for (const a of report.flaggedArr) {
      const churned = samples.filter((s) => s.churned && s.currency === a.currency);
      expect(a.churnedArrMinor).toBe(churned.reduce((s, x) => s + x.arrMinor, 0));
      const flagged = churned.filter((s) => s.tier === 'yellow' || s.tier === 'red');
      expect(a.flaggedArrMinor).toBe(flagged.reduce((s, x) => s + x.arrMinor, 0));
      expect(a.share!).toBeGreaterThan(0.5);
    }
  });

  it('calibrates on the held-out window: riskier groups churn more, rates near predictions', () => {
    const cal = report.calibration!;
    expect(cal.method).toBe('platt_heldout');
    const heldOut = samples.filter((s) => s.outcomeDate > TRAIN_UNTIL);
    expect(cal.rows.reduce((s, r) => s + r.n, 0)).toBe(heldOut.length);
    const first = cal.rows[0]!;
    const last = cal.rows[cal.rows.length - 1]!;
    expect(last.observedRate).toBeGreaterThan(first.observedRate);
    // Riskier groups have lower composites.
    expect(last.compositeMax).toBeLessThanOrEqual(first.compositeMin);
    const predicted = cal.rows.reduce((s, r) => s + r.meanPredicted * r.n, 0) / heldOut.length;
    const observed = heldOut.filter((s) => s.churned).length / heldOut.length;
    expect(Math.abs(predicted - observed)).toBeLessThan(0.06);
  });

  it('fits weights that rank the true drivers first, tested only on later outcomes', () => {
    const f = report.fitted;
    expect(f.status).toBe('fitted');
    expect(f.weights.slice(0, 3).map((w) => w.measure)).toEqual([
      'usage.stickiness',
      'relationship.champion',
      'voice.nps',
    ]);
    expect(f.weights.reduce((s, w) => s + w.weight, 0)).toBe(100);
    for (const w of f.weights.slice(3)) expect(w.weight).toBeLessThan(8);
    expect(f.weights[0]!.coefficient!).toBeCloseTo(-0.45, 0);
    const train = samples.filter((s) => s.outcomeDate <= TRAIN_UNTIL);
    const later = samples.filter((s) => s.outcomeDate > TRAIN_UNTIL);
    expect(f.train.churned + f.train.retained).toBe(train.length);
    expect(f.heldOut.churned + f.heldOut.retained).toBe(later.length);
    expect(f.fittedAuc!.auc).toBeGreaterThan(0.75);
    expect(f.weights[0]!.imputedWith).toBeCloseTo(5, 0);
  });

  it('beats a deliberately bad current composite on the held-out window', () => {
    const bad = buildReport({
      samples: data({ compositeOf: NOISE }),
      tiers: TIERS,
      trainUntil: TRAIN_UNTIL,
    });
    expect(bad.verdict.kind).toBe('no_signal');
    const f = bad.fitted;
    expect(f.currentAuc!.auc).toBeLessThan(0.56);
    expect(f.fittedAuc!.auc).toBeGreaterThan(f.currentAuc!.auc + 0.15);
    expect(f.difference!.ci![0]).toBeGreaterThan(0);
    expect(f.text).toContain('The fitted weights predict better by');
  });
});

describe('backtest report on pure noise', () => {
  const samples = data({ effects: {} });
  const report = buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL });

  it('stays near 0.5 and says plainly there is no usable signal', () => {
    expect(Math.abs(report.auc!.auc - 0.5)).toBeLessThan(0.04);
    expect(report.auc!.ci![0]).toBeLessThanOrEqual(0.5);
    expect(report.auc!.ci![1]).toBeGreaterThanOrEqual(0.5);
    expect(report.verdict.kind).toBe('no_signal');
    expect(report.verdict.text).toMatch(
      /^The score shows no usable predictive signal on this data/,
    );
  });

  it('finds no signal in fitted weights either', () => {
    expect(Math.abs(report.fitted.fittedAuc!.auc - 0.5)).toBeLessThan(0.06);
    expect(report.fitted.fittedAuc!.ci![0]).toBeLessThanOrEqual(0.5);
    expect(report.fitted.text).toContain('no usable predictive signal on the later window');
  });
});

describe('backtest report with too few outcomes', () => {
  it('says how many there are and how many are needed, and prints no AUC', () => {
    const all = data({ effects: DRIVERS });
    const churned = all.filter((s) => s.churned).slice(0, 12);
    const samples = [...churned, ...all.filter((s) => !s.churned).slice(0, 300)];
    const r = buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL });
    expect(r.verdict.kind).toBe('too_few');
    expect(r.verdict.text).toContain('12 churned and 300 retained');
    expect(r.verdict.text).toContain('at least 20 of each');
    expect(r.verdict.text).not.toMatch(/AUC (of )?0\.\d/);
    expect(r.auc).toBeNull();
    expect(r.roc).toBeNull();
    expect(r.lowestTierLift).toBeNull();
    expect(r.calibration).toBeNull();
    expect(r.fitted.status).toBe('too_few');
    expect(r.fitted.fittedAuc).toBeNull();
    // Counts are facts and stay.
    expect(r.counts.churned).toBe(12);
    expect(r.tiers.reduce((s, t) => s + t.n, 0)).toBe(312);
    expect(buildReport({ samples: [], tiers: TIERS, trainUntil: TRAIN_UNTIL }).verdict.kind).toBe(
      'too_few',
    );
  });

  it('counts outcomes without a score apart, and judges only scored ones', () => {
    const samples = data().map((s, i) =>
      i % 4 === 0 ? { ...s, compositeTenths: null, tier: null } : s,
    );
    const r = buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL, minOutcomes: 30 });
    expect(r.counts.unscored.churned + r.counts.unscored.retained).toBe(500);
    expect(r.auc!.churned + r.auc!.retained).toBe(1500);
    const unscored = samples.filter((s) => s.churned && s.tier === null);
    const eur = r.flaggedArr.find((a) => a.currency === 'EUR')!;
    expect(eur.unscoredArrMinor).toBe(
      unscored.filter((s) => s.currency === 'EUR').reduce((s, x) => s + x.arrMinor, 0),
    );
    expect(() =>
      buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL, minOutcomes: 1 }),
    ).toThrow(RangeError);
  });

  it('leaves fitted weights untested when the later window is too small', () => {
    const r = buildReport({ samples: data(), tiers: TIERS, trainUntil: '2025-12-20' });
    expect(r.fitted.status).toBe('untested');
    expect(r.fitted.weights.length).toBeGreaterThan(0);
    expect(r.fitted.fittedAuc).toBeNull();
    expect(r.fitted.text).toContain('should not be adopted');
    expect(r.calibration).toBeNull();
  });
});

describe('backtest report, other cases', () => {
  it('calls a score that points the wrong way inverse', () => {
    const samples = data().map((s) => ({ ...s, compositeTenths: 1000 - s.compositeTenths! }));
    const r = buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL });
    expect(r.verdict.kind).toBe('inverse');
    expect(r.auc!.auc).toBeLessThan(0.35);
  });

  it('offers no weights when every measure goes with churn', () => {
    const effects = Object.fromEntries(MEASURES.map((m) => [m, 0.3]));
    const r = buildReport({ samples: data({ effects }), tiers: TIERS, trainUntil: TRAIN_UNTIL });
    expect(r.fitted.status).toBe('no_weights');
    expect(r.fitted.weights.every((w) => w.weight === 0 && w.coefficient! > 0)).toBe(true);
    expect(r.fitted.text).toContain('no weights to adopt');
  });

  it('keeps tier names the model does not list, after the listed ones', () => {
    const samples = data().map((s, i) => (i < 10 ? { ...s, tier: 'legacy' } : s));
    const r = buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL });
    expect(r.tiers.map((t) => t.tier)).toEqual(['green', 'yellow', 'red', 'legacy']);
    expect(r.tiers[3]).toMatchObject({ min: null, color: null, n: 10 });
  });

  it('builds the report for 10,000 samples × every measure well under a second', () => {
    const samples = syntheticSamples({
      n: 10_000,
      seed: 2,
      measures: [...MEASURE_IDS],
      effects: DRIVERS,
      baseLogOdds: -1.2,
      missingRate: 0.2,
    });
    const t0 = performance.now();
    const r = buildReport({ samples, tiers: TIERS, trainUntil: TRAIN_UNTIL });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.fitted.status).toBe('fitted');
    expect(r.fitted.weights).toHaveLength(MEASURE_IDS.length);
  });
});
