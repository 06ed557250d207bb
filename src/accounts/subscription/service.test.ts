import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { addDays } from '../../core/clock.js';
import { createAccount, getAccount } from '../account/service.js';
import * as service from './service.js';

type Op =
  | { t: 'create'; mrr: number }
  | { t: 'change'; pick: number; mrr: number }
  | { t: 'cancel'; pick: number }
  | { t: 'reactivate'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('create' as const), mrr: fc.integer({ min: 0, max: 500_000 }) }),
  fc.record({
    t: fc.constant('change' as const),
    pick: fc.nat(),
    mrr: fc.integer({ min: 0, max: 500_000 }),
  }),
  fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('reactivate' as const), pick: fc.nat() }),
);

for (const dialect of testDialects()) {
  describe(`subscriptions and revenue movements on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('writes new, expansion, contraction, churn and reactivation, and knows MRR on past dates', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Acme', stage: 'active' });
      const s = await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'Growth',
        mrrMinor: 100_00,
        startDate: '2025-01-01',
        endDate: '2026-01-01',
        seats: 10,
      });
      await service.updateSubscription(ctx, s.id, {
        mrrMinor: 150_00,
        seats: 15,
        effectiveDate: '2025-04-01',
      });
      await service.updateSubscription(ctx, s.id, {
        mrrMinor: 120_00,
        effectiveDate: '2025-07-01',
      });
      await service.updateSubscription(ctx, s.id, { status: 'canceled', canceledOn: '2025-10-01' });
      let acc = await getAccount(ctx, a.id);
      expect(acc.stage).toBe('churned');
      expect(acc.churnedOn).toBe('2025-10-01');
      await service.updateSubscription(ctx, s.id, {
        status: 'active',
        canceledOn: null,
        effectiveDate: '2025-12-01',
      });
      acc = await getAccount(ctx, a.id);
      expect(acc.stage).toBe('active');
      expect(acc.mrrMinor).toBe(120_00);
      const moves = await service.listMovements(ctx, a.id);
      expect(moves.map((m) => [m.kind, m.effectiveDate, m.mrrDeltaMinor])).toEqual([
        ['new', '2025-01-01', 10000],
        ['expansion', '2025-04-01', 5000],
        ['contraction', '2025-07-01', -3000],
        ['churn', '2025-10-01', -12000],
        ['reactivation', '2025-12-01', 12000],
      ]);
      const at = async (d: string) =>
        (await service.mrrAt(ctx, d, a.id)).byCurrency[0]?.mrrMinor ?? 0;
      expect(await at('2024-12-31')).toBe(0);
      expect(await at('2025-05-15')).toBe(150_00);
      expect(await at('2025-11-01')).toBe(0);
      expect(await at('2026-01-01')).toBe(120_00);
    });

    it('refuses a second currency on a billing account and writes nothing', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Acme', currency: 'USD' });
      await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'P',
        mrrMinor: 1000,
        startDate: '2025-01-01',
      });
      await expect(
        service.createSubscription(ctx, {
          accountId: a.id,
          plan: 'Q',
          mrrMinor: 1000,
          currency: 'EUR',
          startDate: '2025-01-01',
        }),
      ).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('currency') });
      expect((await service.listMovements(ctx, a.id)).length).toBe(1);
    });

    it('records the whole life of a subscription that arrives already canceled', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Old Co', stage: 'active' });
      await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'Legacy',
        mrrMinor: 500_00,
        startDate: '2023-01-01',
        status: 'canceled',
        canceledOn: '2024-06-30',
      });
      const moves = await service.listMovements(ctx, a.id);
      expect(moves.map((m) => [m.kind, m.effectiveDate, m.mrrDeltaMinor])).toEqual([
        ['new', '2023-01-01', 50000],
        ['churn', '2024-06-30', -50000],
      ]);
      expect((await service.mrrAt(ctx, '2023-12-31', a.id)).byCurrency[0]?.mrrMinor).toBe(500_00);
      const again = await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'New',
        mrrMinor: 100_00,
        startDate: '2025-03-01',
      });
      const last = (await service.listMovements(ctx, a.id)).at(-1);
      expect(last).toMatchObject({ kind: 'reactivation', subscriptionId: again.id });
      expect((await getAccount(ctx, a.id)).stage).toBe('active');
    });

    it("keeps each subscription's changes in date order and after its start", async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Dates' });
      const s = await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'P',
        mrrMinor: 1000,
        startDate: '2025-03-01',
      });
      await expect(
        service.updateSubscription(ctx, s.id, { mrrMinor: 2000, effectiveDate: '2025-01-01' }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringContaining('effectiveDate'),
      });
      await service.updateSubscription(ctx, s.id, { mrrMinor: 2000, effectiveDate: '2025-06-01' });
      await expect(
        service.updateSubscription(ctx, s.id, { mrrMinor: 3000, effectiveDate: '2025-04-01' }),
      ).rejects.toMatchObject({
        code: 'validation',
      });
      expect((await getAccount(ctx, a.id)).mrrMinor).toBe(2000);
    });

    it('classifies a backdated subscription against the MRR on its own date', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Back' });
      await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'P',
        mrrMinor: 1000,
        startDate: '2025-06-01',
      });
      const early = await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'Q',
        mrrMinor: 500,
        startDate: '2025-01-01',
      });
      const m = (await service.listMovements(ctx, a.id)).find((x) => x.subscriptionId === early.id);
      expect(m).toMatchObject({ kind: 'new', accountMrrBeforeMinor: 0, accountMrrAfterMinor: 500 });
      expect((await getAccount(ctx, a.id)).mrrMinor).toBe(1500);
    });

    it('refuses to mix currencies when a trial in another currency goes live', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Mixed', currency: 'USD' });
      const trial = await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'T',
        mrrMinor: 900,
        currency: 'EUR',
        status: 'trialing',
        startDate: '2025-01-01',
      });
      await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'P',
        mrrMinor: 1000,
        currency: 'USD',
        startDate: '2025-01-01',
      });
      await expect(
        service.updateSubscription(ctx, trial.id, {
          status: 'active',
          effectiveDate: '2025-02-01',
        }),
      ).rejects.toMatchObject({
        code: 'validation',
        message: expect.stringContaining('currency'),
      });
      expect((await getAccount(ctx, a.id)).mrrMinor).toBe(1000);
    });

    it('keeps revenue exact under concurrent changes to one subscription', async () => {
      const ctx = testCtx(db);
      const a = await createAccount(ctx, { name: 'Race' });
      const s = await service.createSubscription(ctx, {
        accountId: a.id,
        plan: 'P',
        mrrMinor: 1000,
        startDate: '2025-01-01',
      });
      const results = await Promise.allSettled(
        [2000, 3000, 4000, 5000, 6000].map((mrr) =>
          service.updateSubscription(ctx, s.id, { mrrMinor: mrr, effectiveDate: '2025-02-01' }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
      const acc = await getAccount(ctx, a.id);
      const sub = await service.getSubscription(ctx, s.id);
      const sum = (await service.listMovements(ctx, a.id)).reduce((t, m) => t + m.mrrDeltaMinor, 0);
      expect(acc.mrrMinor).toBe(sub.mrrMinor);
      expect(sum).toBe(sub.mrrMinor);
    });

    it('property: movements always sum to the current MRR, whatever the changes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
          const ctx = testCtx(db);
          const a = await createAccount(ctx, { name: 'P' });
          const subs: string[] = [];
          let day = '2024-01-01';
          for (const op of ops) {
            day = addDays(day, 10);
            if (op.t === 'create' || subs.length === 0) {
              const mrr = op.t === 'create' ? op.mrr : 1000;
              subs.push(
                (
                  await service.createSubscription(ctx, {
                    accountId: a.id,
                    plan: 'P',
                    mrrMinor: mrr,
                    startDate: day,
                  })
                ).id,
              );
              continue;
            }
            const id = subs[op.pick % subs.length]!;
            if (op.t === 'change')
              await service.updateSubscription(ctx, id, { mrrMinor: op.mrr, effectiveDate: day });
            if (op.t === 'cancel')
              await service.updateSubscription(ctx, id, { status: 'canceled', effectiveDate: day });
            if (op.t === 'reactivate')
              await service.updateSubscription(ctx, id, { status: 'active', effectiveDate: day });
          }
          const acc = await getAccount(ctx, a.id);
          const moves = await service.listMovements(ctx, a.id);
          const live = (await service.listSubscriptions(ctx, { accountId: a.id, limit: 500 })).items
            .filter((s) => s.status === 'active')
            .reduce((sum, s) => sum + s.mrrMinor, 0);
          expect(moves.reduce((sum, m) => sum + m.mrrDeltaMinor, 0)).toBe(acc.mrrMinor);
          expect(acc.mrrMinor).toBe(live);
          expect((await service.mrrAt(ctx, '2099-01-01', a.id)).byCurrency[0]?.mrrMinor ?? 0).toBe(
            live,
          );
        }),
        { numRuns: 25 },
      );
    });
  });
}
