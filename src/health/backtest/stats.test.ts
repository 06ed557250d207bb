import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normal, seededRandom } from './fixtures.js';
import {
  apportion,
  auc,
  aucDifference,
  calibration,
  ciIncludes,
  lift,
  logisticFit,
  midranks,
  predict,
  quantileBins,
  rateByTier,
  sigmoid,
  Z95,
} from './stats.js';

/** DeLong by definition, O(m·n): the reference for the midrank version. */
function naiveDeLong(scores: number[], churned: boolean[]) {
  const x = scores.filter((_, i) => !churned[i]);
  const y = scores.filter((_, i) => churned[i]);
  const psi = (a: number, b: number) => (a > b ? 1 : a === b ? 0.5 : 0);
  const v10 = x.map((xi) => y.reduce((s, yj) => s + psi(xi, yj), 0) / y.length);
  const v01 = y.map((yj) => x.reduce((s, xi) => s + psi(xi, yj), 0) / x.length);
  const a = v10.reduce((s, v) => s + v, 0) / x.length;
  const variance = (v: number[]) => v.reduce((s, e) => s + (e - a) ** 2, 0) / (v.length - 1);
  return { auc: a, se: Math.sqrt(variance(v10) / x.length + variance(v01) / y.length) };
}

/** Scores with at least two of each outcome. */
const labelled = fc
  .array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.boolean()), {
    minLength: 4,
    maxLength: 60,
  })
  .filter((rows) => rows.filter((r) => r[1]).length >= 2 && rows.filter((r) => !r[1]).length >= 2)
  .map((rows) => ({ scores: rows.map((r) => r[0]), churned: rows.map((r) => r[1]) }));

describe('AUC with DeLong interval', () => {
  it('matches a small example worked by hand', () => {
    // Retained 0.8, 0.6, 0.4; churned 0.5, 0.3. Per retained account, the share of churned
    // ones it beats: 1, 1, ½ → AUC 5/6. Per churned account, the share of retained ones
    // above it: ⅔, 1. S10 = ((1/6)² + (1/6)² + (1/3)²) / 2 = 1/12, S01 = ((1/6)² · 2) / 1
    // = 1/18; Var = S10/3 + S01/2 = 1/36 + 1/36 = 1/18.
    const r = auc([0.8, 0.6, 0.4, 0.5, 0.3], [false, false, false, true, true])!;
    expect(r.auc).toBeCloseTo(5 / 6, 12);
    expect(r.se).toBeCloseTo(Math.sqrt(1 / 18), 12);
    expect(r.ci![0]).toBeCloseTo(5 / 6 - Z95 * Math.sqrt(1 / 18), 12);
    expect(r.ci![1]).toBe(1); // clamped
    expect([r.retained, r.churned]).toEqual([3, 2]);
  });

  it('counts ties as one half (worked by hand)', () => {
    // Retained 2, 1, 1; churned 1, 0. V10 = 1, ¾, ¾; V01 = ⅔, 1; AUC 5/6.
    // S10 = ((1/6)² + 2 · (1/12)²) / 2 = 1/48; S01 = 1/18; Var = 1/144 + 1/36 = 5/144.
    const r = auc([2, 1, 1, 1, 0], [false, false, false, true, true])!;
    expect(r.auc).toBeCloseTo(5 / 6, 12);
    expect(r.se).toBeCloseTo(Math.sqrt(5) / 12, 12);
  });

  it('has no interval with fewer than two of a class, and no AUC with none', () => {
    expect(auc([1, 2, 3], [false, false, true])).toMatchObject({ se: null, ci: null });
    expect(auc([1, 2], [false, false])).toBeNull();
    expect(() => auc([1, NaN], [false, true])).toThrow(RangeError);
    expect(ciIncludes(null, 0.5)).toBe(true);
  });

  it('agrees with the definition (O(m·n)) on random data', () => {
    fc.assert(
      fc.property(labelled, ({ scores, churned }) => {
        const fast = auc(scores, churned)!;
        const ref = naiveDeLong(scores, churned);
        expect(fast.auc).toBeCloseTo(ref.auc, 10);
        expect(fast.se!).toBeCloseTo(ref.se, 10);
      }),
    );
  });

  it('lies in [0, 1], with its interval around it', () => {
    fc.assert(
      fc.property(labelled, ({ scores, churned }) => {
        const r = auc(scores, churned)!;
        expect(r.auc).toBeGreaterThanOrEqual(0);
        expect(r.auc).toBeLessThanOrEqual(1);
        expect(r.ci![0]).toBeLessThanOrEqual(r.auc);
        expect(r.ci![1]).toBeGreaterThanOrEqual(r.auc);
      }),
    );
  });

  it('of the negated score is one minus the AUC', () => {
    const distinct = fc
      .uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 4, maxLength: 60 })
      .chain((scores) =>
        fc
          .array(fc.boolean(), { minLength: scores.length, maxLength: scores.length })
          .map((churned) => ({ scores, churned })),
      )
      .filter(({ churned }) => churned.some((c) => c) && churned.some((c) => !c));
    fc.assert(
      fc.property(distinct, ({ scores, churned }) => {
        const a = auc(scores, churned)!.auc;
        const b = auc(
          scores.map((s) => -s),
          churned,
        )!.auc;
        expect(a + b).toBeCloseTo(1, 12);
      }),
    );
  });

  it('does not change under a strictly increasing transform', () => {
    fc.assert(
      fc.property(labelled, ({ scores, churned }) => {
        const r = auc(scores, churned)!;
        for (const f of [(v: number) => 3 * v + 7, (v: number) => Math.exp(v / 10), Math.cbrt]) {
          const t = auc(scores.map(f), churned)!;
          expect(t.auc).toBeCloseTo(r.auc, 12);
          expect(t.se!).toBeCloseTo(r.se!, 12);
        }
      }),
    );
  });

  it('compares two scores on the same outcomes (paired DeLong)', () => {
    const rng = seededRandom(11);
    const churned = Array.from({ length: 400 }, () => rng() < 0.3);
    const good = churned.map((c) => (c ? 0 : 1) + normal(rng));
    const noise = churned.map(() => normal(rng));
    const d = aucDifference(good, noise, churned)!;
    expect(d.diff).toBeCloseTo(auc(good, churned)!.auc - auc(noise, churned)!.auc, 12);
    expect(d.ci![0]).toBeGreaterThan(0);
    const same = aucDifference(good, good, churned)!;
    expect(same.diff).toBe(0);
    expect(same.se).toBeCloseTo(0, 12);
  });

  it('handles 10,000 samples quickly', () => {
    const rng = seededRandom(3);
    const scores = Array.from({ length: 10_000 }, () => Math.round(rng() * 1000));
    const churned = scores.map(() => rng() < 0.2);
    const t0 = performance.now();
    auc(scores, churned);
    aucDifference(
      scores,
      scores.map((s) => -s),
      churned,
    );
    expect(performance.now() - t0).toBeLessThan(300);
  });
});

describe('midranks', () => {
  it('gives tied values the mean of their ranks', () => {
    expect([...midranks([10, 20, 10, 30, 20, 20])]).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });
});

describe('logistic regression', () => {
  it('recovers known coefficients from a large sample', () => {
    const rng = seededRandom(5);
    const beta = [1, -2, 0.5];
    const X = Array.from({ length: 20_000 }, () => [normal(rng), rng() * 4, normal(rng) * 3 + 10]);
    const y = X.map((x) => {
      const z = -0.5 + x.reduce((s, v, j) => s + v * beta[j]!, 0) - 0.5 * 10;
      return (rng() < sigmoid(z) ? 1 : 0) as 0 | 1;
    });
    const fit = logisticFit(X, y, { l2: 1e-3 });
    expect(fit.converged).toBe(true);
    fit.coefficients.forEach((c, j) => expect(Math.abs(c - beta[j]!)).toBeLessThan(0.1));
    expect(Math.abs(fit.intercept - -5.5)).toBeLessThan(0.5);
    expect(logisticFit(X, y, { l2: 1e-3 })).toEqual(fit); // deterministic
  });

  it('gives constant columns a zero coefficient and keeps everything finite', () => {
    const rng = seededRandom(8);
    const X = Array.from({ length: 500 }, () => [7, normal(rng)]);
    const y = X.map((x) => (rng() < sigmoid(x[1]!) ? 1 : 0) as 0 | 1);
    const fit = logisticFit(X, y, { l2: 1 });
    expect(fit.coefficients[0]).toBe(0);
    expect(fit.coefficients[1]).toBeGreaterThan(0.5);
    expect(Number.isFinite(fit.intercept)).toBe(true);
  });

  it('stays finite under perfect separation and with one class only', () => {
    const X = Array.from({ length: 100 }, (_, i) => [i]);
    const separated = X.map((x) => (x[0]! >= 50 ? 1 : 0) as 0 | 1);
    for (const l2 of [0, 1]) {
      const fit = logisticFit(X, separated, { l2 });
      expect(Number.isFinite(fit.coefficients[0]!)).toBe(true);
      expect(Number.isFinite(fit.intercept)).toBe(true);
      const p = predict(fit, [[10], [90]]);
      expect(p[0]!).toBeLessThan(0.1);
      expect(p[1]!).toBeGreaterThan(0.9);
    }
    const none = logisticFit(
      X,
      X.map(() => 0 as const),
      { l2: 1 },
    );
    expect(Number.isFinite(none.intercept)).toBe(true);
    expect(predict(none, [[50]])[0]!).toBeLessThan(0.01);
    expect(logisticFit([], [], { l2: 1 })).toMatchObject({ coefficients: [], intercept: 0 });
  });

  it('fits 10,000 samples × 20 features well under a second', () => {
    const rng = seededRandom(9);
    const X = Array.from({ length: 10_000 }, () => Array.from({ length: 20 }, () => rng() * 10));
    const y = X.map((x) => (rng() < sigmoid(1 - 0.3 * x[0]! + 0.2 * x[1]!) ? 1 : 0) as 0 | 1);
    const t0 = performance.now();
    const fit = logisticFit(X, y, { l2: 1 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]!).toBeLessThan(-0.2);
  });
});

describe('tables', () => {
  it('bins by value in equal counts, keeping ties together', () => {
    // Sorted 1 2 3 3 3 5 7 9: the 3s start at rank 2 of 8, so all of them land in bin 1.
    expect([...quantileBins([5, 1, 3, 3, 3, 9, 7, 2], 4)]).toEqual([2, 0, 1, 1, 1, 3, 3, 0]);
    expect([...quantileBins([4, 3, 2, 1], 2)]).toEqual([1, 1, 0, 0]);
  });

  it('tabulates calibration: predicted against observed churn', () => {
    const rows = calibration(
      [0.1, 0.1, 0.2, 0.3, 0.6, 0.8],
      [false, false, true, false, true, true],
      3,
    );
    expect(rows).toEqual([
      { bin: 1, n: 2, meanPredicted: 0.1, observedRate: 0, minPredicted: 0.1, maxPredicted: 0.1 },
      {
        bin: 2,
        n: 2,
        meanPredicted: 0.25,
        observedRate: 0.5,
        minPredicted: 0.2,
        maxPredicted: 0.3,
      },
      { bin: 3, n: 2, meanPredicted: 0.7, observedRate: 1, minPredicted: 0.6, maxPredicted: 0.8 },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), {
          minLength: 1,
        }),
        fc.integer({ min: 1, max: 12 }),
        (rows, bins) => {
          const t = calibration(
            rows.map((r) => r[0]),
            rows.map((r) => r[1]),
            bins,
          );
          expect(t.reduce((s, r) => s + r.n, 0)).toBe(rows.length);
          expect(t.length).toBeLessThanOrEqual(bins);
        },
      ),
    );
  });

  it('gives renewal rates by tier and the lift of a tier', () => {
    const tiers = ['green', 'green', 'green', 'green', 'red', 'red', null];
    const churned = [false, false, false, true, true, false, true];
    expect(rateByTier(tiers, churned)).toEqual([
      { tier: 'green', n: 4, churned: 1, retained: 3, retentionRate: 0.75, churnRate: 0.25 },
      { tier: 'red', n: 2, churned: 1, retained: 1, retentionRate: 0.5, churnRate: 0.5 },
    ]);
    // Red churns at 1/2 against 2/6 overall (the untiered sample is left out).
    expect(lift(tiers, churned, 'red')).toBeCloseTo(1.5, 12);
    expect(lift(tiers, churned, 'blue')).toBeNull();
    expect(lift(['a'], [false], 'a')).toBeNull();
  });

  it('apportions whole-number weights that sum to 100', () => {
    expect(apportion([1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportion([0, 0])).toEqual([0, 0]);
    expect(apportion([2, -1, 0, 1])).toEqual([67, 0, 0, 33]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 }), (s) => {
        const w = apportion(s);
        const sum = w.reduce((a, b) => a + b, 0);
        expect(sum).toBe(s.some((v) => v > 0) ? 100 : 0);
        w.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
      }),
    );
  });
});
