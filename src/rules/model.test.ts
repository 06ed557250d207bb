import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  firedKey,
  RuleDefSchema,
  scheduleCause,
  toFire,
  type Cause,
  type Condition,
  type Facts,
} from './model.js';

const SEGMENTS = ['smb', 'mid_market', 'enterprise'];
const facts: fc.Arbitrary<Facts> = fc.record({
  accountId: fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5'),
  segment: fc.constantFrom(...SEGMENTS),
  stage: fc.constantFrom('active', 'renewal', 'at_risk'),
  industry: fc.option(fc.constantFrom('Software', 'Retail'), { nil: null }),
  region: fc.option(fc.constantFrom('EMEA', 'NA'), { nil: null }),
  ownerId: fc.option(fc.constantFrom('u1', 'u2'), { nil: null }),
  arrMinor: fc.integer({ min: 0, max: 10_000_000 }),
  healthScore: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  healthTier: fc.option(fc.constantFrom('Green', 'Yellow', 'Red'), { nil: null }),
  renewalInDays: fc.option(fc.integer({ min: -30, max: 400 }), { nil: null }),
});
const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    field: fc.constant('segment' as const),
    op: fc.constantFrom('eq' as const, 'ne' as const),
    value: fc.constantFrom(...SEGMENTS),
  }),
  fc.record({
    field: fc.constant('segment' as const),
    op: fc.constantFrom('in' as const, 'nin' as const),
    value: fc.subarray(SEGMENTS),
  }),
  fc.record({
    field: fc.constantFrom('arrMinor' as const, 'healthScore' as const, 'renewalInDays' as const),
    op: fc.constantFrom('lt' as const, 'lte' as const, 'gt' as const, 'gte' as const),
    value: fc.integer({ min: -50, max: 10_000_000 }),
  }),
  fc.record({
    field: fc.constantFrom('healthTier' as const, 'ownerId' as const),
    op: fc.constantFrom('exists' as const, 'missing' as const),
  }),
);

/** The same conditions written out directly, as a reviewer would read them. */
function direct(f: Facts, c: Condition): boolean {
  const v = f[c.field];
  const w = c.value;
  switch (c.op) {
    case 'exists':
      return v !== null;
    case 'missing':
      return v === null;
    case 'eq':
      return v !== null && String(v).toLowerCase() === String(w).toLowerCase();
    case 'ne':
      return v === null || String(v).toLowerCase() !== String(w).toLowerCase();
    case 'in':
      return v !== null && (w as string[]).includes(String(v));
    case 'nin':
      return v === null || !(w as string[]).includes(String(v));
    case 'lt':
      return v !== null && (v as number) < (w as number);
    case 'lte':
      return v !== null && (v as number) <= (w as number);
    case 'gt':
      return v !== null && (v as number) > (w as number);
    case 'gte':
      return v !== null && (v as number) >= (w as number);
  }
}

describe('rule matching', () => {
  it('agrees with a direct evaluation of every condition on generated accounts', () => {
    fc.assert(
      fc.property(facts, condition, (f, c) => {
        expect(conditionHolds(f, c)).toBe(direct(f, c));
      }),
      { numRuns: 2000 },
    );
  });

  it('fires each (account, cause) once however many times it is evaluated', () => {
    const cause: fc.Arbitrary<Cause> = fc.record({
      accountId: fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5'),
      key: fc.constantFrom('alert:1', 'alert:2', 'stage:9'),
      reason: fc.constant('why'),
    });
    fc.assert(
      fc.property(
        fc.array(facts),
        fc.array(condition, { maxLength: 3 }),
        fc.array(fc.array(cause, { maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        (fs, conds, rounds) => {
          const byId = new Map(fs.map((f) => [f.accountId, f]));
          const fired = new Set<string>();
          const all: string[] = [];
          for (const causes of rounds) {
            for (const c of toFire(conds, causes, byId, fired)) {
              const k = firedKey(c.accountId, c.key);
              all.push(k);
              fired.add(k);
            }
          }
          expect(new Set(all).size).toBe(all.length);
          // Everything that could fire did: each matching cause seen in any round.
          const want = new Set(
            rounds
              .flat()
              .filter(
                (c) =>
                  byId.has(c.accountId) && conds.every((x) => direct(byId.get(c.accountId)!, x)),
              )
              .map((c) => firedKey(c.accountId, c.key)),
          );
          expect(new Set(all)).toEqual(want);
        },
      ),
    );
  });
});

describe('rule definitions', () => {
  it('name every problem at its path', () => {
    const r = RuleDefSchema.safeParse({
      key: 'x',
      name: 'Red',
      when: { type: 'alert', kinds: [] },
      conditions: [
        { field: 'arrMinor', op: 'gte', value: 'lots' },
        { field: 'nope', op: 'eq', value: 1 },
      ],
      then: [{ type: 'send_email', to: 'someone', subject: 's', body: 'b' }],
    });
    expect(r.success).toBe(false);
    const paths = r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'when.kinds',
        'conditions.0.value',
        'conditions.1.field',
        'then.0.to',
      ]),
    );
  });

  it('names schedule periods by day, Monday-started week or month', () => {
    expect(scheduleCause('a', 'week', '2026-12-06').key).toBe('schedule:week-of-2026-11-30');
    expect(scheduleCause('a', 'month', '2026-12-06').key).toBe('schedule:2026-12');
    expect(scheduleCause('a', 'ever', '2026-12-06').key).toBe('schedule:ever');
  });
});
