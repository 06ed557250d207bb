import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMinor, parseAmountToMinor } from './money.js';

describe('money parsing', () => {
  it.each([
    ['1,234.50', 'USD', 123450],
    ['1.234,50', 'EUR', 123450],
    ['$99', 'USD', 9900],
    ['€ 12,5', 'EUR', 1250],
    ['(10.00)', 'USD', -1000],
    ['1,234', 'USD', 123400],
    ['0,50', 'EUR', 50],
    ['1500', 'JPY', 1500],
    ['USD 20.00', 'USD', 2000],
  ])('%s %s → %d', (text, cur, minor) => {
    expect(parseAmountToMinor(text, cur)).toBe(minor);
  });

  it('refuses text and sub-cent precision rather than rounding', () => {
    expect(parseAmountToMinor('abc', 'USD')).toBeNull();
    expect(parseAmountToMinor('1.0051', 'USD')).toBeNull();
    expect(parseAmountToMinor('A-2e4581', 'USD')).toBeNull();
  });

  it('round-trips any amount through its formatted text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom('USD', 'EUR', 'JPY', 'KWD'),
        (m, c) => {
          expect(parseAmountToMinor(formatMinor(m, c), c)).toBe(m);
        },
      ),
    );
  });
});
