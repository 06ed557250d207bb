import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { makeCtx } from '../../core/context.js';
import { parseSeqRanges, RollupBacklog, seqRanges } from './backlog.js';
import { flushBacklog, rollUpStranded } from './apply.js';
import { writeSubmitted, type Submitted } from './service.js';
import { dailyEventSums, trackBatch } from './testing.js';
import { IngestWriter } from './writer.js';

const AT = new Date('2026-02-01T10:00:00.000Z');

const batch = (prefix: string, n: number): Submitted[] =>
  trackBatch(prefix, n, { at: AT, groupId: 'org', users: 7, names: ['Report Created', 'Login'] });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('seq ranges', () => {
  it('name exactly the seqs they were made from', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 300 }), (seqs) => {
        const back = parseSeqRanges(seqRanges(seqs)).flatMap(([a, b]) =>
          Array.from({ length: b - a + 1 }, (_, i) => a + i),
        );
        expect(back).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      }),
    );
  });
});

for (const dialect of testDialects()) {
  describe(`deferred rollups on ${dialect}`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await freshTestDb(dialect);
    });
    afterEach(async () => db.destroy());

    const counted = async () => {
      const r = await dailyEventSums(db.db);
      const stored = await db.db
        .selectFrom('events')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const waiting = await db.db.selectFrom('intake_rollup_backlog').selectAll().execute();
      return {
        stored: Number(stored.n),
        rolledUp: r.events,
        users: r.users,
        waiting: waiting.reduce((n, w) => n + w.events, 0),
      };
    };

    it('acknowledge a saturated writer’s groups once stored and roll them up once writes pause', async () => {
      const ctx = makeCtx(db.db, db.dialect, { now: () => AT });
      // Any load counts as saturation here, and nothing is old enough to force a rollup.
      const writer = new IngestWriter(ctx, {
        deferAboveLoad: 0,
        minDeferEvents: 1,
        maxRollupLagMs: 60_000,
      });
      await writer.submit(batch('a', 100));
      // The writer is idle: rolled up in the acknowledging transaction.
      expect(await counted()).toEqual({ stored: 100, rolledUp: 100, users: 14, waiting: 0 });
      // Back to back: stored and acknowledged, its rollups held.
      const second = await writer.submit(batch('b', 100));
      expect(second.every((r) => r.status === 'accepted')).toBe(true);
      expect(await counted()).toEqual({ stored: 200, rolledUp: 100, users: 14, waiting: 100 });
      expect(writer.rollupBacklog).toBe(100);
      // A retry of a held event is still a duplicate.
      const retry = await writer.submit(batch('b', 3));
      expect(retry.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
      for (let i = 0; i < 100 && writer.rollupBacklog > 0; i++) await sleep(20);
      expect(await counted()).toEqual({ stored: 200, rolledUp: 200, users: 14, waiting: 0 });
    });

    it('roll up a stopped writer’s held groups once, whoever claims them first', async () => {
      const ctx = makeCtx(db.db, db.dialect, { now: () => AT });
      const crashed = new RollupBacklog();
      await writeSubmitted(ctx, batch('a', 50), { backlog: crashed, defer: true });
      await writeSubmitted(ctx, batch('b', 50), { backlog: crashed, defer: true });
      expect(await counted()).toEqual({ stored: 100, rolledUp: 0, users: 0, waiting: 100 });
      // The job leaves groups a live server may still hold...
      expect(await rollUpStranded(ctx, 60_000)).toBe(0);
      // ...and a new writer takes them over when it starts.
      const writer = new IngestWriter(ctx);
      await writer.settle();
      expect(await counted()).toEqual({ stored: 100, rolledUp: 100, users: 14, waiting: 0 });
      // The first writer coming back to life finds its rows claimed and adds nothing.
      expect(await flushBacklog(ctx, crashed)).toBe(0);
      expect(await counted()).toEqual({ stored: 100, rolledUp: 100, users: 14, waiting: 0 });
    });
  });
}
