import type { Ctx } from '../core/context.js';
import { invalid } from '../core/errors.js';
import { inTx } from '../db/database.js';
import { readRetentionDays } from './settings.js';

export interface PurgeOptions {
  /** The moment the retention window is measured back from (default: the context's clock). */
  now?: Date;
  /** Rows deleted per transaction: short transactions keep intake writers from waiting. */
  batchSize?: number;
}

/** The instant before which raw events are dropped: `retentionDays` whole days before now. */
export function retentionCutoff(now: Date, retentionDays: number): string {
  return new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
}

/**
 * Delete raw events received before the retention window, oldest first, one short
 * transaction per batch; returns how many were deleted. Daily rollups and product users
 * are never touched: they are what health and analytics read.
 */
export async function purgeRawEvents(ctx: Ctx, opts: PurgeOptions = {}): Promise<number> {
  const batchSize = opts.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw invalid('batchSize', 'must be a positive integer');
  const cutoff = retentionCutoff(opts.now ?? ctx.now(), await readRetentionDays(ctx.db));
  let deleted = 0;
  for (;;) {
    const n = await inTx(ctx.db, async (trx) => {
      // The received_at index yields the oldest rows first without scanning the rest.
      const batch = trx
        .selectFrom('events')
        .select('seq')
        .where('received_at', '<', cutoff)
        .orderBy('received_at')
        .limit(batchSize);
      const r = await trx.deleteFrom('events').where('seq', 'in', batch).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
    deleted += n;
    if (n < batchSize) return deleted;
  }
}
