import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { pathSegments } from './file.js';
import {
  checkModelDefinition,
  formatPath,
  parseModelDefinition,
  type HealthModelDef,
} from './definition.js';

/** A small valid model to break one rule at a time. */
function valid(): HealthModelDef {
  return {
    key: 'small',
    name: 'Small',
    dimensions: [
      {
        key: 'usage',
        name: 'Usage',
        weight: 60,
        measures: [
          {
            measure: 'usage.stickiness',
            bands: [
              { max: 0.2, score: 2 },
              { min: 0.2, max: 0.4, score: 5 },
              { min: 0.4, score: 9 },
            ],
          },
        ],
      },
      {
        key: 'support',
        name: 'Support',
        weight: 40,
        measures: [
          {
            measure: 'support.open_tickets',
            weight: 2,
            bands: [
              { max: 3, score: 9 },
              { min: 3, score: 3 },
            ],
          },
        ],
      },
    ],
    tiers: [
      { name: 'Green', min: 70, color: 'green' },
      { name: 'Red', min: 0, color: 'red' },
    ],
  };
}

type Change = ((m: HealthModelDef) => void) | [path: string, value: unknown];

/** Sets (or, for undefined, removes) the value at a path like "dimensions[0].weight". */
function setAt(root: unknown, path: string, value: unknown): void {
  const segments = pathSegments(path);
  let node = root as Record<string | number, unknown>;
  for (const s of segments.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
  const last = segments[segments.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** The issues of `valid()` after one change. */
function issuesAfter(...changes: Change[]) {
  const m = valid();
  for (const c of changes) {
    if (typeof c === 'function') c(m);
    else setAt(m, c[0], c[1]);
  }
  return checkModelDefinition(m);
}

function expectOnly(change: Change, path: string, message: RegExp) {
  expect(issuesAfter(change)).toEqual([{ path, message: expect.stringMatching(message) }]);
}

const BANDS = 'dimensions[0].measures[0].bands';
const TICKETS = 'dimensions[1].measures[0]';

describe('parseModelDefinition', () => {
  it('accepts a valid model and returns it unchanged', () => {
    expect(checkModelDefinition(valid())).toEqual([]);
    expect(parseModelDefinition(valid())).toEqual(valid());
  });

  it('throws one validation AppError listing every problem', () => {
    const m = valid();
    setAt(m, 'key', 'Not A Slug');
    setAt(m, 'dimensions[0].weight', 50);
    setAt(m, `${TICKETS}.bands[0].score`, 12);
    setAt(m, 'tiers[1].min', 5);
    let err: unknown;
    try {
      parseModelDefinition(m);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const app = err as AppError;
    expect(app.code).toBe('validation');
    expect(app.message).toMatch(/^key: .*\(and 3 more\)$/);
    expect((app.details?.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      'dimensions',
      `${TICKETS}.bands[0].score`,
      'key',
      'tiers[1].min',
    ]);
  });

  it('rejects what is not a model at all', () => {
    expect(checkModelDefinition(null)).toEqual([{ path: 'model', message: expect.any(String) }]);
    expect(checkModelDefinition({})).toEqual([
      { path: 'key', message: 'required' },
      { path: 'name', message: 'required' },
      { path: 'dimensions', message: 'required' },
      { path: 'tiers', message: 'required' },
    ]);
  });

  it('drops undefined fields and -0 so the result is plain JSON', () => {
    const m = valid();
    m.description = undefined;
    setAt(m, `${BANDS}[0].max`, -0);
    setAt(m, `${BANDS}[1].min`, -0);
    const out = parseModelDefinition(m);
    expect('description' in out).toBe(false);
    expect(Object.is(out.dimensions[0]!.measures[0]!.bands[1]!.min, 0)).toBe(true);
  });
});

describe('each rule names the bad spot', () => {
  it('dimension weights add up to 100', () => {
    expectOnly(['dimensions[1].weight', 30], 'dimensions', /add up to 90, not 100/);
    // Thirds that add up to 100 only within floating-point error are fine.
    expect(
      issuesAfter(['dimensions[0].weight', 100 / 3], ['dimensions[1].weight', 200 / 3]),
    ).toEqual([]);
  });

  it('weights are positive', () => {
    expectOnly([`${TICKETS}.weight`, 0], `${TICKETS}.weight`, /above 0/);
    expectOnly([`${TICKETS}.weight`, -1], `${TICKETS}.weight`, /above 0/);
    expect(issuesAfter(['dimensions[0].weight', 0], ['dimensions[1].weight', 100])).toEqual([
      { path: 'dimensions[0].weight', message: 'must be above 0' },
    ]);
  });

  it('measures come from the registry', () => {
    expectOnly(
      ['dimensions[0].measures[0].measure', 'usage.vibes'],
      'dimensions[0].measures[0].measure',
      /unknown measure "usage.vibes"/,
    );
  });

  it('a measure appears once per model', () => {
    expectOnly(
      (m) => m.dimensions[1]!.measures.push(structuredClone(m.dimensions[0]!.measures[0]!)),
      'dimensions[1].measures[1].measure',
      /usage.stickiness is already in dimensions\[0\].measures\[0\]/,
    );
  });

  it('bands do not overlap', () => {
    expectOnly([`${BANDS}[2].min`, 0.3], `${BANDS}[2].min`, /overlaps .*bands\[1\]$/);
    // Two bands open towards the same side overlap too.
    expectOnly([`${BANDS}[1].min`, undefined], `${BANDS}[1].min`, /overlaps .*bands\[0\]$/);
  });

  it('bands leave no gap inside or at either end', () => {
    expectOnly(
      [`${BANDS}[2].min`, 0.5],
      `${BANDS}[2].min`,
      /values from 0.4 to 0.5 fall in no band/,
    );
    expectOnly([`${BANDS}[0].min`, 0], `${BANDS}[0].min`, /values below 0 fall in no band/);
    expectOnly([`${BANDS}[2].max`, 1], `${BANDS}[2].max`, /values from 1 up fall in no band/);
  });

  it('a band is neither empty nor reversed', () => {
    expect(issuesAfter([`${BANDS}[1].max`, 0.2])[0]).toEqual({
      path: `${BANDS}[1].max`,
      message: 'must be above min (0.2)',
    });
  });

  it('band scores are 0 to 10', () => {
    expectOnly([`${BANDS}[2].score`, 10.5], `${BANDS}[2].score`, /0 to 10/);
    expectOnly([`${BANDS}[0].score`, -1], `${BANDS}[0].score`, /0 to 10/);
  });

  it("a better value never scores lower, in the measure's own direction", () => {
    expectOnly(
      [`${BANDS}[2].score`, 4],
      `${BANDS}[2].score`,
      /higher usage.stickiness is healthier/,
    );
    // Open tickets: fewer is better, so the score must not rise with the count.
    expectOnly(
      [`${TICKETS}.bands[1].score`, 10],
      `${TICKETS}.bands[1].score`,
      /lower support.open_tickets is healthier/,
    );
    // Bands listed out of order are fine; the check follows the values.
    expect(issuesAfter((m) => m.dimensions[0]!.measures[0]!.bands.reverse())).toEqual([]);
  });

  it('tiers run strictly downwards and end at 0', () => {
    const yellowAt =
      (min: number): Change =>
      (m) =>
        m.tiers.splice(1, 0, { name: 'Yellow', min, color: 'yellow' });
    expectOnly(yellowAt(70), 'tiers[1].min', /must be below 70, the min of the tier before/);
    expectOnly(yellowAt(75), 'tiers[1].min', /must be below 70/);
    expect(issuesAfter(yellowAt(69.9))).toEqual([]);
    expectOnly(['tiers[1].min', 10], 'tiers[1].min', /lowest tier must start at 0/);
    expectOnly(['tiers[0].min', 101], 'tiers[0].min', /0 to 100/);
    expectOnly(['tiers', []], 'tiers', /at least one tier/);
  });

  it('keys and names are unique', () => {
    expectOnly(['dimensions[1].key', 'usage'], 'dimensions[1].key', /same key as dimensions\[0\]/);
    expectOnly(
      ['dimensions[1].name', ' usage'],
      'dimensions[1].name',
      /same name as dimensions\[0\]/,
    );
    expectOnly(['tiers[1].name', 'GREEN'], 'tiers[1].name', /same name as tiers\[0\].name/);
    expectOnly(['dimensions[0].key', 'Usage Stuff'], 'dimensions[0].key', /lower-case/);
    expectOnly(['key', undefined], 'key', /required/);
  });

  it('appliesTo names real stages and segment keys, each once', () => {
    expectOnly(
      ['appliesTo', { stages: ['active', 'dormant'] }],
      'appliesTo.stages[1]',
      /unknown stage/,
    );
    expectOnly(
      ['appliesTo', { stages: ['active', 'active'] }],
      'appliesTo.stages[1]',
      /listed twice/,
    );
    expectOnly(
      ['appliesTo', { segments: ['Mid-Market'] }],
      'appliesTo.segments[0]',
      /use the segment key mid_market/,
    );
    expectOnly(
      ['appliesTo', { segments: ['smb', 'smb'] }],
      'appliesTo.segments[1]',
      /listed twice/,
    );
    expectOnly(['appliesTo', { segments: [] }], 'appliesTo.segments', /leave out/);
    expect(issuesAfter(['appliesTo', { segments: ['smb'], stages: ['onboarding'] }])).toEqual([]);
  });

  it('dimensions, measures and bands are not empty', () => {
    expectOnly(['dimensions', []], 'dimensions', /at least one dimension/);
    expectOnly(['dimensions[0].measures', []], 'dimensions[0].measures', /at least one measure/);
    expectOnly([BANDS, []], BANDS, /at least one band/);
  });

  it('unknown fields are named, so a typo is not silently ignored', () => {
    expectOnly(['dimensions[1].wieght', 40], 'dimensions[1].wieght', /unknown field/);
    expectOnly(['tiers[0].colour', 'red'], 'tiers[0].colour', /unknown field/);
    expectOnly(['tiers[0].color', 'blue'], 'tiers[0].color', /.+/);
  });

  it('numbers are finite numbers', () => {
    expectOnly([`${BANDS}[1].min`, '0.2'], `${BANDS}[1].min`, /expected number/);
    expect(issuesAfter([`${BANDS}[2].min`, Infinity]).map((i) => i.path)).toContain(
      `${BANDS}[2].min`,
    );
    expect(issuesAfter(['dimensions[0].weight', NaN]).map((i) => i.path)).toEqual([
      'dimensions[0].weight',
    ]);
  });

  it('reports problems in different places together', () => {
    const issues = issuesAfter(
      [`${BANDS}[0].score`, 'high'], // a shape problem in one list of bands…
      [`${TICKETS}.bands[1].min`, 4], // …does not hide a gap in another
    );
    expect(issues.map((i) => i.path)).toEqual([`${BANDS}[0].score`, `${TICKETS}.bands[1].min`]);
  });
});

describe('formatPath', () => {
  it('writes paths the way a reader would point at them', () => {
    expect(formatPath(['dimensions', 1, 'measures', 0, 'bands', 2, 'min'])).toBe(
      'dimensions[1].measures[0].bands[2].min',
    );
    expect(formatPath([])).toBe('model');
    expect(pathSegments('dimensions[1].measures[0].bands[2].min')).toEqual([
      'dimensions',
      1,
      'measures',
      0,
      'bands',
      2,
      'min',
    ]);
  });
});
