import { describe, expect, it } from 'vitest';
import type { MeasureId } from '../measures/registry.js';
import { parseModelDefinition, type HealthModelDef } from './definition.js';
import { THREE_PILLARS, ladder } from './presets.js';
import { apportion, bandScore, scoreWith, tierFor } from './score.js';
import { valuesOf } from './testing.js';

/** Bands that score a value 0–10 as itself (rounded down), for arithmetic checks. */
const identity = ladder([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const dimension = (key: string, weight: number, ids: MeasureId[]) => ({
  key,
  name: key[0]!.toUpperCase() + key.slice(1),
  weight,
  measures: ids.map((measure) => ({ measure, bands: identity })),
});

/** The three pillars with each pillar's inputs scored directly, as in the worked example. */
const ACME_MODEL: HealthModelDef = parseModelDefinition({
  key: 'pillars-by-hand',
  name: 'Pillars scored by hand',
  dimensions: [
    dimension('product', 40, [
      'usage.login_frequency',
      'usage.feature_breadth',
      'usage.seat_utilisation',
      'usage.stickiness',
    ]),
    dimension('relationship', 30, [
      'manual.executive_engagement',
      'relationship.champion',
      'voice.nps',
      'support.csat',
    ]),
    dimension('outcomes', 30, [
      'manual.csm_sentiment',
      'commercial.days_to_renewal',
      'voice.nps_trend',
    ]),
  ],
  tiers: THREE_PILLARS.tiers,
});

describe('scoreWith', () => {
  it('reproduces the worked example: pillars 8.75, 8.00, 8.33 make 84, green', () => {
    const s = scoreWith(
      ACME_MODEL,
      valuesOf({
        'usage.login_frequency': 9,
        'usage.feature_breadth': 8,
        'usage.seat_utilisation': 9,
        'usage.stickiness': 9,
        'manual.executive_engagement': 8,
        'relationship.champion': 7,
        'voice.nps': 9,
        'support.csat': 8,
        'manual.csm_sentiment': 8,
        'commercial.days_to_renewal': 9,
        'voice.nps_trend': 8,
      }),
    );
    expect(s.dimensions.map((d) => d.score)).toEqual([8.75, 8, expect.closeTo(8.333, 3)]);
    expect(s.compositeTenths).toBe(840);
    expect(s.composite).toBe(84);
    expect(s.tier).toBe('Green');
    expect(s.coverage).toBe(1);
    expect(s.measures.reduce((a, m) => a + m.contributionTenths, 0)).toBe(840);
    // Login frequency: 40% ÷ 4 measures × 9 × 10 points = 9.0 points.
    expect(s.measures[0]).toMatchObject({ effectiveWeight: 0.1, contributionTenths: 90 });
  });

  it('re-weights over the dimensions that have data and reports coverage', () => {
    const s = scoreWith(
      ACME_MODEL,
      valuesOf({ 'usage.login_frequency': 6, 'usage.feature_breadth': 8, 'voice.nps': 3 }),
    );
    // Product 7 (two of four measures), relationship 3 (one of four), outcomes missing:
    // (40 × 7 + 30 × 3) ÷ 70 × 10 = 52.857…
    expect(s.dimensions.map((d) => d.score)).toEqual([7, 3, null]);
    expect(s.dimensions.map((d) => d.effectiveWeight)).toEqual([4 / 7, 3 / 7, 0]);
    expect(s.compositeTenths).toBe(529);
    expect(s.tier).toBe('Red');
    expect(s.coverage).toBeCloseTo(0.4 * 0.5 + 0.3 * 0.25, 12);
    expect(
      s.measures.filter((m) => m.score === null).every((m) => m.contributionTenths === 0),
    ).toBe(true);
    expect(s.measures.reduce((a, m) => a + m.contributionTenths, 0)).toBe(529);
  });

  it('weights measures inside a dimension', () => {
    const def = parseModelDefinition({
      ...ACME_MODEL,
      dimensions: [
        {
          key: 'all',
          name: 'All',
          weight: 100,
          measures: [
            { measure: 'manual.csm_sentiment', weight: 3, bands: identity },
            { measure: 'voice.nps', bands: identity },
          ],
        },
      ],
    });
    const s = scoreWith(def, valuesOf({ 'manual.csm_sentiment': 10, 'voice.nps': 2 }));
    expect(s.compositeTenths).toBe(800);
    expect(s.measures.map((m) => m.contributionTenths)).toEqual([750, 50]);
    expect(s.measures.map((m) => m.effectiveWeight)).toEqual([0.75, 0.25]);
  });

  it('gives no composite and no tier without any data', () => {
    const s = scoreWith(THREE_PILLARS, valuesOf({}));
    expect(s).toMatchObject({ compositeTenths: null, composite: null, tier: null, coverage: 0 });
    expect(s.dimensions.every((d) => d.score === null && d.effectiveWeight === 0)).toBe(true);
    expect(s.measures.every((m) => m.contributionTenths === 0 && m.value === null)).toBe(true);
  });

  it('treats a non-finite value as no data', () => {
    const s = scoreWith(ACME_MODEL, valuesOf({ 'usage.seat_utilisation': NaN, 'voice.nps': 5 }));
    expect(s.measures.find((m) => m.measure === 'usage.seat_utilisation')!.value).toBeNull();
    expect(s.compositeTenths).toBe(500);
  });

  it('rounds half a tenth up and splits the rounding so contributions add up', () => {
    // 1 ÷ 3 each of 10 points: 33.3… tenths three times, 100 in all.
    const def = parseModelDefinition({
      ...ACME_MODEL,
      dimensions: [dimension('all', 100, ['voice.nps', 'voice.nps_trend', 'support.csat'])],
    });
    const s = scoreWith(def, valuesOf({ 'voice.nps': 1, 'voice.nps_trend': 1, 'support.csat': 1 }));
    expect(s.compositeTenths).toBe(100);
    expect(s.measures.map((m) => m.contributionTenths)).toEqual([34, 33, 33]);
    const half = parseModelDefinition({
      ...def,
      dimensions: [
        {
          key: 'all',
          name: 'All',
          weight: 100,
          measures: [
            {
              measure: 'voice.nps',
              bands: [
                { max: 0, score: 8.25 },
                { min: 0, score: 8.45 },
              ],
            },
          ],
        },
      ],
    });
    expect(scoreWith(half, valuesOf({ 'voice.nps': -1 })).compositeTenths).toBe(825);
    expect(scoreWith(half, valuesOf({ 'voice.nps': 1 })).compositeTenths).toBe(845);
  });
});

describe('bandScore', () => {
  const bands = [
    { max: 10, score: 2 },
    { min: 10, max: 20, score: 5 },
    { min: 20, score: 9 },
  ];
  it('includes min and excludes max', () => {
    expect(bandScore(bands, 9.999)).toBe(2);
    expect(bandScore(bands, 10)).toBe(5);
    expect(bandScore(bands, 19.999)).toBe(5);
    expect(bandScore(bands, 20)).toBe(9);
    expect(bandScore(bands, -1e9)).toBe(2);
    expect(bandScore(bands, 1e9)).toBe(9);
  });
  it('refuses a value no band holds (a definition that was never parsed)', () => {
    expect(() => bandScore([{ min: 0, score: 1 }], -1)).toThrow(/no band/);
  });
});

describe('tierFor', () => {
  it('puts a composite in the first tier whose min it reaches', () => {
    expect(tierFor(THREE_PILLARS.tiers, 100)?.name).toBe('Green');
    expect(tierFor(THREE_PILLARS.tiers, 0)?.name).toBe('Red');
    expect(tierFor([{ name: 'Only', min: 10 }], 5)).toBeNull();
  });
});

describe('apportion', () => {
  it('gives the leftover units to the largest remainders, earlier first on ties', () => {
    expect(apportion([33.4, 33.3, 33.3], 100)).toEqual([34, 33, 33]);
    expect(apportion([10.5, 10.5, 10], 32)).toEqual([11, 11, 10]);
    expect(apportion([10.5, 10.5, 10], 31)).toEqual([11, 10, 10]);
    expect(apportion([0, 0, 0], 0)).toEqual([0, 0, 0]);
    expect(apportion([], 0)).toEqual([]);
  });
});
