import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auc } from './stats.js';
import { MAX_ROC_POINTS, rocArea, rocCurve } from './roc.js';

/** Scores with at least one of each outcome. */
const labelled = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.boolean()), {
    minLength: 2,
    maxLength: 300,
  })
  .filter((rows) => rows.some((r) => r[1]) && rows.some((r) => !r[1]))
  .map((rows) => ({ scores: rows.map((r) => r[0]), churned: rows.map((r) => r[1]) }));

describe('ROC curve', () => {
  it('walks from nothing flagged to everything flagged, one point per distinct score', () => {
    // Churned accounts score 10 and 20, retained ones 20, 30 and 40.
    const roc = rocCurve([10, 20, 20, 30, 40], [true, true, false, false, false]);
    expect(roc).toEqual([
      { fpr: 0, tpr: 0, threshold: null },
      { fpr: 0, tpr: 0.5, threshold: 10 },
      { fpr: 1 / 3, tpr: 1, threshold: 20 },
      { fpr: 2 / 3, tpr: 1, threshold: 30 },
      { fpr: 1, tpr: 1, threshold: 40 },
    ]);
  });

  it('has an area equal to the AUC (ties counting half), and never goes down', () => {
    fc.assert(
      fc.property(labelled, ({ scores, churned }) => {
        const roc = rocCurve(scores, churned, 10_000);
        expect(rocArea(roc)).toBeCloseTo(auc(scores, churned)!.auc, 10);
        for (let i = 1; i < roc.length; i++) {
          expect(roc[i]!.fpr).toBeGreaterThanOrEqual(roc[i - 1]!.fpr);
          expect(roc[i]!.tpr).toBeGreaterThanOrEqual(roc[i - 1]!.tpr);
        }
      }),
    );
  });

  it('keeps at most 101 points, with both ends, and stays close to the AUC', () => {
    const n = 5000;
    const churned = Array.from({ length: n }, (_, i) => i % 3 === 0);
    // Distinct scores, churned accounts lower on the whole.
    const scores = churned.map((c, i) => i + (c ? 0 : 2500));
    const roc = rocCurve(scores, churned);
    expect(roc.length).toBe(MAX_ROC_POINTS);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: null });
    expect(roc[roc.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
    expect(Math.abs(rocArea(roc) - auc(scores, churned)!.auc)).toBeLessThan(0.01);
    fc.assert(
      fc.property(labelled, fc.integer({ min: 2, max: 50 }), ({ scores: s, churned: c }, max) => {
        const thinned = rocCurve(s, c, max);
        expect(thinned.length).toBeLessThanOrEqual(max);
        expect(thinned[0]!.threshold).toBeNull();
        expect(thinned[thinned.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
      }),
    );
  });

  it('draws nothing without both outcomes, and refuses mismatched input', () => {
    expect(rocCurve([1, 2], [true, true])).toEqual([]);
    expect(rocCurve([], [])).toEqual([]);
    expect(() => rocCurve([1], [true, false])).toThrow(RangeError);
  });
});
