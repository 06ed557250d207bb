import type { Executor } from '../../db/database.js';
import type { TimelineRow } from '../../db/schema.js';
import { sql } from 'kysely';
import type { Page } from '../../core/pagination.js';
import { keysetPage } from '../../db/keyset.js';

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
  return keysetPage(
    q,
    {
      name: '-occurredAt',
      desc: true,
      expr: sql`${sql.ref('occurred_at')}`,
      value: (r) => r.occurred_at,
    },
    opts.limit,
    opts.cursor,
  );
}
