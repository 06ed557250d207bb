import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import {
  BUCKETS,
  DEFAULT_BUCKET_RULES,
  DEFAULT_PROBABILITIES,
  PRIOR_WEIGHT,
  bucketOf,
  calibrate,
  forecastOf,
  quarterOf,
  quarterRange,
  windowOf,
  windowRange,
  WINDOW_KEYS,
  type Bucket,
  type BucketSignals,
  type OutcomeCounts,
} from './model.js';

const signals = fc.record<BucketSignals>({
  tierRank: fc.constantFrom('top', 'middle', 'lowest', null),
  worstAlert: fc.constantFrom('critical', 'high', 'medium', 'low', null),
  usageTrendPct: fc.option(fc.double({ min: -100, max: 300, noNaN: true }), { nil: null }),
  expansionScore: fc.integer({ min: 0, max: 17 }),
});
const rules = fc
  .record({
    riskUsageDropPct: fc.integer({ min: 1, max: 100 }),
    extra: fc.integer({ min: 0, max: 50 }),
    expansionThreshold: fc.integer({ min: 1, max: 17 }),
  })
  .map((r) => ({
    riskUsageDropPct: r.riskUsageDropPct,
    churnUsageDropPct: Math.min(100, r.riskUsageDropPct + r.extra),
    expansionThreshold: r.expansionThreshold,
  }));

const RANK: Record<Bucket, number> = { churning: 0, at_risk: 1, on_track: 2, expanding: 3 };

describe('bucket rules', () => {
  it('follow the documented rules, in order, for any signals and settings', () => {
    fc.assert(
      fc.property(signals, rules, (s, r) => {
        const severe = s.worstAlert === 'critical' || s.worstAlert === 'high';
        const drop = s.usageTrendPct === null ? 0 : -s.usageTrendPct;
        const lowest = s.tierRank === 'lowest';
        const expected: Bucket =
          lowest && (severe || drop >= r.churnUsageDropPct)
            ? 'churning'
            : lowest || severe || drop >= r.riskUsageDropPct
              ? 'at_risk'
              : s.expansionScore >= r.expansionThreshold
                ? 'expanding'
                : 'on_track';
        const got = bucketOf(s, r);
        expect(got.bucket).toBe(expected);
        expect(got.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('worse signals never give a better bucket', () => {
    fc.assert(
      fc.property(signals, fc.double({ min: 0, max: 100, noNaN: true }), (s, more) => {
        const worse: BucketSignals = {
          ...s,
          usageTrendPct: (s.usageTrendPct ?? 0) - more,
          expansionScore: s.expansionScore,
        };
        const a = bucketOf(s).bucket;
        const b = bucketOf(worse).bucket;
        // Dropping usage only moves towards risk; expanding can only give way to risk.
        if (RANK[a] <= RANK.on_track) expect(RANK[b]).toBeLessThanOrEqual(RANK[a]);
        else expect(b === 'expanding' || RANK[b] <= RANK.at_risk).toBe(true);
      }),
    );
  });

  it('say why', () => {
    expect(
      bucketOf({ tierRank: 'lowest', worstAlert: 'high', usageTrendPct: 0, expansionScore: 9 }),
    ).toEqual({ bucket: 'churning', reason: 'lowest health tier and a high alert open' });
    expect(
      bucketOf({ tierRank: 'top', worstAlert: null, usageTrendPct: -35, expansionScore: 9 }),
    ).toEqual({ bucket: 'at_risk', reason: 'usage down 35%' });
    expect(
      bucketOf({ tierRank: null, worstAlert: null, usageTrendPct: null, expansionScore: 0 }),
    ).toEqual({ bucket: 'on_track', reason: 'no health score yet' });
    expect(DEFAULT_BUCKET_RULES.expansionThreshold).toBe(5);
  });
});

describe('windows', () => {
  it('every renewal date in a window’s range is in that window, and the ranges tile the horizon', () => {
    fc.assert(
      fc.property(fc.integer({ min: -400, max: 130 }), (offset) => {
        const today = '2027-03-15';
        const day = addDays(today, offset);
        const w = windowOf(day, today);
        if (offset > 120) {
          expect(w).toBeNull();
          return;
        }
        expect(w).not.toBeNull();
        const r = windowRange(w!, today);
        expect(day <= r.to && (r.from === null || day >= r.from)).toBe(true);
        const inRanges = WINDOW_KEYS.filter((k) => {
          const x = windowRange(k, today);
          return day <= x.to && (x.from === null || day >= x.from);
        });
        expect(inRanges).toEqual([w]);
      }),
    );
  });

  it('puts the thresholds in the tighter window', () => {
    const today = '2027-01-01';
    expect(windowOf(today, today)).toBe('30');
    expect(windowOf(addDays(today, 30), today)).toBe('30');
    expect(windowOf(addDays(today, 31), today)).toBe('60');
    expect(windowOf(addDays(today, 120), today)).toBe('120');
    expect(windowOf(addDays(today, -1), today)).toBe('overdue');
  });
});

const bucketArb = fc.constantFrom(...BUCKETS);
const subs = fc.array(
  fc.record({
    arrMinor: fc.integer({ min: 0, max: 1_200_000_000_000 }),
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    bucket: bucketArb,
  }),
  { maxLength: 60 },
);
const probs = fc.record({
  on_track: fc.integer({ min: 0, max: 10_000 }),
  at_risk: fc.integer({ min: 0, max: 10_000 }),
  expanding: fc.integer({ min: 0, max: 10_000 }),
  churning: fc.integer({ min: 0, max: 10_000 }),
});

/** Round half away from zero of n / d for non-negative bigints. */
const roundDiv = (n: bigint, d: bigint) => (n * 2n + d) / (2n * d);

describe('forecast', () => {
  it('expected ARR equals the sum over subscriptions of ARR × probability, rounded once', () => {
    fc.assert(
      fc.property(subs, probs, (list, p) => {
        // Grouped as the SQL does, in arbitrary chunks per bucket.
        const grouped = list.map((s) => ({ ...s, count: 1 }));
        const out = forecastOf(grouped, p);
        for (const c of out) {
          const mine = list.filter((s) => s.currency === c.currency);
          const exact = mine.reduce((t, s) => t + BigInt(s.arrMinor) * BigInt(p[s.bucket]), 0n);
          expect(BigInt(c.expectedMinor)).toBe(roundDiv(exact, 10_000n));
          const up = mine.reduce((t, s) => t + s.arrMinor, 0);
          expect(c.upMinor).toBe(up);
          expect(c.renewals).toBe(mine.length);
          expect(c.byBucket.reduce((t, b) => t + b.arrMinor, 0)).toBe(up);
          const arrOf = (bs: Bucket[]) =>
            mine.filter((s) => bs.includes(s.bucket)).reduce((t, s) => t + s.arrMinor, 0);
          expect(c.atRiskMinor).toBe(arrOf(['at_risk', 'churning']));
          expect(c.worstMinor).toBe(arrOf(['on_track', 'expanding']));
          expect(c.bestMinor).toBe(arrOf(['on_track', 'at_risk', 'expanding']));
          expect(c.worstMinor).toBeLessThanOrEqual(c.bestMinor);
        }
        expect(out.map((c) => c.currency)).toEqual(
          [...new Set(list.map((s) => s.currency))].sort(),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('calibration', () => {
  it('stays between the configured value and the observed rate, and moves toward history', () => {
    fc.assert(
      fc.property(
        probs,
        fc.array(fc.tuple(fc.nat(500), fc.nat(500)), { minLength: 4, maxLength: 4 }),
        (p, pairs) => {
          const counts = Object.fromEntries(
            BUCKETS.map((b, i) => {
              const [x, y] = pairs[i]!;
              return [b, { renewed: Math.min(x, y), total: Math.max(x, y) }];
            }),
          ) as OutcomeCounts;
          for (const c of calibrate(p, counts)) {
            const { renewed, total } = counts[c.bucket];
            if (total === 0) {
              expect(c.bp).toBe(p[c.bucket]);
              expect(c.source).toBe('configured');
              continue;
            }
            const observed = (renewed / total) * 10_000;
            const lo = Math.min(observed, p[c.bucket]);
            const hi = Math.max(observed, p[c.bucket]);
            expect(c.bp).toBeGreaterThanOrEqual(Math.floor(lo));
            expect(c.bp).toBeLessThanOrEqual(Math.ceil(hi));
            const exact = (renewed * 10_000 + PRIOR_WEIGHT * p[c.bucket]) / (total + PRIOR_WEIGHT);
            expect(Math.abs(c.bp - exact)).toBeLessThanOrEqual(0.5);
          }
        },
      ),
    );
  });

  it('a bucket with a long history follows it', () => {
    const counts = Object.fromEntries(
      BUCKETS.map((b) => [b, { renewed: 0, total: 0 }]),
    ) as OutcomeCounts;
    counts.at_risk = { renewed: 300, total: 1000 };
    const at = calibrate(DEFAULT_PROBABILITIES, counts).find((c) => c.bucket === 'at_risk')!;
    expect(at.bp).toBe(Math.round((300 * 10_000 + 10 * 5_000) / 1010));
    expect(at.source).toBe('calibrated');
  });
});

describe('quarters', () => {
  it('parse and name calendar quarters', () => {
    expect(quarterRange('2027Q1')).toEqual({ from: '2027-01-01', to: '2027-03-31' });
    expect(quarterRange('2027-q4')).toEqual({ from: '2027-10-01', to: '2027-12-31' });
    expect(quarterRange('2024Q1')).toEqual({ from: '2024-01-01', to: '2024-03-31' });
    expect(quarterRange('2027Q5')).toBeNull();
    expect(quarterOf('2027-08-09')).toBe('2027Q3');
  });
});
