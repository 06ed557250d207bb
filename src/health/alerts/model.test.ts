import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../../core/clock.js';
import {
  DEFAULT_ALERT_SETTINGS as S,
  actionProblem,
  effectiveStatus,
  isoWeek,
  scaleFrom,
  windowsAt,
  type ScaleOf,
  type ScorePoint,
} from './kinds.js';
import {
  championLeft,
  detractorNps,
  largestDrop,
  onboardingNoLogin,
  redNoIntervention,
  renewalRisk,
  scoreDrop,
  supportSpike,
  tierChanges,
  usageDrop,
} from './model.js';

const D = '2026-03-31';
const W = windowsAt(D, S);
const PILLARS = scaleFrom([
  { name: 'Green', min: 80 },
  { name: 'Yellow', min: 60 },
  { name: 'Red', min: 0 },
]);
const FIVE = scaleFrom([
  { name: 'Thriving', min: 80 },
  { name: 'Healthy', min: 60 },
  { name: 'At-Risk', min: 40 },
  { name: 'Critical', min: 0 },
]);
const scaleOf: ScaleOf = (key) =>
  key === 'three-pillars' ? PILLARS : key === 'five' ? FIVE : undefined;

const pt = (day: string, points: number | null, tier: string | null = null): ScorePoint => ({
  day,
  tenths: points === null ? null : Math.round(points * 10),
  tier,
  modelKey: 'three-pillars',
  modelVersion: 1,
});

describe('alert rules', () => {
  it('score_drop fires at 10 points within 30 days, with the peak, the low and the day it crossed', () => {
    const series = [pt('2026-03-01', 84), pt('2026-03-10', 80), pt('2026-03-20', 71)];
    const f = scoreDrop('a', series, S, D);
    expect(f).toMatchObject({
      kind: 'score_drop',
      causeKey: '2026-03-20',
      severity: 'medium',
      evidence: { from: 84, to: 71, fromDay: '2026-03-01', toDay: '2026-03-20', drop: 13 },
    });
    expect(f?.reason).toBe(
      'Health fell from 84.0 on 2026-03-01 to 71.0 on 2026-03-20, 13.0 points within 30 days (the alert is at 10).',
    );
    // Near misses: 9.9 points, a rise, and a peak one day outside the window.
    expect(scoreDrop('a', [pt('2026-03-01', 84), pt('2026-03-20', 74.1)], S, D)).toBeNull();
    expect(scoreDrop('a', [pt('2026-03-01', 60), pt('2026-03-20', 90)], S, D)).toBeNull();
    expect(scoreDrop('a', [pt('2026-02-28', 90), pt('2026-03-20', 70)], S, D)).toBeNull();
    expect(scoreDrop('a', [pt('2026-03-01', 90), pt('2026-03-20', 70)], S, D)).not.toBeNull();
    // A decline already reported in this window raises nothing new.
    expect(scoreDrop('a', series, S, D, '2026-03-05')).toBeNull();
    expect(scoreDrop('a', series, S, D, '2026-02-28')).not.toBeNull();
  });

  it('tier_change fires only for a worse tier, within the lookback, across model versions', () => {
    const f = tierChanges(
      'a',
      [
        pt('2026-03-27', 84, 'Green'),
        pt('2026-03-28', 71, 'Yellow'),
        pt('2026-03-29', 82, 'Green'),
      ],
      S,
      D,
      scaleOf,
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      causeKey: '2026-03-28:Green>Yellow',
      severity: 'medium',
      evidence: { from: 'Green', to: 'Yellow', fromDay: '2026-03-27', toDay: '2026-03-28' },
    });
    const toRed = tierChanges(
      'a',
      [pt('2026-03-30', 62, 'Yellow'), pt(D, 50, 'Red')],
      S,
      D,
      scaleOf,
    );
    expect(toRed[0]?.severity).toBe('high');
    // Outside the 7-day lookback (the change on D−7) and a snapshot without a tier between.
    expect(
      tierChanges(
        'a',
        [pt('2026-03-23', 84, 'Green'), pt('2026-03-24', 70, 'Yellow')],
        S,
        D,
        scaleOf,
      ),
    ).toEqual([]);
    const gap = [
      pt('2026-03-28', 84, 'Green'),
      pt('2026-03-29', null),
      pt('2026-03-30', 70, 'Yellow'),
    ];
    expect(tierChanges('a', gap, S, D, scaleOf)[0]?.causeKey).toBe('2026-03-30:Green>Yellow');
    // Another model: Healthy (60) → Yellow (60) is not worse; Thriving → Yellow is.
    const other = (tier: string): ScorePoint => ({
      ...pt('2026-03-29', 70, tier),
      modelKey: 'five',
    });
    expect(
      tierChanges('a', [other('Healthy'), pt('2026-03-30', 70, 'Yellow')], S, D, scaleOf),
    ).toEqual([]);
    expect(
      tierChanges('a', [other('Thriving'), pt('2026-03-30', 70, 'Yellow')], S, D, scaleOf),
    ).toHaveLength(1);
  });

  it('tier_change raises a flapping fall once per episode', () => {
    const flap = [
      pt('2026-03-25', 62, 'Yellow'),
      pt('2026-03-26', 58, 'Red'),
      pt('2026-03-27', 61, 'Yellow'),
      pt('2026-03-28', 59, 'Red'),
    ];
    const causes = (covered?: Map<string, string>) =>
      tierChanges('a', flap, S, D, scaleOf, covered).map((f) => f.causeKey);
    expect(causes()).toEqual(['2026-03-28:Yellow>Red']);
    // An unresolved alert covers every fall; a resolved one those up to its resolution day.
    expect(causes(new Map([['Yellow>Red', '9999-12-31']]))).toEqual([]);
    expect(causes(new Map([['Yellow>Red', '2026-03-28']]))).toEqual([]);
    expect(causes(new Map([['Yellow>Red', '2026-03-27']]))).toEqual(['2026-03-28:Yellow>Red']);
    expect(causes(new Map([['Green>Red', '9999-12-31']]))).toHaveLength(1);
  });

  it('usage_drop needs more than 30% fewer users and enough users to judge', () => {
    const f = usageDrop({ accountId: 'a', users: 6, prevUsers: 10 }, S, W);
    expect(f).toMatchObject({
      causeKey: '2026-03',
      evidence: { previousUsers: 10, activeUsers: 6, dropPercent: 40, from: '2026-03-02', to: D },
    });
    expect(usageDrop({ accountId: 'a', users: 7, prevUsers: 10 }, S, W)).toBeNull(); // exactly 30%
    expect(usageDrop({ accountId: 'a', users: 0, prevUsers: 4 }, S, W)).toBeNull(); // too few
  });

  it('champion_left and detractor_nps report recent events only', () => {
    const exit = {
      accountId: 'a',
      contactId: 'c1',
      name: 'Cleo',
      title: 'VP Ops',
      leftOn: '2026-03-20',
      reason: null,
    };
    expect(championLeft(exit, W)).toMatchObject({ causeKey: 'c1', severity: 'high' });
    expect(championLeft({ ...exit, leftOn: '2026-02-28' }, W)).toBeNull();
    const answer = {
      accountId: 'a',
      responseId: 'r1',
      score: 6,
      respondedAt: '2026-03-30T12:00:00.000Z',
      contactId: null,
      contactName: 'Dana',
      comment: null,
    };
    expect(detractorNps(answer, W)).toMatchObject({ causeKey: 'r1', evidence: { score: 6 } });
    expect(detractorNps({ ...answer, score: 7 }, W)).toBeNull();
    expect(detractorNps({ ...answer, respondedAt: '2026-04-01T00:00:00.000Z' }, W)).toBeNull();
  });

  it('support_spike compares 7 days with three times the weekly average of the 90 before', () => {
    // 90 days with 26 tickets: a weekly average of 2.02, so 7 tickets is 3× and 6 is not.
    expect(supportSpike({ accountId: 'a', recent: 7, baseline: 26 }, S, W)).toMatchObject({
      causeKey: '2026-W14',
      evidence: { tickets: 7, baselineTickets: 26, weeklyAverage: 2.02, from: '2026-03-25' },
    });
    expect(supportSpike({ accountId: 'a', recent: 6, baseline: 26 }, S, W)).toBeNull();
    expect(supportSpike({ accountId: 'a', recent: 3, baseline: 0 }, S, W)).not.toBeNull();
    expect(supportSpike({ accountId: 'a', recent: 2, baseline: 0 }, S, W)).toBeNull();
  });

  it('onboarding_no_login, renewal_risk and red_no_intervention', () => {
    const ob = {
      accountId: 'a',
      stage: 'onboarding',
      stageStartedOn: '2026-03-17',
      linked: true,
      usersSinceStart: 0,
    };
    expect(onboardingNoLogin(ob, S, D)).toMatchObject({
      causeKey: '2026-03-17',
      evidence: { daysInOnboarding: 14 },
    });
    expect(onboardingNoLogin({ ...ob, stageStartedOn: '2026-03-18' }, S, D)).toBeNull();
    expect(onboardingNoLogin({ ...ob, usersSinceStart: 1 }, S, D)).toBeNull();
    expect(onboardingNoLogin({ ...ob, linked: false }, S, D)).toBeNull();

    const renewal = {
      accountId: 'a',
      renewalDate: '2026-05-30',
      latest: pt('2026-03-30', 71, 'Yellow'),
    };
    expect(renewalRisk(renewal, S, D, scaleOf)).toMatchObject({
      causeKey: '2026-05-30',
      severity: 'medium',
      evidence: { daysToRenewal: 60, tier: 'Yellow', topTier: 'Green', score: 71 },
    });
    expect(renewalRisk({ ...renewal, renewalDate: '2026-05-31' }, S, D, scaleOf)).toBeNull();
    expect(
      renewalRisk({ ...renewal, latest: pt('2026-03-30', 85, 'Green') }, S, D, scaleOf),
    ).toBeNull();

    const red = {
      accountId: 'a',
      redSince: '2026-03-16',
      lastScoredOn: D,
      tier: 'Red',
      intervened: false,
    };
    expect(redNoIntervention(red, S, D)).toMatchObject({
      causeKey: '2026-03-16',
      severity: 'critical',
    });
    expect(redNoIntervention({ ...red, redSince: '2026-03-17' }, S, D)).toBeNull(); // 14 days
    expect(redNoIntervention({ ...red, intervened: true }, S, D)).toBeNull();
  });

  it('status: an expired snooze reads as open; resolved is final', () => {
    expect(effectiveStatus('snoozed', '2026-03-31T00:00:00.000Z', '2026-03-31T00:00:00.000Z')).toBe(
      'open',
    );
    expect(effectiveStatus('snoozed', '2026-04-01T00:00:00.000Z', '2026-03-31T10:00:00.000Z')).toBe(
      'snoozed',
    );
    expect(actionProblem('snooze', 'resolved')).toBe('the alert is resolved');
    expect(actionProblem('acknowledge', 'acknowledged')).not.toBeNull();
    expect(actionProblem('resolve', 'acknowledged')).toBeNull();
  });

  it('iso weeks', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2026-03-31')).toBe('2026-W14');
  });
});

describe('alert rule properties', () => {
  /** A series over the 40 days before D: some days missing, some without a score. */
  const seriesArb = fc
    .array(
      fc.record({
        back: fc.integer({ min: 0, max: 40 }),
        tenths: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
      }),
      { maxLength: 30 },
    )
    .map((xs) => {
      const byDay = new Map(xs.map((x) => [addDays(D, -x.back), x.tenths]));
      return [...byDay].map(([day, tenths]): ScorePoint => ({ ...pt(day, null), tenths }));
    });

  it('score_drop fires iff some score in the window is at least N below an earlier one', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 300 }), (series, bar) => {
        const s = { ...S, scoreDropPoints: bar / 10 };
        const from = addDays(D, -s.scoreDropWindowDays);
        const pts = series
          .filter((p) => p.tenths !== null && p.day >= from)
          .sort((a, b) => a.day.localeCompare(b.day));
        let maxDrop = -Infinity;
        let firstCross: string | null = null;
        for (let j = 0; j < pts.length; j++)
          for (let i = 0; i < j; i++) {
            const drop = pts[i]!.tenths! - pts[j]!.tenths!;
            maxDrop = Math.max(maxDrop, drop);
            if (drop >= bar && firstCross === null) firstCross = pts[j]!.day;
          }
        const f = scoreDrop('a', series, s, D);
        expect(f !== null).toBe(maxDrop >= bar);
        if (f) {
          expect(f.causeKey).toBe(firstCross);
          expect(Math.round((f.evidence.drop as number) * 10)).toBe(maxDrop);
          expect(String(f.evidence.fromDay) < String(f.evidence.toDay)).toBe(true);
        }
        // The largest drop never depends on the order the points arrive in.
        const shuffled = [...series].reverse();
        expect(largestDrop(shuffled, from, D, bar)).toEqual(largestDrop(series, from, D, bar));
      }),
    );
  });

  it('tier_change reports the latest of each worsening step between consecutive tiers', () => {
    const tiers = ['Green', 'Yellow', 'Red'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 2), { maxLength: 10 }), (ranks) => {
        const series = ranks.map((r, i) => pt(addDays(D, -(ranks.length - 1 - i)), 50, tiers[r]!));
        const found = tierChanges('a', series, { ...S, tierChangeLookbackDays: 30 }, D, scaleOf);
        // The latest of each from → to: a repeat (flapping) is one episode.
        const latest = new Map<string, string>();
        ranks.forEach((r, i) => {
          if (i > 0 && r > ranks[i - 1]!) latest.set(`${ranks[i - 1]}>${r}`, series[i]!.day);
        });
        const expected = [...latest.values()].sort();
        expect(found.map((f) => String(f.evidence.toDay)).sort()).toEqual(expected);
        expect(new Set(found.map((f) => f.causeKey)).size).toBe(found.length);
      }),
    );
  });

  it('support_spike fires iff recent ≥ 3 and recent ≥ 3 × baseline × 7 / 90', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.nat(400), (recent, baseline) => {
        const f = supportSpike({ accountId: 'a', recent, baseline }, S, W);
        expect(f !== null).toBe(recent >= 3 && recent * 90 >= 3 * baseline * 7);
      }),
    );
  });

  it('usage_drop fires iff the fall is strictly more than the percent, given enough users', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.nat(200), (users, prevUsers) => {
        const f = usageDrop({ accountId: 'a', users, prevUsers }, S, W);
        expect(f !== null).toBe(prevUsers >= 5 && (prevUsers - users) * 100 > 30 * prevUsers);
      }),
    );
  });
});
