import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQuote, mulDivRound, quoteTotals, type QuoteInput } from './quote.js';

const input: fc.Arbitrary<QuoteInput> = fc.record({
  unitMinor: fc.integer({ min: 0, max: 10_000_000 }),
  seats: fc.integer({ min: 1, max: 10_000 }),
  termMonths: fc.integer({ min: 1, max: 60 }),
  upliftBp: fc.integer({ min: 0, max: 10_000 }),
  discountBp: fc.integer({ min: 0, max: 10_000 }),
});

/** The same rule with exact rationals: numerator and denominator as BigInt. */
function roundHalfUp(num: bigint, den: bigint): bigint {
  return (num * 2n + den) / (den * 2n);
}

describe('renewal quote totals', () => {
  it('follow the documented rounding rule exactly, for any seats, price, uplift and discount', () => {
    fc.assert(
      fc.property(input, (q) => {
        const t = quoteTotals(q);
        const unit = roundHalfUp(BigInt(q.unitMinor) * (10_000n + BigInt(q.upliftBp)), 10_000n);
        const subtotal = unit * BigInt(q.seats) * BigInt(q.termMonths);
        const discount = roundHalfUp(subtotal * BigInt(q.discountBp), 10_000n);
        expect(BigInt(t.unitAfterUpliftMinor)).toBe(unit);
        expect(BigInt(t.subtotalMinor)).toBe(subtotal);
        expect(BigInt(t.discountMinor)).toBe(discount);
        expect(t.totalMinor).toBe(t.subtotalMinor - t.discountMinor);
        expect(t.totalMinor).toBeGreaterThanOrEqual(0);
        expect(t.discountMinor).toBeLessThanOrEqual(t.subtotalMinor);
        for (const v of Object.values(t)) expect(Number.isInteger(v)).toBe(true);
      }),
    );
  });

  it('never falls when the uplift rises or the discount falls', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 500 }), (q, d) => {
        const base = quoteTotals(q).totalMinor;
        if (q.upliftBp + d <= 10_000)
          expect(quoteTotals({ ...q, upliftBp: q.upliftBp + d }).totalMinor).toBeGreaterThanOrEqual(
            base,
          );
        if (q.discountBp - d >= 0)
          expect(
            quoteTotals({ ...q, discountBp: q.discountBp - d }).totalMinor,
          ).toBeGreaterThanOrEqual(base);
      }),
    );
  });

  it('prices a worked example: 40 seats at 49.99 a month, 5 % uplift, 12 months, 10 % off', () => {
    expect(
      quoteTotals({ unitMinor: 4999, seats: 40, termMonths: 12, upliftBp: 500, discountBp: 1000 }),
    ).toEqual({
      unitAfterUpliftMinor: 5249, // 52.4895 rounds to 52.49
      subtotalMinor: 2_519_520,
      discountMinor: 251_952,
      totalMinor: 2_267_568,
      monthlyMinor: 188_964,
    });
    // Yen have no minor unit: the same rule on whole yen.
    expect(
      quoteTotals({ unitMinor: 1250, seats: 3, termMonths: 1, upliftBp: 300, discountBp: 0 })
        .unitAfterUpliftMinor,
    ).toBe(1288);
  });

  it('rounds halves away from zero', () => {
    expect(mulDivRound(5n, 1n, 2n)).toBe(3n);
    expect(mulDivRound(-5n, 1n, 2n)).toBe(-3n);
    expect(mulDivRound(4n, 1n, 3n)).toBe(1n);
  });

  it('refuses negative or absurd uplift, seats, term and discount, naming the field', () => {
    const ok: QuoteInput = { unitMinor: 100, seats: 1, termMonths: 12, upliftBp: 0, discountBp: 0 };
    expect(checkQuote(ok)).toEqual([]);
    expect(checkQuote({ ...ok, upliftBp: -500 })).toEqual([
      { path: 'upliftBp', message: 'must be 0 to 10000' },
    ]);
    expect(checkQuote({ ...ok, seats: 0, termMonths: 1.5 })).toEqual([
      { path: 'seats', message: 'must be 1 to 1000000' },
      { path: 'termMonths', message: 'must be a whole number' },
    ]);
    expect(() => quoteTotals({ ...ok, discountBp: 20_000 })).toThrow(/discountBp/);
  });
});
