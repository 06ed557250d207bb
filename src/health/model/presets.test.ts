import { describe, expect, it } from 'vitest';
import { MEASURE_IDS } from '../measures/registry.js';
import { parseModelDefinition, type HealthModelDef } from './definition.js';
import { FIVE_DIMENSIONS, PRESET_MODELS, THREE_PILLARS, ladder } from './presets.js';
import { scoreWith, tierFor } from './score.js';
import { valuesOf } from './testing.js';

/** A model with the preset's tiers whose one measure scores 7.99 below 0 and `score` from 0. */
function hitting(preset: HealthModelDef, score: number): HealthModelDef {
  return parseModelDefinition({
    ...preset,
    dimensions: [
      {
        key: 'one',
        name: 'One',
        weight: 100,
        measures: [
          {
            measure: 'voice.nps',
            bands: [
              { max: 0, score: 0 },
              { min: 0, score },
            ],
          },
        ],
      },
    ],
  });
}
const compositeOf = (def: HealthModelDef) => scoreWith(def, valuesOf({ 'voice.nps': 0 }));

describe('preset models', () => {
  it('each passes validation unchanged', () => {
    for (const p of PRESET_MODELS) expect(parseModelDefinition(p)).toEqual(p);
    expect(PRESET_MODELS.map((p) => p.key)).toEqual(['three-pillars', 'five-dimensions']);
  });

  it('weights three pillars 40/30/30 and five dimensions 30/20/15/20/15', () => {
    expect(THREE_PILLARS.dimensions.map((d) => [d.name, d.weight])).toEqual([
      ['Product', 40],
      ['Relationship', 30],
      ['Outcomes', 30],
    ]);
    expect(FIVE_DIMENSIONS.dimensions.map((d) => [d.name, d.weight])).toEqual([
      ['Product Usage', 30],
      ['Engagement', 20],
      ['Relationship', 15],
      ['Outcomes', 20],
      ['Financial', 15],
    ]);
  });

  it('uses every registry measure in at least one preset', () => {
    const used = new Set(
      PRESET_MODELS.flatMap((p) => p.dimensions.flatMap((d) => d.measures.map((m) => m.measure))),
    );
    expect(MEASURE_IDS.filter((id) => !used.has(id))).toEqual([]);
  });

  it('draws the three-pillar tiers at 80 and 60', () => {
    const name = (c: number) => tierFor(THREE_PILLARS.tiers, c)?.name;
    expect([name(100), name(80), name(79.9), name(60), name(59.9), name(0)]).toEqual([
      'Green',
      'Green',
      'Yellow',
      'Yellow',
      'Red',
      'Red',
    ]);
    expect(compositeOf(hitting(THREE_PILLARS, 8))).toMatchObject({ composite: 80, tier: 'Green' });
    expect(compositeOf(hitting(THREE_PILLARS, 7.99))).toMatchObject({
      composite: 79.9,
      tier: 'Yellow',
    });
    expect(compositeOf(hitting(THREE_PILLARS, 6))).toMatchObject({ composite: 60, tier: 'Yellow' });
    expect(compositeOf(hitting(THREE_PILLARS, 5.99))).toMatchObject({
      composite: 59.9,
      tier: 'Red',
    });
  });

  it('draws the five-dimension tiers at 80, 60 and 40', () => {
    const cases: [number, number, string][] = [
      [8, 80, 'Thriving'],
      [7.99, 79.9, 'Healthy'],
      [6, 60, 'Healthy'],
      [5.99, 59.9, 'At-Risk'],
      [4, 40, 'At-Risk'],
      [3.99, 39.9, 'Critical'],
      [0, 0, 'Critical'],
    ];
    for (const [score, composite, tier] of cases) {
      expect(compositeOf(hitting(FIVE_DIMENSIONS, score))).toMatchObject({ composite, tier });
      expect(tierFor(FIVE_DIMENSIONS.tiers, composite)?.name).toBe(tier);
    }
    // A composite of 79.96 shows as 80.0 and is scored on what is shown.
    expect(compositeOf(hitting(FIVE_DIMENSIONS, 7.996))).toMatchObject({
      composite: 80,
      tier: 'Thriving',
    });
  });

  it('scores a healthy account high and a struggling one low', () => {
    const healthy = valuesOf({
      'usage.stickiness': 0.5,
      'usage.feature_breadth': 0.6,
      'usage.seat_utilisation': 0.85,
      'usage.login_frequency': 15,
      'usage.active_users_trend': 12,
      'support.open_tickets': 1,
      'support.urgent_tickets': 0,
      'support.ticket_trend': -5,
      'support.csat': 4.6,
      'voice.nps': 45,
      'voice.nps_trend': 0.8,
      'relationship.champion': 1,
      'relationship.executive_sponsor': 1,
      'relationship.last_touch_days': 6,
      'commercial.days_to_renewal': 200,
      'commercial.payment_issues': 0,
      'commercial.contraction': 0,
      'manual.csm_sentiment': 8,
      'manual.executive_engagement': 8,
    });
    const struggling = valuesOf({
      'usage.stickiness': 0.08,
      'usage.feature_breadth': 0.15,
      'usage.seat_utilisation': 0.25,
      'usage.login_frequency': 2,
      'usage.active_users_trend': -40,
      'support.open_tickets': 7,
      'support.urgent_tickets': 2,
      'support.ticket_trend': 120,
      'support.csat': 2.8,
      'voice.nps': -40,
      'voice.nps_trend': -3,
      'relationship.champion': 0,
      'relationship.executive_sponsor': 0,
      'relationship.last_touch_days': 75,
      'commercial.days_to_renewal': 20,
      'commercial.payment_issues': 2,
      'commercial.contraction': 30,
      'manual.csm_sentiment': 3,
      'manual.executive_engagement': 2,
    });
    expect(scoreWith(THREE_PILLARS, healthy).tier).toBe('Green');
    expect(scoreWith(FIVE_DIMENSIONS, healthy).tier).toBe('Thriving');
    expect(scoreWith(THREE_PILLARS, struggling).tier).toBe('Red');
    expect(scoreWith(FIVE_DIMENSIONS, struggling).tier).toBe('Critical');
    expect(scoreWith(FIVE_DIMENSIONS, healthy).coverage).toBe(1);
  });
});

describe('ladder', () => {
  it('turns cut points into gap-free bands', () => {
    expect(ladder([1, 5, 9], [10, 20])).toEqual([
      { max: 10, score: 1 },
      { min: 10, max: 20, score: 5 },
      { min: 20, score: 9 },
    ]);
    expect(ladder([7], [])).toEqual([{ score: 7 }]);
  });
});
