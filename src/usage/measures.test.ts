import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  byAdoption,
  configuredFeatures,
  daysOf,
  deriveMeasures,
  fillSeries,
  parseTraits,
  trend,
  unusedFeatures,
  windowsAt,
  zeroCounts,
} from './measures.js';

describe('usage windows', () => {
  it('ends every window on asOf and puts the previous one just before it', () => {
    expect(windowsAt('2026-03-01')).toEqual({
      day: { from: '2026-03-01', to: '2026-03-01' },
      week: { from: '2026-02-23', to: '2026-03-01' },
      prevWeek: { from: '2026-02-16', to: '2026-02-22' },
      month: { from: '2026-01-31', to: '2026-03-01' },
      prevMonth: { from: '2026-01-01', to: '2026-01-30' },
    });
  });

  it('spans exactly 7 and 30 days for any day (property)', () => {
    const day = fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, (d) => {
        const w = windowsAt(d);
        expect(daysOf(w.week)).toHaveLength(7);
        expect(daysOf(w.prevWeek)).toHaveLength(7);
        expect(daysOf(w.month)).toHaveLength(30);
        expect(daysOf(w.prevMonth)).toHaveLength(30);
        expect([...daysOf(w.prevMonth), ...daysOf(w.month)]).toEqual(
          daysOf({ from: w.prevMonth.from, to: d }),
        );
      }),
    );
  });
});

describe('derived measures', () => {
  it('derives stickiness, login frequency, seat utilisation and breadth', () => {
    const m = deriveMeasures({
      ...zeroCounts(4),
      dau: 2,
      wau: 3,
      mau: 4,
      userDays: 9,
      seats: 16,
      featuresUsed: 2,
    });
    expect(m.avgDau).toBeCloseTo(0.3, 12);
    expect(m.stickiness).toBeCloseTo(0.075, 12);
    expect(m.loginFrequency).toBe(2.25);
    expect(m.seatUtilisation).toBe(0.25);
    expect(m.featureBreadth).toBe(0.5);
  });

  it('answers null where the base is missing or zero', () => {
    const m = deriveMeasures(zeroCounts());
    expect(m.stickiness).toBeNull();
    expect(m.loginFrequency).toBeNull();
    expect(m.seatUtilisation).toBeNull();
    expect(m.featureBreadth).toBeNull();
    expect(deriveMeasures({ ...zeroCounts(), mau: 3, seats: 0 }).seatUtilisation).toBeNull();
    expect(trend(5, 0)).toEqual({ current: 5, previous: 0, ratio: null, changePct: null });
    expect(trend(7, 10)).toEqual({ current: 7, previous: 10, ratio: 0.7, changePct: -30 });
  });
});

describe('features and series', () => {
  const map = { A: 'reporting', B: 'reporting', C: 'billing', D: 'alerts' };

  it('counts configured features once and lists the unused ones', () => {
    expect(configuredFeatures(map)).toEqual(['alerts', 'billing', 'reporting']);
    expect(unusedFeatures(map, ['reporting'])).toEqual(['alerts', 'billing']);
    const use = (feature: string, users: number, events: number) => ({
      feature,
      users,
      events,
      lastUsedOn: '2026-01-01',
    });
    expect(
      [use('b', 1, 5), use('a', 2, 1), use('c', 1, 5), use('d', 1, 9)]
        .sort(byAdoption)
        .map((f) => f.feature),
    ).toEqual(['a', 'd', 'b', 'c']);
  });

  it('fills days without activity with zeros and groups top events by day', () => {
    const days = fillSeries(
      { from: '2026-01-30', to: '2026-02-01' },
      [{ day: '2026-02-01', events: 4, activeUsers: 2, sessionSeconds: 60 }],
      [{ day: '2026-02-01', event: 'A', feature: 'reporting', events: 3, users: 2 }],
    );
    expect(days).toEqual([
      { day: '2026-01-30', events: 0, activeUsers: 0, sessionSeconds: 0, topEvents: [] },
      { day: '2026-01-31', events: 0, activeUsers: 0, sessionSeconds: 0, topEvents: [] },
      {
        day: '2026-02-01',
        events: 4,
        activeUsers: 2,
        sessionSeconds: 60,
        topEvents: [{ event: 'A', feature: 'reporting', events: 3, users: 2 }],
      },
    ]);
  });

  it('reads traits that are not a JSON object as none', () => {
    expect(parseTraits('{"plan":"pro"}')).toEqual({ plan: 'pro' });
    expect(parseTraits('[1]')).toEqual({});
    expect(parseTraits('nope')).toEqual({});
  });
});
