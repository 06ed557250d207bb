import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, toIsoDate } from '../core/clock.js';
import { freshTestDb, type TestDb } from '../db/testing.js';
import { buildDemo } from '../demo/service.js';
import { evaluateAlerts } from '../health/alerts/evaluate.js';
import { scoreDays } from '../health/scoring/service.js';
import { testCtx } from '../testing/ctx.js';
import { bucketOf, quarterOf, quarterRange, windowOf, type TierRank } from './model.js';
import { forecast, pipeline } from './service.js';
import { refreshSignals } from './signals.js';

/**
 * The issue's own check on the demo company: the board holds every renewal of the next 120
 * days (and the overdue ones) once, each in the window its date says and the bucket the
 * documented rules give its stored signals; the quarter's forecast adds up to the
 * subscriptions renewing in it.
 */
describe('renewals on the demo company', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshTestDb('sqlite');
  }, 120_000);
  afterAll(async () => db?.destroy());

  it('shows the next 120 days in the right windows and buckets, and the forecast reconciles', async () => {
    const ctx = testCtx(db, '2026-12-06T09:00:00.000Z');
    const today = toIsoDate(ctx.now());
    await buildDemo(ctx, { accounts: 120, password: 'demo-password-for-tests-1' });
    await scoreDays(ctx, addDays(today, -40), today);
    await evaluateAlerts(ctx, today);
    await refreshSignals(ctx);

    const items = [];
    let cursor: string | undefined;
    do {
      const page = await pipeline(ctx, { limit: 37, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    const live = await db.db
      .selectFrom('subscriptions as s')
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .select(['s.id', 's.end_date', 's.mrr_minor', 's.currency'])
      .where('s.status', 'in', ['active', 'past_due'])
      .where('a.archived_at', 'is', null)
      .execute();
    const due = live.filter((s) => s.end_date && s.end_date <= addDays(today, 120));
    expect(due.length).toBeGreaterThan(10);
    expect(items.map((i) => i.subscriptionId).sort()).toEqual(due.map((s) => s.id).sort());
    for (const i of items) expect(i.window).toBe(windowOf(i.renewalDate, today));

    const signals = await db.db.selectFrom('renewal_signals').selectAll().execute();
    const byAccount = new Map(signals.map((s) => [s.account_id, s]));
    const buckets = new Set<string>();
    for (const i of items) {
      const s = byAccount.get(i.accountId)!;
      const expected = bucketOf({
        tierRank: s.tier_rank as TierRank | null,
        worstAlert: s.worst_alert as 'critical' | 'high' | 'medium' | 'low' | null,
        usageTrendPct: s.usage_trend_pct === null ? null : Number(s.usage_trend_pct),
        expansionScore: Number(s.expansion_score),
      });
      expect(i.bucket).toBe(expected.bucket);
      expect(i.bucketReason).toBe(expected.reason);
      buckets.add(i.bucket);
    }
    // The demo's story has renewals at risk and healthy ones.
    expect(buckets.has('on_track')).toBe(true);
    expect(buckets.has('at_risk') || buckets.has('churning')).toBe(true);

    for (const q of [quarterOf(today), quarterOf(addDays(today, 90))]) {
      const range = quarterRange(q)!;
      const f = await forecast(ctx, { quarter: q });
      const inQuarter = live.filter(
        (s) => s.end_date && s.end_date >= range.from && s.end_date <= range.to,
      );
      for (const c of f.currencies) {
        const mine = inQuarter.filter((s) => s.currency === c.currency);
        expect(c.upMinor).toBe(mine.reduce((t, s) => t + Number(s.mrr_minor) * 12, 0));
        expect(c.renewals).toBe(mine.length);
      }
      expect(f.currencies.reduce((t, c) => t + c.renewals, 0)).toBe(inQuarter.length);
    }

    // Its history's renewals are recorded, each in the bucket it was in, so the forecast's
    // probabilities are calibrated from a record that follows the churn story.
    const outcomes = await db.db.selectFrom('renewal_outcomes').selectAll().execute();
    expect(outcomes.length).toBeGreaterThan(20);
    for (const o of outcomes) {
      expect(o.renewal_date < today).toBe(true);
      if (o.outcome === 'churned') expect(Number(o.arr_after_minor)).toBe(0);
      if (o.outcome === 'renewed')
        expect(Number(o.arr_after_minor)).toBeGreaterThanOrEqual(Number(o.arr_before_minor));
      if (o.outcome === 'downgraded')
        expect(Number(o.arr_after_minor)).toBeLessThan(Number(o.arr_before_minor));
    }
    const churned = await db.db
      .selectFrom('subscriptions')
      .select('id')
      .where('status', '=', 'canceled')
      .where(
        'id',
        'in',
        outcomes.filter((o) => o.outcome === 'churned').map((o) => o.subscription_id),
      )
      .execute();
    expect(churned).toHaveLength(outcomes.filter((o) => o.outcome === 'churned').length);
    const f = await forecast(ctx, {});
    expect(f.probabilities.filter((p) => p.source === 'calibrated').length).toBeGreaterThan(1);
    const kept = (b: string) => {
      const p = f.probabilities.find((x) => x.bucket === b)!;
      return p.total > 0 ? p.renewed / p.total : null;
    };
    expect(kept('on_track')!).toBeGreaterThan(kept('churning') ?? 0);
  }, 240_000);
});
