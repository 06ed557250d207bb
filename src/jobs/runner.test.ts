import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCtx, SYSTEM, type Ctx } from '../core/context.js';
import { openPostgres, openSqlite, type DbHandle } from '../db/database.js';
import { freshTestDb, testDialects, type TestDb } from '../db/testing.js';
import { JobRunner, type JobDefinition } from './runner.js';
import { claimJobs, enqueueJob, finishAttempt } from './store.js';

const DAY = 86_400_000;

/** A second connection (pool) to the same test database: another server process's view. */
function connect(db: TestDb): DbHandle {
  return db.dialect === 'sqlite' ? openSqlite(db.location) : openPostgres(db.location, 4);
}

for (const dialect of testDialects()) {
  describe(`the job runner on ${dialect}`, () => {
    let db: TestDb;
    let other: DbHandle;
    let now: Date;
    const clock = () => now;
    const ctxOf = (h: DbHandle): Ctx => makeCtx(h.db, h.dialect, { actor: SYSTEM, now: clock });
    beforeEach(async () => {
      db = await freshTestDb(dialect);
      other = connect(db);
      now = new Date('2026-03-01T00:00:00.000Z');
    });
    afterEach(async () => {
      await other.destroy();
      await db.destroy();
    });

    const rows = () => db.db.selectFrom('jobs').selectAll().orderBy('run_at').execute();

    it('two processes stepping through simulated days run every slot exactly once', async () => {
      const ran: string[] = [];
      const defs: JobDefinition[] = [
        {
          kind: 'test.hourly',
          description: 'hourly',
          schedule: { every: 'minutes', minutes: 60 },
          run: async (_ctx, { slot }) => void ran.push(`hourly@${slot}`),
        },
        {
          kind: 'test.daily',
          description: 'daily',
          schedule: { every: 'day', at: '02:00' },
          run: async (_ctx, { slot }) => void ran.push(`daily@${slot}`),
        },
      ];
      const a = new JobRunner(ctxOf(db), defs, { worker: 'a', random: () => 0 });
      const b = new JobRunner(ctxOf(other), defs, { worker: 'b', random: () => 0 });
      const start = now.getTime();
      // Every 20 simulated minutes for three days, both processes at once.
      for (let t = start; t < start + 3 * DAY; t += 20 * 60_000) {
        now = new Date(t);
        await Promise.all([a.drain(), b.drain()]);
      }
      const counts = new Map<string, number>();
      for (const k of ran) counts.set(k, (counts.get(k) ?? 0) + 1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(ran.filter((k) => k.startsWith('hourly@'))).toHaveLength(72);
      expect(ran.filter((k) => k.startsWith('daily@')).sort()).toEqual([
        'daily@2026-02-28T02:00Z',
        'daily@2026-03-01T02:00Z',
        'daily@2026-03-02T02:00Z',
        'daily@2026-03-03T02:00Z',
      ]);
      const done = await rows();
      expect(done.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
    });

    it('after downtime a missed daily job runs once, for the latest slot', async () => {
      const ran: string[] = [];
      const runner = new JobRunner(ctxOf(db), [
        {
          kind: 'test.daily',
          description: 'daily',
          schedule: { every: 'day', at: '02:00' },
          run: async (_ctx, { slot }) => void ran.push(slot ?? ''),
        },
      ]);
      now = new Date('2026-03-01T03:00:00Z');
      await runner.drain();
      now = new Date('2026-03-05T09:00:00Z');
      await runner.drain();
      await runner.drain();
      expect(ran).toEqual(['2026-03-01T02:00Z', '2026-03-05T02:00Z']);
    });

    it('retries a failing job with growing waits, then gives up and keeps the error', async () => {
      let calls = 0;
      const runner = new JobRunner(
        ctxOf(db),
        [
          {
            kind: 'test.flaky',
            description: 'fails twice',
            maxAttempts: 3,
            backoff: { baseMs: 60_000, maxMs: 600_000 },
            run: async () => {
              calls += 1;
              if (calls < 3) throw new Error(`provider said no (${calls})`);
              return { sent: 1 };
            },
          },
          {
            kind: 'test.broken',
            description: 'always fails',
            maxAttempts: 2,
            backoff: { baseMs: 60_000, maxMs: 600_000 },
            run: async () => {
              throw new Error('template missing');
            },
          },
        ],
        { random: () => 0 },
      );
      const ctx = ctxOf(db);
      await enqueueJob(ctx.db, { kind: 'test.flaky', runAt: now, maxAttempts: 3 }, now);
      await enqueueJob(ctx.db, { kind: 'test.broken', runAt: now, maxAttempts: 2 }, now);
      await runner.drain();
      let [broken, flaky] = [
        (await rows()).find((r) => r.kind === 'test.broken')!,
        (await rows()).find((r) => r.kind === 'test.flaky')!,
      ];
      expect(flaky).toMatchObject({
        status: 'queued',
        attempts: 1,
        last_error: 'provider said no (1)',
      });
      expect(flaky.run_at).toBe('2026-03-01T00:01:00.000Z');
      expect(broken).toMatchObject({ status: 'queued', attempts: 1 });
      // Not before the wait is over.
      now = new Date('2026-03-01T00:00:59.000Z');
      await runner.drain();
      expect(calls).toBe(1);
      now = new Date('2026-03-01T00:01:00.000Z');
      await runner.drain();
      flaky = (await rows()).find((r) => r.kind === 'test.flaky')!;
      broken = (await rows()).find((r) => r.kind === 'test.broken')!;
      expect(flaky).toMatchObject({
        status: 'queued',
        attempts: 2,
        run_at: '2026-03-01T00:03:00.000Z',
      });
      expect(broken).toMatchObject({
        status: 'failed',
        attempts: 2,
        last_error: 'template missing',
      });
      now = new Date('2026-03-01T00:03:00.000Z');
      await runner.drain();
      flaky = (await rows()).find((r) => r.kind === 'test.flaky')!;
      expect(flaky).toMatchObject({
        status: 'succeeded',
        attempts: 3,
        result: '{"sent":1}',
        last_error: null,
      });
    });

    it('takes over a job whose worker died, and refuses the dead worker a late result', async () => {
      const ctx = ctxOf(db);
      await enqueueJob(
        ctx.db,
        { kind: 'test.once', key: 'only-one', runAt: now, maxAttempts: 3 },
        now,
      );
      expect(
        await enqueueJob(
          ctx.db,
          { kind: 'test.once', key: 'only-one', runAt: now, maxAttempts: 3 },
          now,
        ),
      ).toBe(false);
      const [claimed] = await claimJobs(ctx.db, ctx.dialect, {
        worker: 'dead',
        now,
        leaseMs: 60_000,
        limit: 5,
        kinds: ['test.once'],
      });
      expect(claimed).toMatchObject({ status: 'running', worker: 'dead', attempts: 1 });
      const ran: number[] = [];
      const runner = new JobRunner(
        ctxOf(other),
        [
          {
            kind: 'test.once',
            description: 'once',
            run: async (_c, i) => void ran.push(i.attempt),
          },
        ],
        { worker: 'alive', leaseMs: 60_000 },
      );
      await runner.drain();
      expect(ran).toEqual([]);
      now = new Date(now.getTime() + 61_000);
      await runner.drain();
      expect(ran).toEqual([2]);
      const late = await finishAttempt(ctx.db, claimed!.id, 'dead', {
        status: 'succeeded',
        result: 'late',
        at: now,
      });
      expect(late).toBe(false);
      expect((await rows())[0]).toMatchObject({
        status: 'succeeded',
        worker: 'alive',
        attempts: 2,
        result: null,
      });
    });

    it('fails a job whose worker died during its last attempt, and leaves unknown kinds alone', async () => {
      const ctx = ctxOf(db);
      await enqueueJob(ctx.db, { kind: 'test.last', runAt: now, maxAttempts: 1 }, now);
      await enqueueJob(ctx.db, { kind: 'newer.version', runAt: now, maxAttempts: 1 }, now);
      await claimJobs(ctx.db, ctx.dialect, {
        worker: 'dead',
        now,
        leaseMs: 1_000,
        limit: 5,
        kinds: ['test.last'],
      });
      now = new Date(now.getTime() + 2_000);
      const runner = new JobRunner(ctx, [
        { kind: 'test.last', description: 'x', run: async () => 1 },
      ]);
      await runner.drain();
      const [last, unknown] = [
        (await rows()).find((r) => r.kind === 'test.last')!,
        (await rows()).find((r) => r.kind === 'newer.version')!,
      ];
      expect(last).toMatchObject({
        status: 'failed',
        last_error: 'the worker stopped during the last attempt',
      });
      expect(unknown).toMatchObject({ status: 'queued', attempts: 0 });
    });
  });
}
