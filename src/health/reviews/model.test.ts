import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../../core/clock.js';
import { TIER_COLORS, type ModelTier } from '../model/definition.js';
import { FIVE_DIMENSIONS, THREE_PILLARS } from '../model/presets.js';
import {
  EVERY_TWO_WEEKS,
  MONTHLY,
  UNSCORED_CADENCE,
  WEEKLY,
  cadenceDays,
  cadenceName,
  dayNumber,
  dayOfNumber,
  daysOverdue,
  nextReviewDue,
  reviewStatus,
} from './model.js';

const tiersArb: fc.Arbitrary<ModelTier[]> = fc
  .array(fc.option(fc.constantFrom(...TIER_COLORS), { nil: undefined }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((colors) =>
    colors.map((color, i) => ({
      name: `T${i}`,
      min: (colors.length - 1 - i) * 10,
      ...(color ? { color } : {}),
    })),
  );

const dayArb = fc
  .integer({ min: dayNumber('2020-01-01'), max: dayNumber('2030-12-31') })
  .map(dayOfNumber);
const cadenceArb = fc.constantFrom(WEEKLY, EVERY_TWO_WEEKS, MONTHLY);

describe('cadenceDays', () => {
  it('follows the preset colors: green monthly, yellow and orange every two weeks, red weekly', () => {
    const three = THREE_PILLARS.tiers;
    expect(['Green', 'Yellow', 'Red'].map((t) => cadenceDays(t, three))).toEqual([30, 14, 7]);
    const five = FIVE_DIMENSIONS.tiers;
    expect(['Thriving', 'Healthy', 'At-Risk', 'Critical'].map((t) => cadenceDays(t, five))).toEqual(
      [30, 14, 14, 7],
    );
  });

  it('goes by position when a tier has no color: best monthly, lowest weekly, others every two weeks', () => {
    const tiers = [
      { name: 'A', min: 75 },
      { name: 'B', min: 50 },
      { name: 'C', min: 25 },
      { name: 'D', min: 0 },
    ];
    expect(tiers.map((t) => cadenceDays(t.name, tiers))).toEqual([30, 14, 14, 7]);
    expect(cadenceDays('Only', [{ name: 'Only', min: 0 }])).toBe(MONTHLY);
  });

  it('gives no tier, or a tier the model does not list, the unscored cadence', () => {
    expect(cadenceDays(null, THREE_PILLARS.tiers)).toBe(UNSCORED_CADENCE);
    expect(cadenceDays('Purple', THREE_PILLARS.tiers)).toBe(UNSCORED_CADENCE);
  });

  it('never checks a worse tier less often than a better one, whatever the colors', () => {
    fc.assert(
      fc.property(tiersArb, (tiers) => {
        const days = tiers.map((t) => cadenceDays(t.name, tiers));
        for (let i = 1; i < days.length; i++) expect(days[i]).toBeLessThanOrEqual(days[i - 1]!);
        for (const d of days) expect([WEEKLY, EVERY_TWO_WEEKS, MONTHLY]).toContain(d);
      }),
    );
  });

  it('names its cadences', () => {
    expect([7, 14, 30].map(cadenceName)).toEqual(['weekly', 'every_two_weeks', 'monthly']);
  });
});

describe('nextReviewDue', () => {
  it('counts from the last review', () => {
    expect(nextReviewDue('2026-03-02T15:00:00.000Z', '2026-01-01', WEEKLY)).toBe('2026-03-09');
    expect(nextReviewDue('2026-02-28', '2026-01-01', EVERY_TWO_WEEKS)).toBe('2026-03-14');
    expect(nextReviewDue('2026-02-07', '2026-01-01', MONTHLY)).toBe('2026-03-09');
  });

  it('without a review counts from the day the account entered its tier, or is due at once when red', () => {
    expect(nextReviewDue(null, '2026-02-07', MONTHLY)).toBe('2026-03-09');
    expect(nextReviewDue(null, '2026-02-07', EVERY_TWO_WEEKS)).toBe('2026-02-21');
    expect(nextReviewDue(null, '2026-03-02', WEEKLY)).toBe('2026-03-02');
  });

  it('is due at once when the account turned red after its last review', () => {
    expect(nextReviewDue('2026-03-05T10:00:00Z', '2026-03-08', WEEKLY)).toBe('2026-03-08');
    // A review a week before the turn is due on its own clock, which comes first.
    expect(nextReviewDue('2026-03-01', '2026-03-09', WEEKLY)).toBe('2026-03-08');
    // Turning yellow waits for the yellow clock.
    expect(nextReviewDue('2026-03-05', '2026-03-08', EVERY_TWO_WEEKS)).toBe('2026-03-19');
  });

  it('a review resets the clock: due a full cadence after it, ok on the day', () => {
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: 0, max: 400 }),
        cadenceArb,
        (tierSince, wait, cadence) => {
          const reviewDay = addDays(tierSince, wait);
          const due = nextReviewDue(`${reviewDay}T12:00:00.000Z`, tierSince, cadence);
          expect(due).toBe(addDays(reviewDay, cadence));
          expect(reviewStatus(reviewDay, due)).toBe('ok');
          expect(reviewStatus(addDays(due, 1), due)).toBe('overdue');
        },
      ),
    );
  });

  it('a later review never makes the next review earlier', () => {
    fc.assert(
      fc.property(dayArb, dayArb, dayArb, cadenceArb, (a, b, since, cadence) => {
        const [first, second] = a <= b ? [a, b] : [b, a];
        expect(nextReviewDue(second, since, cadence) >= nextReviewDue(first, since, cadence)).toBe(
          true,
        );
      }),
    );
  });

  it('a worse tier never makes the next review later', () => {
    fc.assert(
      fc.property(
        tiersArb,
        fc.option(dayArb, { nil: null }),
        dayArb,
        (tiers, lastReview, tierSince) => {
          const dues = tiers.map((t) =>
            nextReviewDue(lastReview, tierSince, cadenceDays(t.name, tiers)),
          );
          for (let i = 1; i < dues.length; i++)
            expect(dues[i]! <= dues[i - 1]!, `${dues.join(' ')}`).toBe(true);
        },
      ),
    );
  });
});

describe('reviewStatus', () => {
  it('is ok before the due day, due on it, overdue once it has passed', () => {
    expect(reviewStatus('2026-03-09', '2026-03-10')).toBe('ok');
    expect(reviewStatus('2026-03-10', '2026-03-10')).toBe('due');
    expect(reviewStatus(new Date('2026-03-10T23:59:59.999Z'), '2026-03-10')).toBe('due');
    expect(reviewStatus(new Date('2026-03-11T00:00:00.000Z'), '2026-03-10')).toBe('overdue');
    expect(daysOverdue('2026-03-13', '2026-03-10')).toBe(3);
    expect(daysOverdue('2026-03-01', '2026-03-10')).toBe(0);
  });

  it('agrees with the order of days', () => {
    fc.assert(
      fc.property(dayArb, dayArb, (today, due) => {
        const s = reviewStatus(today, due);
        expect(s).toBe(today < due ? 'ok' : today === due ? 'due' : 'overdue');
        expect(daysOverdue(today, due) > 0).toBe(s === 'overdue');
      }),
    );
  });

  it('counts days as integers and back', () => {
    fc.assert(
      fc.property(dayArb, (d) => {
        expect(dayOfNumber(dayNumber(d))).toBe(d);
      }),
    );
    expect(dayNumber('1970-01-02')).toBe(1);
  });
});
