import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SEGMENTS, STAGES } from '../../accounts/account/model.js';
import { MEASURES, MEASURE_IDS, type MeasureId, type MeasureValues } from '../measures/registry.js';
import {
  checkModelDefinition,
  parseModelDefinition,
  type HealthModelDef,
  type ModelMeasure,
} from './definition.js';
import { explainChange } from './drivers.js';
import { modelFromText, modelToText } from './file.js';
import { PRESET_MODELS, ladder } from './presets.js';
import { bandScore, scoreWith } from './score.js';

// ----- generators ------------------------------------------------------------------------------

/** The registry's range, with a plausible top for open-ended measures. */
function rangeOf(id: MeasureId): [number, number] {
  const { min, max, unit } = MEASURES[id];
  const open = unit === 'ratio' ? 3 : unit === 'days' ? 500 : unit === 'percent' ? 400 : 60;
  return [min, max ?? min + open];
}

/** Cut points of every preset, so generated values land exactly on band edges often. */
const PRESET_CUTS = PRESET_MODELS.flatMap((p) =>
  p.dimensions.flatMap((d) => d.measures.flatMap((m) => m.bands.flatMap((b) => [b.min, b.max]))),
).filter((x): x is number => x !== undefined);

function valueArb(id: MeasureId): fc.Arbitrary<number> {
  const [min, max] = rangeOf(id);
  const edges = PRESET_CUTS.filter((x) => x >= min && x <= max);
  return fc.oneof(
    fc.double({ min, max, noNaN: true }),
    fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
    fc.constantFrom(...(edges.length > 0 ? edges : [min])),
  );
}

const valuesArb: fc.Arbitrary<MeasureValues> = fc.record(
  Object.fromEntries(
    MEASURE_IDS.map((id) => [id, fc.option(valueArb(id), { nil: null, freq: 4 })]),
  ) as Record<MeasureId, fc.Arbitrary<number | null>>,
);

/** Sorted distinct integers in [lo, hi], `count` of them. */
const cutsArb = (lo: number, hi: number, count: number): fc.Arbitrary<number[]> =>
  count === 0
    ? fc.constant([])
    : fc
        .uniqueArray(fc.integer({ min: lo, max: hi }), { minLength: count, maxLength: count })
        .map((xs) => xs.sort((a, b) => a - b));

function measureArb(id: MeasureId): fc.Arbitrary<ModelMeasure> {
  const [min, max] = rangeOf(id);
  return fc
    .record({
      cuts: fc.uniqueArray(fc.double({ min, max, noNaN: true }), { maxLength: 4 }),
      scores: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 5, maxLength: 5 }),
      weight: fc.option(
        fc.integer({ min: 1, max: 50 }).map((w) => w / 10),
        { nil: undefined },
      ),
    })
    .map(({ cuts, scores, weight }) => {
      const sortedCuts = cuts.map((c) => (Object.is(c, -0) ? 0 : c)).sort((a, b) => a - b);
      const s = scores.slice(0, sortedCuts.length + 1).map((x) => x / 10);
      s.sort((a, b) => (MEASURES[id].higherIsBetter ? a - b : b - a));
      const bands = ladder(s, sortedCuts);
      return weight === undefined ? { measure: id, bands } : { measure: id, weight, bands };
    });
}

/** Valid models of 1–4 dimensions over up to 8 distinct registry measures. */
const randomModelArb: fc.Arbitrary<HealthModelDef> = fc
  .shuffledSubarray([...MEASURE_IDS], { minLength: 1, maxLength: 8 })
  .chain((ids) =>
    fc.integer({ min: 1, max: Math.min(4, ids.length) }).chain((dims) =>
      fc.record({
        splits: cutsArb(1, ids.length - 1, dims - 1),
        weights: cutsArb(1, 99, dims - 1),
        measures: fc.tuple(...ids.map(measureArb)),
        name: fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
          .filter((x) => /\S/.test(x)),
        description: fc.option(fc.string({ unit: 'grapheme', maxLength: 300 }), { nil: undefined }),
        appliesTo: fc.option(
          fc.record(
            {
              segments: fc.subarray([...DEFAULT_SEGMENTS], { minLength: 1 }),
              stages: fc.subarray([...STAGES], { minLength: 1 }),
            },
            { requiredKeys: [], noNullPrototype: true },
          ),
          { nil: undefined },
        ),
        tiers: cutsArb(1, 100, 3).chain((mins) => fc.subarray(mins)),
      }),
    ),
  )
  .map(({ splits, weights, measures, tiers, name, description, appliesTo }) => {
    const bounds = [0, ...splits, measures.length];
    const percents = [0, ...weights, 100];
    return {
      key: 'random',
      name,
      ...(description === undefined ? {} : { description }),
      ...(appliesTo === undefined ? {} : { appliesTo }),
      dimensions: bounds.slice(1).map((end, i) => ({
        key: `d${i}`,
        name: `D${i}`,
        weight: percents[i + 1]! - percents[i]!,
        measures: measures.slice(bounds[i], end),
      })),
      tiers: [...tiers.sort((a, b) => b - a), 0].map((min, i) => ({ name: `T${i}`, min })),
    };
  });

const modelArb = fc.oneof(fc.constantFrom(...PRESET_MODELS), randomModelArb);

const measuresOf = (def: HealthModelDef) => def.dimensions.flatMap((d) => d.measures);
const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);

// ----- properties ------------------------------------------------------------------------------

describe('health model properties', () => {
  it('generates only valid models', () => {
    fc.assert(
      fc.property(randomModelArb, (def) => {
        expect(parseModelDefinition(def)).toStrictEqual(def);
      }),
    );
  });

  it('never throws on arbitrary input, only reports issues', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(Array.isArray(checkModelDefinition(input))).toBe(true);
      }),
    );
  });

  it('accepts only bands that score every value, better values never lower', () => {
    // Tilings with shuffled scores, then often one bound nudged, dropped or added: mostly
    // near-misses, so the check has to tell valid from almost valid.
    type Band = { min?: number; max?: number; score: number };
    const caseArb = fc
      .record({
        id: fc.constantFrom(...MEASURE_IDS),
        cuts: cutsArb(-3, 3, 2),
        scores: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 3, maxLength: 3 }),
        sorted: fc.boolean(),
        nudge: fc.option(
          fc.record({
            band: fc.nat(2),
            side: fc.constantFrom('min' as const, 'max' as const),
            to: fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined }),
          }),
          { nil: null },
        ),
      })
      .map(({ id, cuts, scores, sorted, nudge }) => {
        const up = MEASURES[id].higherIsBetter;
        const s = sorted ? [...scores].sort((a, b) => (up ? a - b : b - a)) : scores;
        const bands: Band[] = ladder(s, cuts);
        if (nudge) {
          const b = bands[nudge.band]!;
          if (nudge.to === undefined) delete b[nudge.side];
          else b[nudge.side] = nudge.to;
        }
        return { id, bands };
      });
    fc.assert(
      fc.property(caseArb, ({ id, bands }) => {
        const def = {
          key: 'k',
          name: 'K',
          dimensions: [{ key: 'd', name: 'D', weight: 100, measures: [{ measure: id, bands }] }],
          tiers: [{ name: 'All', min: 0 }],
        };
        fc.pre(checkModelDefinition(def).length === 0);
        const points = [-4, -3, -2.5, -2, -1, -0.5, 0, 0.5, 1, 2, 2.5, 3, 4];
        const scores = points.map((v) => bandScore(bands, v));
        const ordered = MEASURES[id].higherIsBetter ? scores : [...scores].reverse();
        expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the composite in 0–100, null exactly when the model sees no data', () => {
    fc.assert(
      fc.property(modelArb, valuesArb, (def, values) => {
        const s = scoreWith(def, values);
        const any = measuresOf(def).some((m) => values[m.measure] !== null);
        if (!any) {
          expect(s).toMatchObject({
            compositeTenths: null,
            composite: null,
            tier: null,
            coverage: 0,
          });
          return;
        }
        expect(Number.isInteger(s.compositeTenths)).toBe(true);
        expect(s.compositeTenths).toBeGreaterThanOrEqual(0);
        expect(s.compositeTenths).toBeLessThanOrEqual(1000);
        expect(s.composite).toBe(s.compositeTenths! / 10);
        expect(s.tier).not.toBeNull();
        expect(s.coverage).toBeGreaterThan(0);
        expect(s.coverage).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('splits the composite into measure contributions that add up exactly', () => {
    fc.assert(
      fc.property(modelArb, valuesArb, (def, values) => {
        const s = scoreWith(def, values);
        expect(s.measures.every((m) => Number.isInteger(m.contributionTenths))).toBe(true);
        expect(sum(s.measures.map((m) => m.contributionTenths))).toBe(s.compositeTenths ?? 0);
        for (const m of s.measures) if (m.score === null) expect(m.contributionTenths).toBe(0);
        if (s.compositeTenths !== null)
          expect(sum(s.measures.map((m) => m.effectiveWeight))).toBeCloseTo(1, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('re-weights missing data within the range of the scores that are present', () => {
    fc.assert(
      fc.property(modelArb, valuesArb, (def, values) => {
        const s = scoreWith(def, values);
        const scores = s.measures.map((m) => m.score).filter((x): x is number => x !== null);
        fc.pre(scores.length > 0);
        expect(s.compositeTenths).toBeGreaterThanOrEqual(Math.round(Math.min(...scores) * 100));
        expect(s.compositeTenths).toBeLessThanOrEqual(Math.round(Math.max(...scores) * 100));
      }),
      { numRuns: 300 },
    );
  });

  it('never lowers the composite when one measure gets better', () => {
    const caseArb = modelArb.chain((def) =>
      fc.constantFrom(...measuresOf(def).map((m) => m.measure)).chain((id) =>
        fc.record({
          def: fc.constant(def),
          id: fc.constant(id),
          values: valuesArb,
          a: valueArb(id),
          b: valueArb(id),
        }),
      ),
    );
    fc.assert(
      fc.property(caseArb, ({ def, id, values, a, b }) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [worse, better] = MEASURES[id].higherIsBetter ? [lo, hi] : [hi, lo];
        const at = (v: number) => scoreWith(def, { ...values, [id]: v }).compositeTenths!;
        expect(at(better)).toBeGreaterThanOrEqual(at(worse));
      }),
      { numRuns: 500 },
    );
  });

  it('explains every change with drivers that add up to it, under one model', () => {
    fc.assert(
      fc.property(modelArb, valuesArb, valuesArb, (def, a, b) => {
        const e = explainChange(
          { def, modelId: 'm', version: 3, values: a },
          { def, modelId: 'm', version: 3, values: b },
        );
        expect(e.changeTenths).toBe((e.toTenths ?? 0) - (e.fromTenths ?? 0));
        expect(sum(e.drivers.map((d) => d.contributionTenths))).toBe(e.changeTenths);
        expect(e.drivers.every((d) => d.kind === 'measure')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('explains a change across two models, crediting the model change separately', () => {
    fc.assert(
      fc.property(modelArb, modelArb, valuesArb, valuesArb, (d1, d2, a, b) => {
        const e = explainChange(
          { def: d1, modelId: 'one', version: 1, values: a },
          { def: d2, modelId: 'two', version: 1, values: b },
        );
        expect(sum(e.drivers.map((d) => d.contributionTenths))).toBe(e.changeTenths);
        const model = e.drivers.filter((d) => d.kind === 'model_version');
        expect(model).toHaveLength(1);
        const bridge = scoreWith(d2, a).compositeTenths ?? 0;
        expect(model[0]!.contributionTenths).toBe(bridge - (e.fromTenths ?? 0));
        const sizes = e.drivers.map((d) => Math.abs(d.contributionTenths));
        expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any valid model through YAML and JSON', () => {
    fc.assert(
      fc.property(randomModelArb, fc.constantFrom('yaml' as const, 'json' as const), (def, f) => {
        expect(modelFromText(modelToText(def, f), f)).toStrictEqual(def);
      }),
      { numRuns: 200 },
    );
  });
});
