import { makeCtx, type Ctx } from '../core/context.js';
import type { TestDb } from '../db/testing.js';

/** A ctx over a test database with a clock the test can move. */
export function testCtx(
  db: TestDb,
  start = '2026-01-15T10:00:00.000Z',
): Ctx & { setNow(iso: string): void } {
  let now = new Date(start);
  const ctx = makeCtx(db.db, db.dialect, { now: () => now });
  return Object.assign(ctx, { setNow: (iso: string) => void (now = new Date(iso)) });
}
