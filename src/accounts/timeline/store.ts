import type { Executor } from '../../db/database.js';
import type { TimelineRow } from '../../db/schema.js';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.js';

export async function insertEntries(db: Executor, rows: TimelineRow[]): Promise<void> {
  if (rows.length === 0) return;
  // Stay under SQLite's bound-parameter limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('timeline_entries')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

/** Newest first; cursor is (occurred_at, id). */
export async function listEntries(
  db: Executor,
  accountId: string,
  opts: { limit: number; cursor?: string; kinds?: string[]; before?: string; after?: string },
): Promise<Page<TimelineRow>> {
  let q = db.selectFrom('timeline_entries').selectAll().where('account_id', '=', accountId);
  if (opts.kinds?.length) q = q.where('kind', 'in', opts.kinds);
  if (opts.before) q = q.where('occurred_at', '<', opts.before);
  if (opts.after) q = q.where('occurred_at', '>=', opts.after);
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('occurred_at', '<', String(c.v)),
        eb.and([eb('occurred_at', '=', String(c.v)), eb('id', '<', c.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  const items = rows.slice(0, opts.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > opts.limit && last ? encodeCursor({ v: last.occurred_at, id: last.id }) : null,
  };
}
