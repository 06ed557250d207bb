import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addMonths, toIsoDate } from '../../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../../accounts/account/service.js';
import { createSubscription, updateSubscription } from '../../accounts/subscription/service.js';
import { buildDemo } from '../../demo/service.js';
import { buildPlan } from '../../demo/plan.js';
import { findOutcomes, matchedAsOfDates, type Outcome } from './outcomes.js';

const PERIOD = { from: '2025-01-01', to: '2025-12-31' };

for (const dialect of testDialects()) {
  describe(`outcomes from the book on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('finds renewals in place, evergreen years, per-term rows, churns and churn dates', async () => {
      const ctx = testCtx(db);
      const names = new Map<string, string>();
      const account = async (
        name: string,
        extra: Parameters<typeof createAccount>[1] = { name },
      ) => {
        const a = await createAccount(ctx, { ...extra, name, stage: extra.stage ?? 'active' });
        names.set(a.id, name);
        return a.id;
      };

      // Annual contract renewed in place (the old end date survives in the audit log),
      // expanded, then cancelled mid-term.
      const annual = await account('annual');
      const s1 = await createSubscription(ctx, {
        accountId: annual,
        plan: 'Team',
        mrrMinor: 1000_00,
        startDate: '2024-01-10',
        endDate: '2025-01-10',
      });
      await updateSubscription(ctx, s1.id, { endDate: '2026-01-10', effectiveDate: '2025-01-10' });
      await updateSubscription(ctx, s1.id, { mrrMinor: 1200_00, effectiveDate: '2025-05-01' });
      await updateSubscription(ctx, s1.id, { status: 'canceled', canceledOn: '2025-11-10' });

      // Month-to-month without an end date: a year kept counts as a renewal.
      const monthly = await account('monthly');
      await createSubscription(ctx, {
        accountId: monthly,
        plan: 'Starter',
        mrrMinor: 50_00,
        billingFrequency: 'monthly',
        startDate: '2024-03-01',
      });

      // A billing export with one row per term and a four-day gap between them.
      const terms = await account('terms');
      await createSubscription(ctx, {
        accountId: terms,
        plan: 'Business',
        mrrMinor: 300_00,
        startDate: '2024-02-01',
        endDate: '2025-02-01',
        status: 'canceled',
        canceledOn: '2025-02-01',
      });
      await createSubscription(ctx, {
        accountId: terms,
        plan: 'Business',
        mrrMinor: 330_00,
        startDate: '2025-02-05',
        endDate: '2026-02-05',
      });

      // Churned at the term end, won back months later: still a churn.
      const winback = await account('winback');
      const s2 = await createSubscription(ctx, {
        accountId: winback,
        plan: 'Team',
        mrrMinor: 200_00,
        startDate: '2024-05-01',
        endDate: '2025-05-01',
      });
      await updateSubscription(ctx, s2.id, { status: 'canceled', canceledOn: '2025-05-01' });
      await createSubscription(ctx, {
        accountId: winback,
        plan: 'Team',
        mrrMinor: 150_00,
        startDate: '2025-09-01',
        endDate: '2026-09-01',
      });

      // Imported as churned, with no billing at all; and a trial, which is no outcome.
      await account('no-billing', {
        name: 'no-billing',
        stage: 'churned',
        churnedOn: '2025-06-01',
        currency: 'EUR',
      });
      const trial = await account('trial');
      await createSubscription(ctx, {
        accountId: trial,
        plan: 'Team',
        mrrMinor: 0,
        startDate: '2024-06-01',
        endDate: '2025-06-01',
        status: 'trialing',
      });

      const found = await findOutcomes(db.db, PERIOD);
      const rows = found
        .map((o) => [names.get(o.accountId), o.date, o.kind, o.arrMinor, o.currency, o.source])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
      expect(rows).toEqual([
        ['annual', '2025-01-10', 'renewed', 12 * 1000_00, 'USD', 'term_extended'],
        ['terms', '2025-02-01', 'renewed', 12 * 300_00, 'USD', 'term_end'],
        ['monthly', '2025-03-01', 'renewed', 12 * 50_00, 'USD', 'anniversary'],
        ['winback', '2025-05-01', 'churned', 12 * 200_00, 'USD', 'billing'],
        ['no-billing', '2025-06-01', 'churned', 0, 'EUR', 'churned_on'],
        ['annual', '2025-11-10', 'churned', 12 * 1200_00, 'USD', 'billing'],
      ]);
      const { matched } = matchedAsOfDates(found, 90);
      expect(matched.find((m) => names.get(m.accountId) === 'monthly')?.asOf).toBe('2024-12-01');

      // A narrower period keeps only its own outcomes.
      const june = await findOutcomes(db.db, { from: '2025-06-01', to: '2025-06-30' });
      expect(june.map((o) => names.get(o.accountId))).toEqual(['no-billing']);
      await expect(findOutcomes(db.db, { from: '2025-12-31', to: '2025-01-01' })).rejects.toThrow(
        RangeError,
      );
    });
  });
}

const TODAY = '2026-11-23T10:00:00.000Z';

/** Churns (with ARR) and in-place renewals as the demo planned them, by CRM id and date. */
function plannedOutcomes(seed: number, count: number, from: string, to: string) {
  const plan = buildPlan(seed, count, TODAY.slice(0, 10));
  const churns = new Map<string, number>();
  const renewals = new Set<string>();
  const inPeriod = (d: string) => d >= from && d <= to;
  for (const a of plan.accounts) {
    const live = new Map<string, number>();
    // End-of-day MRR: a day's changes all count on that day.
    const closing: [string, number][] = [];
    for (const e of a.events) {
      if (e.type === 'sub_create') live.set(e.key, e.mrrMinor);
      else if (e.type === 'sub_update') {
        live.set(e.key, e.mrrMinor);
        // Renewals are the updates that move the end date; they happen on the old one.
        if (e.endDate && inPeriod(e.date)) renewals.add(`${a.firm.crmId} ${e.date}`);
      } else if (e.type === 'sub_cancel') live.delete(e.key);
      else continue;
      const total = [...live.values()].reduce((s, v) => s + v, 0);
      if (closing.at(-1)?.[0] === e.date) closing.at(-1)![1] = total;
      else closing.push([e.date, total]);
    }
    closing.forEach(([date, total], i) => {
      const before = closing[i - 1]?.[1] ?? 0;
      if (before > 0 && total === 0 && inPeriod(date)) {
        churns.set(`${a.firm.crmId} ${date}`, before * 12);
      }
    });
  }
  return { churns, renewals };
}

for (const dialect of testDialects()) {
  describe(`outcomes of the demo company on ${dialect}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await freshTestDb(dialect);
      await buildDemo(testCtx(db, TODAY), { seed: 7, accounts: 150 });
    });
    afterAll(async () => db.destroy());

    it('agree with the churns and renewals the demo planned', async () => {
      const to = toIsoDate(new Date(Date.parse(TODAY) - 86_400_000));
      const from = addMonths(TODAY.slice(0, 10), -24);
      const t0 = performance.now();
      const found = await findOutcomes(db.db, { from, to });
      const elapsed = performance.now() - t0;
      const crm = new Map(
        (await db.db.selectFrom('accounts').select(['id', 'crm_id']).execute()).map((r) => [
          r.id,
          r.crm_id ?? '',
        ]),
      );
      const key = (o: Outcome) => `${crm.get(o.accountId)} ${o.date}`;
      const planned = plannedOutcomes(7, 150, from, to);

      const churned = found.filter((o) => o.kind === 'churned');
      expect(churned.every((o) => o.source === 'billing')).toBe(true);
      expect(new Map(churned.map((o) => [key(o), o.arrMinor]))).toEqual(planned.churns);
      const renewed = new Set(found.filter((o) => o.kind === 'renewed').map(key));
      for (const r of planned.renewals) expect(renewed).toContain(r);
      for (const c of planned.churns.keys()) expect(renewed.has(c)).toBe(false);
      expect(planned.churns.size).toBeGreaterThan(10);
      expect(planned.renewals.size).toBeGreaterThan(10);
      expect(elapsed).toBeLessThan(2000);
    });
  });
}
