import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nps, npsCategory } from '../../support/model.js';
import { deriveMeasures, emptyRaw, npsScore, percentChange, windowsAt } from './model.js';
import { MEASURE_IDS, MEASURES } from './registry.js';

describe('measure windows', () => {
  it('are whole UTC days ending on the as-of day', () => {
    expect(windowsAt('2026-06-30')).toEqual({
      asOf: '2026-06-30',
      end: '2026-07-01T00:00:00.000Z',
      usageFrom: '2026-06-01',
      usagePrevFrom: '2026-05-02',
      ticketsFrom: '2026-06-01T00:00:00.000Z',
      ticketsPrevFrom: '2026-05-02T00:00:00.000Z',
      csatFrom: '2026-04-02T00:00:00.000Z',
      npsFrom: '2026-01-02T00:00:00.000Z',
      npsRecentFrom: '2026-04-02T00:00:00.000Z',
      paymentsFrom: '2026-04-02T00:00:00.000Z',
      contractionFrom: '2026-01-02',
    });
    // Across a leap day.
    expect(windowsAt('2028-03-01').usageFrom).toBe('2028-02-01');
  });
});

describe('measure arithmetic', () => {
  it('scores NPS from counts exactly as the support summary does from answers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 60 }), (scores) => {
        const count = (c: string) => scores.filter((s) => npsCategory(s) === c).length;
        expect(npsScore(count('promoter'), count('detractor'), scores.length)).toBe(
          nps(scores).score,
        );
      }),
    );
  });

  it('gives percent change, null without a base', () => {
    expect(percentChange(3, 2)).toBe(50);
    expect(percentChange(0, 4)).toBe(-100);
    expect(percentChange(7, 10)).toBe(-30);
    expect(percentChange(5, 0)).toBeNull();
  });

  it('keeps every derived value within the registry range', () => {
    const nat = fc.nat(1000);
    fc.assert(
      fc.property(
        fc.record({ users: nat, extraPrev: nat, days: fc.integer({ min: 1, max: 30 }) }),
        fc.record({
          start: nat,
          added: nat,
          lostShare: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.record({ answers: fc.integer({ min: 1, max: 50 }), p: nat, d: nat }),
        ({ users, extraPrev, days }, { start, added, lostShare }, { answers, p, d }) => {
          const raw = emptyRaw(true);
          raw.usage = {
            rows: 1,
            users,
            prevUsers: extraPrev,
            userDays: users * days,
            featuresUsed: 1,
          };
          raw.revenue = {
            startMrr: start,
            added,
            contracted: Math.floor((start + added) * lostShare),
          };
          const promoters = p % (answers + 1);
          raw.nps = {
            answers,
            promoters,
            detractors: d % (answers - promoters + 1),
            sum: 0,
            recentAnswers: 0,
            recentSum: 0,
          };
          const v = deriveMeasures(raw, '2026-06-30', 2);
          for (const id of MEASURE_IDS) {
            const x = v[id];
            if (x === null) continue;
            const { min, max } = MEASURES[id];
            expect(x, id).toBeGreaterThanOrEqual(min);
            if (max !== null) expect(x, id).toBeLessThanOrEqual(max);
          }
        },
      ),
    );
  });

  it('treats an unlinked account without usage as untracked, a linked one as silent', () => {
    const untracked = deriveMeasures(emptyRaw(false), '2026-06-30', 3);
    const silent = deriveMeasures(emptyRaw(true), '2026-06-30', 3);
    expect(untracked['usage.stickiness']).toBeNull();
    expect(untracked['usage.feature_breadth']).toBeNull();
    expect(silent['usage.stickiness']).toBe(0);
    expect(silent['usage.login_frequency']).toBe(0);
    expect(silent['usage.feature_breadth']).toBe(0);
    expect(silent['usage.active_users_trend']).toBeNull();
    // No feature configured: breadth has nothing to be a share of.
    expect(deriveMeasures(emptyRaw(true), '2026-06-30', 0)['usage.feature_breadth']).toBeNull();
  });

  it('clamps contraction to 0–100 even over inconsistent history', () => {
    const raw = emptyRaw();
    raw.revenue = { startMrr: 100, added: 0, contracted: 300 };
    expect(deriveMeasures(raw, '2026-06-30', 0)['commercial.contraction']).toBe(100);
    raw.revenue = { startMrr: 0, added: 0, contracted: 0 };
    expect(deriveMeasures(raw, '2026-06-30', 0)['commercial.contraction']).toBeNull();
  });
});
