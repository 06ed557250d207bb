import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { testCtx } from '../testing/ctx.js';
import { purgeRawEvents, retentionCutoff } from './retention.js';
import { putUsageSettings } from './settings.js';

const NOW = new Date('2026-06-30T12:00:00.000Z');
const DAY = 86_400_000;

async function insertEvents(db: TestDb, ages: readonly number[]): Promise<void> {
  // Age in milliseconds before NOW; bounded statements keep under SQLite's parameter limit.
  const rows = ages.map((age, i) => ({
    source_id: 'src_1',
    message_id: `m-${i}`,
    type: 'track',
    event: 'Report Exported',
    user_key: 'u1',
    account_id: 'acc_1',
    ts: new Date(NOW.getTime() - age).toISOString(),
    received_at: new Date(NOW.getTime() - age).toISOString(),
    payload: '{}',
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db.db
      .insertInto('events')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

async function remainingAges(db: TestDb): Promise<number[]> {
  const rows = await db.db.selectFrom('events').select('received_at').execute();
  return rows.map((r) => NOW.getTime() - new Date(r.received_at).getTime()).sort((a, b) => a - b);
}

for (const dialect of testDialects()) {
  describe(`raw-event retention on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => {
      await db.destroy();
    });

    it('deletes exactly the events older than the default 90 days, in batches', async () => {
      const old = Array.from({ length: 23 }, (_, i) => 90 * DAY + 1 + i * DAY);
      const kept = [0, DAY, 89 * DAY, 90 * DAY]; // exactly 90 days old is still inside
      await insertEvents(db, [...kept, ...old]);
      const rollup = {
        account_id: 'acc_1',
        day: '2026-01-01',
        user_key: 'u1',
        events: 3,
        session_seconds: 0,
        first_at: '2026-01-01T00:00:00.000Z',
        last_at: '2026-01-01T00:00:00.000Z',
      };
      await db.db.insertInto('usage_daily_user').values(rollup).execute();
      await db.db
        .insertInto('usage_daily_event')
        .values({ account_id: 'acc_1', day: '2026-01-01', event: 'X', events: 3, users: 1 })
        .execute();
      const ctx = testCtx(db, NOW.toISOString());
      let statements = 0;
      const counting = {
        ...ctx,
        db: ctx.db.withPlugin({
          transformQuery: (args) => {
            if (args.node.kind === 'DeleteQueryNode') statements++;
            return args.node;
          },
          transformResult: async (args) => args.result,
        }),
      };
      expect(await purgeRawEvents(counting, { batchSize: 5 })).toBe(23);
      // 23 rows in batches of 5: four full batches, one of 3.
      expect(statements).toBe(5);
      expect(await remainingAges(db)).toEqual(kept);
      expect(await db.db.selectFrom('usage_daily_user').selectAll().execute()).toHaveLength(1);
      expect(await db.db.selectFrom('usage_daily_event').selectAll().execute()).toHaveLength(1);
      // Nothing left to do.
      expect(await purgeRawEvents(ctx, { batchSize: 5 })).toBe(0);
    });

    it('follows the configured retention and an explicit now', async () => {
      const ctx = testCtx(db, NOW.toISOString());
      await putUsageSettings(ctx, { retentionDays: 7 });
      await insertEvents(db, [DAY, 6 * DAY, 8 * DAY, 30 * DAY, 200 * DAY]);
      expect(await purgeRawEvents(ctx)).toBe(3);
      expect(await remainingAges(db)).toEqual([DAY, 6 * DAY]);
      // Measured from a later "now", the 6-day-old event is also past 7 days.
      const later = new Date(NOW.getTime() + 2 * DAY);
      expect(await purgeRawEvents(ctx, { now: later, batchSize: 1 })).toBe(1);
      expect(await remainingAges(db)).toEqual([DAY]);
    });

    it('purges more than one default batch', async () => {
      await insertEvents(
        db,
        Array.from({ length: 5200 }, (_, i) => (i < 5100 ? 100 * DAY + i : i)),
      );
      expect(await purgeRawEvents(testCtx(db, NOW.toISOString()))).toBe(5100);
      expect(await remainingAges(db)).toHaveLength(100);
    });

    it('refuses a batch size that is not a positive integer', async () => {
      await expect(purgeRawEvents(testCtx(db), { batchSize: 0 })).rejects.toMatchObject({
        code: 'validation',
      });
      expect(retentionCutoff(NOW, 90)).toBe('2026-04-01T12:00:00.000Z');
    });
  });
}
