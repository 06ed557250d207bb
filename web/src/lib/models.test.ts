import { describe, expect, it } from 'vitest';
import {
  addDimension,
  bandRange,
  keyFor,
  renameDimension,
  definitionOf,
  draftOf,
  measureShares,
  messageLabel,
  numOf,
  pathLabel,
  problemsUnder,
  type ModelDef,
} from './models';

const DEF: ModelDef = {
  key: 'two',
  name: 'Two',
  appliesTo: { segments: ['smb'] },
  dimensions: [
    {
      key: 'product',
      name: 'Product',
      weight: 60,
      measures: [
        {
          measure: 'usage.stickiness',
          weight: 3,
          bands: [
            { max: 0.2, score: 1 },
            { min: 0.2, score: 9 },
          ],
        },
        { measure: 'usage.feature_breadth', bands: [{ score: 5 }] },
      ],
    },
    {
      key: 'voice',
      name: 'Voice',
      weight: 40,
      measures: [{ measure: 'voice.nps', bands: [{ score: 5 }] }],
    },
  ],
  tiers: [
    { name: 'Green', min: 70, color: 'green' },
    { name: 'Red', min: 0 },
  ],
};

describe('model drafts', () => {
  it('turn back into the same definition when nothing was edited', () => {
    expect(definitionOf(draftOf(DEF))).toEqual(DEF);
  });

  it('send empty band bounds and measure weights as left out, other empty numbers as null', () => {
    const d = draftOf(DEF);
    d.dimensions[0]!.weight = null;
    d.dimensions[0]!.measures[0]!.weight = null;
    d.dimensions[0]!.measures[0]!.bands[1]!.min = null;
    const out = definitionOf(d) as { dimensions: { weight: unknown; measures: object[] }[] };
    expect(out.dimensions[0]!.weight).toBeNull();
    expect(out.dimensions[0]!.measures[0]).toEqual({
      measure: 'usage.stickiness',
      bands: [{ max: 0.2, score: 1 }, { score: 9 }],
    });
  });

  it('read what a number field holds', () => {
    expect([numOf(5), numOf(''), numOf('-'), numOf('0.5'), numOf(NaN)]).toEqual([
      5,
      null,
      null,
      0.5,
      null,
    ]);
  });
});

describe('model words', () => {
  const draft = draftOf(DEF);
  const labelOf = (id: string) => ({ 'usage.stickiness': 'Stickiness' })[id] ?? id;

  it('put problem paths into words', () => {
    expect(pathLabel('dimensions[0].measures[0].bands[1].min', draft, labelOf)).toBe(
      'Product › Stickiness › band 2 › from',
    );
    expect(pathLabel('dimensions', draft)).toBe('dimension weights');
    expect(pathLabel('tiers[1].min', draft)).toBe('tier Red › starts at');
    expect(pathLabel('name', draft)).toBe('name');
    expect(messageLabel('overlaps dimensions[0].measures[0].bands[0]', draft, labelOf)).toBe(
      'overlaps Product › Stickiness › band 1',
    );
  });

  it('describe bands and each measure’s share of the score', () => {
    expect(bandRange({ max: 0.2 })).toBe('under 0.2');
    expect(bandRange({ min: 0.2, max: 0.4 })).toBe('0.2 to under 0.4');
    expect(bandRange({ min: 1 })).toBe('1 and up');
    expect(bandRange({})).toBe('any value');
    const shares = measureShares(DEF);
    expect(shares.get('usage.stickiness')).toBeCloseTo(45, 10);
    expect(shares.get('usage.feature_breadth')).toBeCloseTo(15, 10);
    expect(shares.get('voice.nps')).toBeCloseTo(40, 10);
  });

  it('count the problems under a part of the model', () => {
    const problems = [
      { path: 'dimensions[0].measures[0].bands[1].min', message: 'x' },
      { path: 'dimensions[0].measures[1]', message: 'y' },
      { path: 'dimensions[0].measures[10].weight', message: 'z' },
    ];
    expect(problemsUnder(problems, 'dimensions[0].measures[0]')).toBe(1);
    expect(problemsUnder(problems, 'dimensions[0].measures[1]')).toBe(1);
    expect(problemsUnder(problems, 'dimensions[0]')).toBe(3);
  });
});

describe('new dimensions', () => {
  it('makes keys the server accepts, unique among the taken ones', () => {
    expect(keyFor('Product adoption', new Set())).toBe('product-adoption');
    expect(keyFor('  Über & co!! ', new Set())).toBe('uber-co');
    expect(keyFor('***', new Set())).toBe('dimension');
    expect(keyFor('Support', new Set(['support', 'support-2']))).toBe('support-3');
    expect(keyFor('x'.repeat(200), new Set())).toHaveLength(56);
  });

  it('lets a new dimension take its key from its name, but never an existing one', () => {
    const d = draftOf(DEF);
    addDimension(d);
    const i = d.dimensions.length - 1;
    expect(d.dimensions[i]!.fresh).toMatch(/^new:/);
    renameDimension(d, i, 'Product');
    expect(d.dimensions[i]!.key).toBe('product-2');
    renameDimension(d, 0, 'Adoption');
    expect(d.dimensions[0]!.key).toBe('product');
    const def = definitionOf(d) as { dimensions: Record<string, unknown>[] };
    expect(def.dimensions[i]).toEqual({
      key: 'product-2',
      name: 'Product',
      weight: null,
      measures: [],
    });
  });
});
