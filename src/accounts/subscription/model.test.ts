import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyMovement, contribution, mrrAt } from './model.js';

describe('revenue movement model', () => {
  it('classifies account MRR changes', () => {
    expect(classifyMovement(0, 100, false)).toBe('new');
    expect(classifyMovement(0, 100, true)).toBe('reactivation');
    expect(classifyMovement(100, 0, true)).toBe('churn');
    expect(classifyMovement(100, 150, true)).toBe('expansion');
    expect(classifyMovement(150, 100, true)).toBe('contraction');
    expect(classifyMovement(100, 100, true)).toBeNull();
  });

  it('counts only live subscriptions as revenue', () => {
    expect(contribution({ status: 'active', mrr_minor: 500 })).toBe(500);
    expect(contribution({ status: 'past_due', mrr_minor: 500 })).toBe(500);
    expect(contribution({ status: 'trialing', mrr_minor: 500 })).toBe(0);
    expect(contribution({ status: 'canceled', mrr_minor: 500 })).toBe(0);
    expect(contribution(null)).toBe(0);
  });

  it('replaying any sequence of MRR levels: movements sum to the final level, kinds match signs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 40 }),
        (levels) => {
          let current = 0;
          let ever = false;
          const deltas: { effectiveDate: string; mrrDeltaMinor: number }[] = [];
          levels.forEach((level, i) => {
            const kind = classifyMovement(current, level, ever);
            if (kind) {
              const delta = level - current;
              if (kind === 'churn') expect(level).toBe(0);
              if (kind === 'new' || kind === 'reactivation') expect(current).toBe(0);
              if (kind === 'expansion') expect(delta).toBeGreaterThan(0);
              if (kind === 'contraction') expect(delta).toBeLessThan(0);
              deltas.push({
                effectiveDate: `2025-01-${String(i + 1).padStart(2, '0')}`,
                mrrDeltaMinor: delta,
              });
              ever = true;
            }
            current = level;
          });
          expect(mrrAt(deltas, '2099-01-01')).toBe(levels[levels.length - 1]);
        },
      ),
    );
  });
});
