import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../../core/clock.js';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { testCtx } from '../../testing/ctx.js';
import { createAccount } from '../../accounts/account/service.js';
import { FIVE_DIMENSIONS, THREE_PILLARS } from '../model/presets.js';
import type { HealthModelDef } from '../model/definition.js';
import { cadenceDays, nextReviewDue, reviewStatus } from './model.js';
import { reviewQueue } from './service.js';
import { insertSnapshots, type SnapshotSpec } from './testing.js';

/**
 * The queue computes due days in SQL; model.ts says what they must be. For random tier
 * histories (gaps, model switches, unscored days) and reviews, the two agree.
 */

const TODAY = '2026-03-10';
const CREATED = '2026-01-01';
const MODELS: Record<string, HealthModelDef> = {
  'three-pillars': THREE_PILLARS,
  'five-dimensions': FIVE_DIMENSIONS,
};
const ACCOUNTS = 4;

const snapshotArb: fc.Arbitrary<SnapshotSpec> = fc
  .record({
    back: fc.integer({ min: 0, max: 45 }),
    modelKey: fc.constantFrom(...Object.keys(MODELS)),
    pick: fc.nat(),
    unscored: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map(({ back, modelKey, pick, unscored }) => {
    const tiers = MODELS[modelKey]!.tiers;
    return {
      day: addDays(TODAY, -back),
      modelKey,
      modelVersion: 1,
      tier: unscored ? null : tiers[pick % tiers.length]!.name,
    };
  });

const historyArb = fc.record({
  // Runs of a tier are likelier than day-by-day noise: repeat each pick over a few days.
  snapshots: fc.array(fc.tuple(snapshotArb, fc.integer({ min: 1, max: 8 })), { maxLength: 6 }),
  reviews: fc.array(fc.integer({ min: 0, max: 70 * 24 }), { maxLength: 3 }),
});

/** One day per snapshot: later picks overwrite earlier ones on the same day. */
function expand(picks: [SnapshotSpec, number][]): SnapshotSpec[] {
  const byDay = new Map<string, SnapshotSpec>();
  for (const [s, len] of picks)
    for (let i = 0; i < len; i++) {
      const day = addDays(s.day, i);
      if (day <= TODAY) byDay.set(day, { ...s, day });
    }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

function expected(snapshots: SnapshotSpec[], reviews: string[]) {
  const latest = snapshots[snapshots.length - 1];
  let since = CREATED;
  if (latest) {
    since = latest.day;
    for (let i = snapshots.length - 1; i >= 0 && snapshots[i]!.tier === latest.tier; i--)
      since = snapshots[i]!.day;
  }
  const tiers = latest ? MODELS[latest.modelKey!]!.tiers : [];
  const cadence = cadenceDays(latest?.tier ?? null, tiers);
  const last = reviews.length ? reviews.reduce((a, b) => (a > b ? a : b)) : null;
  const due = nextReviewDue(last, since, cadence);
  return {
    tier: latest?.tier ?? null,
    tierSince: since,
    cadenceDays: cadence,
    lastReviewedAt: last,
    due,
    status: reviewStatus(TODAY, due),
  };
}

for (const dialect of testDialects()) {
  describe(`review queue against model.ts on ${dialect}`, () => {
    let db: TestDb;
    let ctx: ReturnType<typeof testCtx>;
    const ids: string[] = [];

    beforeAll(async () => {
      db = await freshTestDb(dialect);
      ctx = testCtx(db, `${CREATED}T08:00:00.000Z`);
      for (let i = 0; i < ACCOUNTS; i++)
        ids.push((await createAccount(ctx, { name: `Account ${i}` })).id);
      ctx.setNow(`${TODAY}T12:00:00.000Z`);
    });
    afterAll(async () => {
      await db.destroy();
    });

    it('computes every due day, tier run and status as nextReviewDue does', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(historyArb, { minLength: ACCOUNTS, maxLength: ACCOUNTS }),
          async (histories) => {
            await db.db.deleteFrom('health_snapshots').execute();
            await db.db.deleteFrom('health_reviews').execute();
            const want = new Map<string, ReturnType<typeof expected>>();
            for (const [i, h] of histories.entries()) {
              const id = ids[i]!;
              const snapshots = expand(h.snapshots);
              await insertSnapshots(db, id, snapshots);
              const reviews = h.reviews.map((hours) =>
                new Date(Date.parse(`${TODAY}T12:00:00.000Z`) - hours * 3_600_000).toISOString(),
              );
              for (const [n, at] of reviews.entries())
                await db.db
                  .insertInto('health_reviews')
                  .values({
                    id: `rvw_${i}_${n}`,
                    account_id: id,
                    reviewer_id: 'operator',
                    reviewed_at: at,
                    tier: null,
                    sentiment: 5,
                    notes: null,
                  })
                  .execute();
              want.set(id, expected(snapshots, reviews));
            }
            const { items } = await reviewQueue(ctx, { limit: 500 });
            expect(items).toHaveLength(ACCOUNTS);
            for (const item of items) expect(item).toMatchObject(want.get(item.accountId)!);
            for (let i = 1; i < items.length; i++)
              expect(items[i - 1]!.due <= items[i]!.due).toBe(true);
          },
        ),
        { numRuns: dialect === 'sqlite' ? 60 : 30 },
      );
    });
  });
}
