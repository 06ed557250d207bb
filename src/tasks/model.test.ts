import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computedPriority,
  daysBetween,
  TASK_PRIORITIES,
  urgency,
  type PriorityInput,
} from './model.js';

const input: fc.Arbitrary<PriorityInput> = fc.record({
  arrMinor: fc.integer({ min: 0, max: 10_000_000_00 }),
  maxArrMinor: fc.integer({ min: 0, max: 10_000_000_00 }),
  healthScore: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
  dueInDays: fc.option(fc.integer({ min: -60, max: 60 }), { nil: null }),
  priority: fc.constantFrom(...TASK_PRIORITIES),
});

describe('task rank', () => {
  it('is a whole number from 0 to 100', () => {
    fc.assert(
      fc.property(input, (p) => {
        const r = computedPriority(p);
        expect(Number.isInteger(r)).toBe(true);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('never falls when the account is worth more, less healthy, or the task more urgent', () => {
    fc.assert(
      fc.property(
        input,
        fc.integer({ min: 0, max: 1_000_000_00 }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (p, more, worse, sooner) => {
          const base = computedPriority(p);
          const top = Math.max(p.maxArrMinor, p.arrMinor + more);
          expect(
            computedPriority({ ...p, arrMinor: p.arrMinor + more, maxArrMinor: top }),
          ).toBeGreaterThanOrEqual(computedPriority({ ...p, maxArrMinor: top }));
          if (p.healthScore !== null)
            expect(
              computedPriority({ ...p, healthScore: Math.max(0, p.healthScore - worse) }),
            ).toBeGreaterThanOrEqual(base);
          if (p.dueInDays !== null)
            expect(
              computedPriority({ ...p, dueInDays: p.dueInDays - sooner }),
            ).toBeGreaterThanOrEqual(base);
          const i = TASK_PRIORITIES.indexOf(p.priority);
          if (i < TASK_PRIORITIES.length - 1)
            expect(
              computedPriority({ ...p, priority: TASK_PRIORITIES[i + 1]! }),
            ).toBeGreaterThanOrEqual(base);
        },
      ),
    );
  });

  it('puts an overdue task on a big red account above a far-off one on a small green account', () => {
    const max = 500_000_00;
    const urgent = computedPriority({
      arrMinor: max,
      maxArrMinor: max,
      healthScore: 20,
      dueInDays: -3,
      priority: 'normal',
    });
    const calm = computedPriority({
      arrMinor: 5_000_00,
      maxArrMinor: max,
      healthScore: 90,
      dueInDays: 30,
      priority: 'normal',
    });
    expect(urgent).toBe(Math.round(40 + 35 * 0.8 + 25));
    expect(calm).toBeLessThan(40);
    expect(urgency(0)).toBe(0.9);
    expect(urgency(14)).toBe(0.2);
    expect(daysBetween('2026-03-01', '2026-02-27')).toBe(-2);
  });
});
