import { describe, expect, it } from 'vitest';
import {
  accountOutcomes,
  anniversaries,
  deriveOutcomes,
  matchedAsOfDates,
  type AccountHistory,
  type Outcome,
} from './outcomes-model.js';

const period = { from: '2025-01-01', to: '2025-12-31' };

function history(p: Partial<AccountHistory> & Pick<AccountHistory, 'days'>): AccountHistory {
  return { accountId: 'a1', currency: 'USD', churnedOn: null, termEnds: [], ...p };
}
const day = (date: string, deltaMinor: number, currency = 'USD') => ({
  date,
  deltaMinor,
  currency,
});
const brief = (o: Outcome[]) => o.map((x) => [x.date, x.kind, x.arrMinor, x.source, x.liveSince]);

describe('outcomes from billing history', () => {
  it('renews on a term end paid through and churns when MRR reaches zero', () => {
    const h = history({
      days: [day('2024-03-01', 1000), day('2025-03-01', 200), day('2025-09-10', -1200)],
      termEnds: [
        { date: '2025-03-01', source: 'term_extended' },
        { date: '2025-09-10', source: 'term_end' },
      ],
    });
    expect(brief(accountOutcomes(h, period))).toEqual([
      // ARR up for renewal is the MRR of the day before, not the uplifted one.
      ['2025-03-01', 'renewed', 12_000, 'term_extended', '2024-03-01'],
      ['2025-09-10', 'churned', 14_400, 'billing', '2024-03-01'],
    ]);
  });

  it('treats a short gap between terms as a renewal, not a churn', () => {
    const h = history({
      days: [day('2024-02-01', 500), day('2025-02-01', -500), day('2025-02-05', 600)],
      termEnds: [{ date: '2025-02-01', source: 'term_end' }],
    });
    expect(brief(accountOutcomes(h, period))).toEqual([
      ['2025-02-01', 'renewed', 6000, 'term_end', '2024-02-01'],
    ]);
  });

  it('counts a churn later won back, and the renewal of the new spell', () => {
    const h = history({
      days: [day('2024-01-15', 800), day('2025-02-15', -800), day('2025-06-01', 900)],
      termEnds: [{ date: '2025-02-15', source: 'term_end' }],
    });
    expect(brief(accountOutcomes(h, period))).toEqual([
      ['2025-02-15', 'churned', 9600, 'billing', '2024-01-15'],
    ]);
  });

  it('does not call a term end renewed when the account churns within the lapse after it', () => {
    const h = history({
      days: [day('2024-04-01', 300), day('2025-04-20', -300)],
      termEnds: [{ date: '2025-04-01', source: 'anniversary' }],
    });
    expect(brief(accountOutcomes(h, period)).map((o) => o[1])).toEqual(['churned']);
  });

  it('needs the account to have paid before the term end', () => {
    const h = history({
      days: [day('2025-05-01', 300)],
      termEnds: [{ date: '2025-05-01', source: 'term_end' }],
    });
    expect(accountOutcomes(h, period)).toEqual([]);
  });

  it('merges co-termed and late-booked term ends into one renewal', () => {
    const h = history({
      days: [day('2024-01-01', 300)],
      termEnds: [
        { date: '2025-01-10', source: 'anniversary' },
        { date: '2025-01-10', source: 'term_extended' },
        { date: '2025-01-25', source: 'term_end' },
        { date: '2025-07-01', source: 'term_end' },
      ],
    });
    expect(brief(accountOutcomes(h, period))).toEqual([
      ['2025-01-10', 'renewed', 3600, 'term_extended', '2024-01-01'],
      ['2025-07-01', 'renewed', 3600, 'term_end', '2024-01-01'],
    ]);
  });

  it("falls back to the account's churn date when billing has no record of the churn", () => {
    const noBilling = history({ days: [], churnedOn: '2025-06-01', currency: 'EUR' });
    expect(accountOutcomes(noBilling, period)).toEqual([
      {
        accountId: 'a1',
        date: '2025-06-01',
        kind: 'churned',
        arrMinor: 0,
        currency: 'EUR',
        liveSince: null,
        source: 'churned_on',
      },
    ]);
    // Billing recorded it (a few days apart): one churn, not two.
    const recorded = history({
      days: [day('2024-06-01', 100), day('2025-06-03', -100)],
      churnedOn: '2025-06-01',
    });
    expect(brief(accountOutcomes(recorded, period)).map((o) => o[3])).toEqual(['billing']);
    // Still paying on that day: the churn date is stale, not an outcome.
    const paying = history({ days: [day('2024-06-01', 100)], churnedOn: '2025-06-01' });
    expect(accountOutcomes(paying, period)).toEqual([]);
  });

  it('keeps to the period and orders by date, account, kind', () => {
    const a = history({
      accountId: 'b',
      days: [day('2024-01-01', 100), day('2026-01-05', -100)],
      termEnds: [{ date: '2025-01-01', source: 'term_end' }],
    });
    const b = history({
      accountId: 'a',
      days: [day('2024-01-01', 100), day('2025-01-01', -100)],
    });
    expect(deriveOutcomes([a, b], period).map((o) => [o.accountId, o.date, o.kind])).toEqual([
      ['a', '2025-01-01', 'churned'],
      ['b', '2025-01-01', 'renewed'],
    ]);
  });

  it('lists yearly anniversaries before the stop date', () => {
    expect(anniversaries('2023-02-28', null, period)).toEqual(['2025-02-28']);
    expect(anniversaries('2024-02-29', null, period)).toEqual(['2025-02-28']);
    expect(anniversaries('2024-05-01', '2025-05-01', period)).toEqual([]);
    expect(anniversaries('2020-07-01', '2030-01-01', period)).toEqual(['2025-07-01']);
  });
});

describe('matched as-of dates', () => {
  const o = (date: string, liveSince: string | null, kind: Outcome['kind']): Outcome => ({
    accountId: 'a',
    date,
    kind,
    arrMinor: 0,
    currency: 'USD',
    liveSince,
    source: 'billing',
  });

  it('scores every outcome the horizon before it, and skips accounts not yet customers', () => {
    const { matched, skipped } = matchedAsOfDates(
      [
        o('2025-06-30', '2024-01-01', 'churned'),
        o('2025-06-30', '2024-01-01', 'renewed'),
        o('2025-03-01', '2025-01-15', 'churned'),
        o('2025-03-01', null, 'churned'),
      ],
      90,
    );
    expect(matched.map((m) => [m.kind, m.asOf])).toEqual([
      ['churned', '2025-04-01'],
      ['renewed', '2025-04-01'],
      ['churned', '2024-12-01'],
    ]);
    expect(skipped.map((s) => s.liveSince)).toEqual(['2025-01-15']);
    expect(() => matchedAsOfDates([], -1)).toThrow(RangeError);
  });
});
