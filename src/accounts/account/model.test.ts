import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  STAGES,
  allowedNextStages,
  canTransition,
  createsCycle,
  mergeTraits,
  normaliseDomain,
  normaliseSegment,
} from './model.js';

describe('account model', () => {
  it('lets every live stage churn and a churned account come back only by win-back', () => {
    for (const s of STAGES) if (s !== 'churned') expect(canTransition(s, 'churned')).toBe(true);
    expect(allowedNextStages('churned')).toEqual(['onboarding', 'active']);
    expect(canTransition('churned', 'expanding')).toBe(false);
    expect(canTransition('prospect', 'renewal')).toBe(false);
  });

  it('treats staying in a stage as allowed', () => {
    fc.assert(fc.property(fc.constantFrom(...STAGES), (s) => canTransition(s, s)));
  });

  it('normalises segments and domains', () => {
    expect(normaliseSegment('Mid-Market')).toBe('mid_market');
    expect(normaliseSegment(' Self Serve ')).toBe('self_serve');
    expect(normaliseDomain('https://www.Acme.io/pricing')).toBe('acme.io');
  });

  it('detects hierarchy loops', () => {
    expect(createsCycle('a', ['c', 'b', 'a'])).toBe(true);
    expect(createsCycle('a', ['c', 'b'])).toBe(false);
  });
});

describe('traits merge', () => {
  it('replaces sent keys, removes nulls and keeps the rest', () => {
    expect(mergeTraits({ a: 1, b: 2, c: 3 }, { b: 20, c: null, d: 4 })).toEqual({
      a: 1,
      b: 20,
      d: 4,
    });
  });
  it('merging what is stored changes nothing', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.jsonValue().filter((v) => v !== null),
        ),
        (t) => {
          expect(mergeTraits(t, t)).toEqual(t);
        },
      ),
    );
  });
});
