import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshTestDb, type TestDb } from '../../db/testing.js';
import { makeCtx } from '../../core/context.js';
import { checkEvent } from './model.js';
import type { Submitted } from './service.js';
import { IngestWriter } from './writer.js';

const AT = new Date('2026-02-01T10:00:00.000Z');

function batch(prefix: string, n: number): Submitted[] {
  return Array.from({ length: n }, (_, index) => {
    const raw = {
      type: 'track',
      event: 'Login',
      userId: `u${index}`,
      messageId: `${prefix}-${index}`,
      context: { groupId: 'g' },
    };
    return {
      index,
      sourceId: 's',
      receivedAt: AT.toISOString(),
      raw: () => JSON.stringify(raw),
      checked: checkEvent(raw, { receivedAt: AT }),
    };
  });
}

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
