import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { makeCtx } from '../../core/context.js';
import type { Submitted } from './service.js';
import { dailyEventSums, trackBatch } from './testing.js';
import { IngestWriter } from './writer.js';

const AT = new Date('2026-02-01T10:00:00.000Z');

const batch = (prefix: string, n: number, groupId = 'g'): Submitted[] =>
  trackBatch(prefix, n, { at: AT, groupId });

describe('group-commit writer', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await freshTestDb('sqlite');
  });
  afterEach(async () => db.destroy());

  it('commits waiting requests together, answers each its own results, and refuses beyond the queue limit', async () => {
    const writer = new IngestWriter(makeCtx(db.db, db.dialect, { now: () => AT }), {
      maxQueuedEvents: 250,
      maxGroupEvents: 1000,
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        Promise.resolve().then(() => writer.submit(batch(`b${i}`, 100))),
      ),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const busy = outcomes.filter((o) => o.status === 'rejected');
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const b of busy)
      expect((b as PromiseRejectedResult).reason).toMatchObject({
        code: 'rate_limited',
        details: { retryAfter: 1 },
      });
    for (const o of ok) {
      const results = (o as PromiseFulfilledResult<{ index: number; status: string }[]>).value;
      expect(results.map((r) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(results.every((r) => r.status === 'accepted')).toBe(true);
    }
    const stored = await db.db
      .selectFrom('events')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(ok.length * 100);
    expect(writer.backlog).toBe(0);
  });
});

for (const dialect of testDialects()) {
  describe(`concurrent group commits on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    it('store each event once when groups in flight race on a new account and on retried ids', async () => {
      const writer = new IngestWriter(makeCtx(db.db, db.dialect, { now: () => AT }), {
        maxQueuedEvents: 10_000,
        maxGroupEvents: 100,
        concurrency: 3,
      });
      // Batches 0–5 and their retries 6–11, all naming an account nobody has created yet.
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => writer.submit(batch(`b${i % 6}`, 100, 'new-org'))),
      );
      const all = results.flat();
      expect(all.filter((r) => r.status === 'accepted')).toHaveLength(600);
      expect(all.filter((r) => r.status === 'duplicate')).toHaveLength(600);
      const accounts = await db.db
        .selectFrom('accounts')
        .select('id')
        .where('product_id', '=', 'new-org')
        .execute();
      expect(accounts).toHaveLength(1);
      // 600 events by 100 distinct users.
      expect(await dailyEventSums(db.db)).toEqual({ events: 600, users: 100 });
      expect(writer.backlog).toBe(0);
    });
  });
}
