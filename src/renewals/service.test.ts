import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTimeline } from '../accounts/timeline/service.js';
import { listMovements } from '../accounts/subscription/service.js';
import { addDays } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { findOutcomes } from '../health/backtest/outcomes.js';
import { recordOutcome } from './outcomes.js';
import { forecast, overrideBucket, pipeline, pipelineCsv, pipelineSummary } from './service.js';
import { putRenewalSettings } from './settings.js';
import { refreshSignals } from './signals.js';
import { TODAY, renewalBook, setTier } from './testing.js';

const reject = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) {
      const issues = (err.details as { issues?: { path: string }[] } | undefined)?.issues;
      return { code: err.code, message: err.message, field: issues?.[0]?.path };
    }
    throw err;
  }
  throw new Error('expected a refusal');
};

for (const dialect of testDialects()) {
  describe(`renewal pipeline on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    const BOOK = [
      { name: 'Overdue Co', days: -3, mrrMinor: 1_000_00 },
      { name: 'Soon Co', days: 12, mrrMinor: 2_000_00 },
      { name: 'Forty Co', days: 45, mrrMinor: 3_000_00 },
      { name: 'Eighty Co', days: 80, mrrMinor: 4_000_00 },
      { name: 'Hundred Co', days: 100, mrrMinor: 5_000_00, currency: 'EUR' },
      { name: 'Far Co', days: 200, mrrMinor: 6_000_00 },
    ];

    it('lists renewals in their windows and buckets, pages, filters and exports', async () => {
      const { ctx, subs } = await renewalBook(db, BOOK);
      const [overdue, soon, forty, eighty, hundred] = subs;
      await setTier(db, soon!.accountId, 'Red');
      await setTier(db, forty!.accountId, 'Green');
      await setTier(db, eighty!.accountId, 'Yellow');
      await db.db
        .insertInto('health_alerts')
        .values({
          id: 'alr_1',
          account_id: eighty!.accountId,
          kind: 'score_drop',
          cause_key: 'x',
          severity: 'high',
          status: 'open',
          title: 'Score fell',
          reason: 'r',
          evidence: '{}',
          day: TODAY,
          created_at: `${TODAY}T00:00:00.000Z`,
          updated_at: `${TODAY}T00:00:00.000Z`,
          snoozed_until: null,
          resolved_at: null,
          updated_by: null,
        })
        .execute();
      expect(await refreshSignals(ctx)).toEqual({ accounts: 6 });
      const all = await pipeline(ctx, {});
      expect(all.items.map((i) => [i.accountName, i.window, i.bucket])).toEqual([
        ['Overdue Co', 'overdue', 'on_track'],
        ['Soon Co', '30', 'at_risk'],
        ['Forty Co', '60', 'on_track'],
        ['Eighty Co', '90', 'at_risk'],
        ['Hundred Co', '120', 'on_track'],
      ]);
      expect(all.items[1]!.bucketReason).toBe('lowest health tier');
      expect(all.items[3]!.bucketReason).toBe('a high alert open');
      expect(all.items[0]!.daysToRenewal).toBe(-3);
      expect(all.items[2]!.arrMinor).toBe(36_000_00);

      // Pages by cursor cover the same rows once each.
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await pipeline(ctx, { limit: 2, cursor });
        seen.push(...page.items.map((i) => i.subscriptionId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.items.map((i) => i.subscriptionId));

      expect((await pipeline(ctx, { window: '60' })).items.map((i) => i.accountName)).toEqual([
        'Forty Co',
      ]);
      expect((await pipeline(ctx, { bucket: 'at_risk' })).items).toHaveLength(2);
      expect((await pipeline(ctx, { currency: 'EUR' })).items.map((i) => i.subscriptionId)).toEqual(
        [hundred!.subscriptionId],
      );
      expect((await pipeline(ctx, { days: 365 })).items).toHaveLength(6);

      const summary = await pipelineSummary(ctx, {});
      expect(summary.cells.find((c) => c.window === '30')).toEqual({
        window: '30',
        bucket: 'at_risk',
        currency: 'USD',
        count: 1,
        arrMinor: 24_000_00,
      });

      const csv: string[] = [];
      for await (const line of pipelineCsv(ctx, {})) csv.push(line);
      expect(csv).toHaveLength(6);
      expect(csv[0]).toMatch(/^Account,Plan,Renewal date/);
      expect(csv[2]).toContain('Soon Co');
      expect(csv[2]).toContain('At Risk');
      expect(overdue).toBeDefined();
    });

    it('keeps a CSM override for its renewal date, with the reason on the timeline', async () => {
      const { ctx, subs } = await renewalBook(db, BOOK);
      const soon = subs[1]!;
      await refreshSignals(ctx);
      const bad = await reject(
        overrideBucket(ctx, soon.subscriptionId, { bucket: 'churning', reason: ' ' }),
      );
      expect(bad).toMatchObject({ code: 'validation', field: 'reason' });
      const r = await overrideBucket(ctx, soon.subscriptionId, {
        bucket: 'churning',
        reason: 'Champion left, budget frozen',
      });
      expect(r).toMatchObject({ bucket: 'churning', automatic: 'on_track' });
      let item = (await pipeline(ctx, { accountId: soon.accountId })).items[0]!;
      expect(item).toMatchObject({
        bucket: 'churning',
        bucketReason: 'no health score yet',
        override: { automatic: 'on_track', reason: 'Champion left, budget frozen' },
      });
      const tl = await listTimeline(ctx, soon.accountId, { limit: 50 });
      expect(tl.items.map((e) => e.title)).toContain(
        'Renewal moved from On Track to Churning: Champion left, budget frozen',
      );
      // A refresh does not undo it; a new renewal date does.
      await refreshSignals(ctx);
      expect((await pipeline(ctx, { accountId: soon.accountId })).items[0]!.bucket).toBe(
        'churning',
      );
      await db.db
        .updateTable('subscriptions')
        .set({ end_date: addDays(soon.renewalDate, 5) })
        .where('id', '=', soon.subscriptionId)
        .execute();
      item = (await pipeline(ctx, { accountId: soon.accountId })).items[0]!;
      expect(item.bucket).toBe('on_track');
      expect(item.override).toBeNull();
    });

    it('forecasts a quarter that reconciles with the subscriptions, per currency', async () => {
      const { ctx, subs } = await renewalBook(db, [
        { name: 'A', days: 5, mrrMinor: 1_000_00 },
        { name: 'B', days: 20, mrrMinor: 2_000_00 },
        { name: 'C', days: 40, mrrMinor: 3_333_33 },
        { name: 'D', days: 60, mrrMinor: 500_00, currency: 'EUR' },
        { name: 'Next quarter', days: 90, mrrMinor: 9_000_00 },
      ]);
      await setTier(db, subs[1]!.accountId, 'Red');
      await refreshSignals(ctx);
      const f = await forecast(ctx, { quarter: '2027Q1' });
      expect(f.period).toEqual({ from: '2027-01-01', to: '2027-03-31', label: '2027Q1' });
      const usd = f.currencies.find((c) => c.currency === 'USD')!;
      const inQuarter = subs.slice(0, 3);
      const arr = [1_000_00, 2_000_00, 3_333_33].map((m) => m * 12);
      expect(usd.upMinor).toBe(arr.reduce((t, a) => t + a, 0));
      expect(usd.renewals).toBe(inQuarter.length);
      // On Track 90 %, At Risk 50 %: B is red.
      expect(usd.expectedMinor).toBe(Math.round(arr[0]! * 0.9 + arr[1]! * 0.5 + arr[2]! * 0.9));
      expect(usd.atRiskMinor).toBe(arr[1]);
      expect(usd.worstMinor).toBe(arr[0]! + arr[2]!);
      expect(f.currencies.find((c) => c.currency === 'EUR')!.upMinor).toBe(500_00 * 12);

      // Configured probabilities change the expectation; a bad setting is refused.
      await putRenewalSettings(ctx, { probabilities: { on_track: 10_000 }, calibrate: false });
      const again = await forecast(ctx, { quarter: '2027Q1' });
      expect(again.currencies.find((c) => c.currency === 'USD')!.expectedMinor).toBe(
        arr[0]! + arr[2]! + arr[1]! / 2,
      );
      expect(
        await reject(putRenewalSettings(ctx, { probabilities: { at_risk: 10_001 } })),
      ).toMatchObject({
        code: 'validation',
        field: 'probabilities.at_risk',
      });
      expect(await reject(forecast(ctx, { quarter: 'next' }))).toMatchObject({ field: 'quarter' });
    });

    it('records outcomes: renewed moves the term and writes the movement; churned cancels with a reason', async () => {
      const { ctx, subs } = await renewalBook(db, [
        { name: 'Keeps', days: 10, mrrMinor: 1_000_00 },
        { name: 'Shrinks', days: 20, mrrMinor: 2_000_00 },
        { name: 'Leaves', days: 30, mrrMinor: 3_000_00 },
      ]);
      const [keeps, shrinks, leaves] = subs;
      await setTier(db, leaves!.accountId, 'Red');
      await refreshSignals(ctx);
      const r = await recordOutcome(ctx, keeps!.subscriptionId, {
        outcome: 'renewed',
        arrMinor: 12_600_00,
      });
      expect(r).toMatchObject({
        outcome: 'renewed',
        arrBeforeMinor: 12_000_00,
        arrAfterMinor: 12_600_00,
        bucket: 'on_track',
      });
      const moved = await db.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('id', '=', keeps!.subscriptionId)
        .executeTakeFirstOrThrow();
      expect(moved.end_date).toBe(addDays(keeps!.renewalDate, 365));
      expect(Number(moved.mrr_minor)).toBe(1_050_00);
      const movements = await listMovements(ctx, keeps!.accountId);
      expect(movements.at(-1)).toMatchObject({
        kind: 'expansion',
        mrrDeltaMinor: 50_00,
        effectiveDate: keeps!.renewalDate,
      });
      // The health backtest reads the renewal from billing and the audit log.
      const seen = await findOutcomes(db.db, {
        from: TODAY,
        to: addDays(TODAY, 40),
        today: addDays(TODAY, 45),
      });
      expect(seen.filter((o) => o.accountId === keeps!.accountId)).toMatchObject([
        { kind: 'renewed', date: keeps!.renewalDate, arrMinor: 12_000_00 },
      ]);

      expect(
        await reject(
          recordOutcome(ctx, shrinks!.subscriptionId, { outcome: 'renewed', arrMinor: 10_000_00 }),
        ),
      ).toMatchObject({
        field: 'arrMinor',
      });
      await recordOutcome(ctx, shrinks!.subscriptionId, {
        outcome: 'downgraded',
        arrMinor: 18_000_00,
      });
      expect((await listMovements(ctx, shrinks!.accountId)).at(-1)).toMatchObject({
        kind: 'contraction',
      });

      expect(
        await reject(recordOutcome(ctx, leaves!.subscriptionId, { outcome: 'churned' })),
      ).toMatchObject({
        field: 'churnReason',
      });
      const lost = await recordOutcome(ctx, leaves!.subscriptionId, {
        outcome: 'churned',
        churnReason: 'competition',
        note: 'Moved to a rival',
      });
      expect(lost).toMatchObject({ bucket: 'at_risk', arrAfterMinor: 0 });
      const acct = await db.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', leaves!.accountId)
        .executeTakeFirstOrThrow();
      expect(acct).toMatchObject({
        stage: 'churned',
        churn_reason: 'competition',
        churned_on: leaves!.renewalDate,
      });
      // Once per renewal: the subscription is no longer up for renewal.
      expect(
        await reject(
          recordOutcome(ctx, leaves!.subscriptionId, { outcome: 'churned', churnReason: 'value' }),
        ),
      ).toMatchObject({
        code: 'validation',
      });

      // The closed renewals show in the quarter, and calibrate the probabilities.
      const f = await forecast(ctx, { quarter: '2027Q1' });
      const usd = f.currencies[0]!;
      expect(usd.closed).toEqual({
        renewals: 3,
        upMinor: 72_000_00,
        renewedMinor: 30_600_00,
        churnedMinor: 36_000_00,
      });
      expect(usd.open).toBe(0);
      const onTrack = f.probabilities.find((p) => p.bucket === 'on_track')!;
      expect(onTrack).toMatchObject({ renewed: 2, total: 2, source: 'calibrated' });
      expect(onTrack.bp).toBe(Math.round((2 * 10_000 + 10 * 9_000) / 12));
    });
  });
}
