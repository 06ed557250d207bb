import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshTestDb, testDialects, type TestDb } from '../../db/testing.js';
import { makeCtx } from '../../core/context.js';
import { backlogStatus, parseSeqRanges, RollupBacklog, seqRanges } from './backlog.js';
import { cutIntoSlices, flushBacklog, rollUpStranded, writeSlice } from './apply.js';
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
      // Written once writes pause (a cut, then its slices): seconds on a loaded machine.
      for (let i = 0; i < 1_000 && writer.rollupBacklog > 0; i++) await sleep(20);
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

    it('write a held batch in slices, each in its own transaction, counted once in the stats', async () => {
      const ctx = makeCtx(db.db, db.dialect, { now: () => AT });
      const backlog = new RollupBacklog();
      const many = (prefix: string, n: number) =>
        trackBatch(prefix, n, { at: AT, groupId: 'org', users: 40, names: ['Login', 'Export'] });
      await writeSubmitted(ctx, many('a', 120), { backlog, defer: true });
      await writeSubmitted(ctx, many('b', 80), { backlog, defer: true });
      await cutIntoSlices(ctx, backlog, 50);
      // 200 events in slices of about 50: 4 by account (one account here, so one has them
      // all), 4 by user, and the catalog.
      const rows = await db.db.selectFrom('intake_rollup_backlog').selectAll().execute();
      expect(rows.map((r) => r.part).sort()).toEqual(
        ['account', 'catalog', 'users', 'users', 'users', 'users'].sort(),
      );
      expect((await backlogStatus(db.db)).events).toBe(200);
      expect(backlog.events).toBe(200);
      // Later groups wait behind the batch, even when not asked to.
      await writeSubmitted(ctx, many('c', 10), { backlog });
      expect(backlog.events).toBe(210);
      let written = 0;
      while (backlog.slicing) {
        await writeSlice(ctx, backlog);
        written += 1;
      }
      expect(written).toBe(6);
      expect(await counted()).toEqual({ stored: 210, rolledUp: 200, users: 40, waiting: 10 });
      await flushBacklog(ctx, backlog);
      expect(await counted()).toEqual({ stored: 210, rolledUp: 210, users: 40, waiting: 0 });
      const users = await db.db.selectFrom('product_users').select(['events']).execute();
      expect(users.reduce((n, u) => n + Number(u.events), 0)).toBe(210);
    });

    it('finish a stopped writer’s slices after a restart, none twice', async () => {
      const ctx = makeCtx(db.db, db.dialect, { now: () => AT });
      const crashed = new RollupBacklog();
      await writeSubmitted(ctx, batch('a', 60), { backlog: crashed, defer: true });
      await writeSubmitted(ctx, batch('b', 40), { backlog: crashed, defer: true });
      await cutIntoSlices(ctx, crashed, 10);
      // Two slices written, then the server stops.
      await writeSlice(ctx, crashed);
      await writeSlice(ctx, crashed);
      const left = (await db.db.selectFrom('intake_rollup_backlog').selectAll().execute()).length;
      expect(left).toBeGreaterThan(0);
      expect(await rollUpStranded(ctx)).toBe(100);
      expect(await counted()).toEqual({ stored: 100, rolledUp: 100, users: 14, waiting: 0 });
      // The first writer coming back to life finds its slices claimed and adds nothing.
      while (crashed.slicing) await writeSlice(ctx, crashed);
      expect(await counted()).toEqual({ stored: 100, rolledUp: 100, users: 14, waiting: 0 });
    });

    it('a writer under load defers, cuts and slices, and every rollup comes out exact', async () => {
      const ctx = makeCtx(db.db, db.dialect, { now: () => AT });
      const writer = new IngestWriter(ctx, {
        deferAboveLoad: 0,
        minDeferEvents: 1,
        maxRollupLagMs: 20,
        sliceEvents: 25,
      });
      const sends = Array.from({ length: 30 }, (_, i) => writer.submit(batch(`w${i}`, 20)));
      const results = (await Promise.all(sends)).flat();
      expect(results.every((r) => r.status === 'accepted')).toBe(true);
      await writer.settle();
      expect(await counted()).toEqual({ stored: 600, rolledUp: 600, users: 14, waiting: 0 });
    });
  });
}
