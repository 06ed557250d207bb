import { describe, expect, it } from 'vitest';
import type { MeasureValues } from '../measures/registry.js';
import { explainChange, type Driver, type Side } from './drivers.js';
import { FIVE_DIMENSIONS, THREE_PILLARS } from './presets.js';
import { scoreWith } from './score.js';
import { valuesOf } from './testing.js';

const before = valuesOf({
  'usage.login_frequency': 15, // 9
  'usage.feature_breadth': 0.6, // 8
  'usage.seat_utilisation': 0.85, // 10
  'support.open_tickets': 0, // 10
  'manual.executive_engagement': 8,
  'relationship.last_touch_days': 10, // 10
  'voice.nps': 40, // 7
  'relationship.champion': 1, // 9
  'manual.csm_sentiment': 8,
  'commercial.contraction': 0, // 10
  'usage.active_users_trend': 12, // 8
});
const side = (values: MeasureValues, over: Partial<Side> = {}): Side => ({
  def: THREE_PILLARS,
  modelId: 'm1',
  version: 1,
  values,
  ...over,
});
const total = (ds: Driver[]) => ds.reduce((a, d) => a + d.contributionTenths, 0);

describe('explainChange', () => {
  it('splits a change under one model into the measures that moved', () => {
    const after = { ...before, 'relationship.champion': 0, 'relationship.last_touch_days': 45 };
    const e = explainChange(side(before), side(after));
    expect(e.fromTenths).toBe(scoreWith(THREE_PILLARS, before).compositeTenths);
    expect(e.toTenths).toBe(scoreWith(THREE_PILLARS, after).compositeTenths);
    expect(e.changeTenths).toBe(e.toTenths! - e.fromTenths!);
    expect(total(e.drivers)).toBe(e.changeTenths);
    // Champion 9 → 2 and last touch 10 → 4 cost 30% ÷ 4 × 7 and × 6 points.
    expect(e.drivers.slice(0, 2)).toEqual([
      {
        kind: 'measure',
        measure: 'relationship.champion',
        dimension: 'relationship',
        fromValue: 1,
        toValue: 0,
        fromScore: 9,
        toScore: 2,
        contributionTenths: -52, // −52.5 exactly; the rounding of the two totals decides the half
      },
      expect.objectContaining({ measure: 'relationship.last_touch_days', contributionTenths: -45 }),
    ]);
    expect(e.drivers.every((d) => d.kind === 'measure')).toBe(true);
  });

  it('has no drivers when nothing changed', () => {
    expect(explainChange(side(before), side(before))).toEqual({
      fromTenths: expect.any(Number),
      toTenths: expect.any(Number),
      changeTenths: 0,
      drivers: [],
    });
  });

  it('counts a missing score as 0 so the parts still add up', () => {
    const e = explainChange(side(valuesOf({})), side(before));
    expect(e.fromTenths).toBeNull();
    expect(e.changeTenths).toBe(e.toTenths);
    expect(total(e.drivers)).toBe(e.changeTenths);
    const back = explainChange(side(before), side(valuesOf({})));
    expect(back.toTenths).toBeNull();
    expect(total(back.drivers)).toBe(-back.fromTenths!);
  });

  it('credits a change of model to the model, and the rest to the measures', () => {
    const after = { ...before, 'voice.nps': -10 };
    const from = side(before);
    const to = side(after, { def: FIVE_DIMENSIONS, modelId: 'm2', version: 4 });
    const e = explainChange(from, to);
    const rescored = scoreWith(FIVE_DIMENSIONS, before).compositeTenths!;
    const model = e.drivers.find((d) => d.kind === 'model_version');
    expect(model).toEqual({
      kind: 'model_version',
      fromVersion: 1,
      toVersion: 4,
      contributionTenths: rescored - e.fromTenths!,
    });
    expect(total(e.drivers)).toBe(e.changeTenths);
    const nps = e.drivers.find((d) => d.kind === 'measure' && d.measure === 'voice.nps');
    expect(nps).toMatchObject({ fromValue: 40, toValue: -10, fromScore: 7, toScore: 2 });
  });

  it('treats a new version of the same model as a model change', () => {
    const e = explainChange(side(before), side(before, { version: 2 }));
    expect(e.drivers).toEqual([
      { kind: 'model_version', fromVersion: 1, toVersion: 2, contributionTenths: 0 },
    ]);
  });

  it('lists the largest drivers first', () => {
    const after = {
      ...before,
      'usage.seat_utilisation': 0.1,
      'voice.nps': 35,
      'manual.csm_sentiment': 5,
    };
    const sizes = explainChange(side(before), side(after)).drivers.map((d) =>
      Math.abs(d.contributionTenths),
    );
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });
});
