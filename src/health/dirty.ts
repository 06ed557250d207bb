import type { OnConflictBuilder } from 'kysely';
import type { Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { getSetting, putSetting } from '../settings/service.js';

/**
 * Accounts whose health inputs changed (new events, an import, a manual measure, a model)
 * wait in health_dirty until the scoring job rescores them. A new mark moves the time
 * forward, so a change made while the job scores the account is not cleared with the
 * older mark.
 */
const moveMarkForward = (oc: OnConflictBuilder<Database, 'health_dirty'>) =>
  oc.column('account_id').doUpdateSet((eb) => ({ marked_at: eb.ref('excluded.marked_at') }));

export async function markDirty(
  db: Executor,
  accountIds: readonly string[],
  now: Date,
): Promise<void> {
  // Key order: concurrent writers on PostgreSQL then cannot deadlock on these rows.
  const ids = [...new Set(accountIds)].sort();
  const at = now.toISOString();
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insertInto('health_dirty')
      .values(ids.slice(i, i + 500).map((account_id) => ({ account_id, marked_at: at })))
      .onConflict(moveMarkForward)
      .execute();
  }
}

/** Queue every live account (a model changed). */
export async function markAllDirty(db: Executor, now: Date): Promise<void> {
  await db
    .insertInto('health_dirty')
    .columns(['account_id', 'marked_at'])
    .expression((eb) =>
      eb
        .selectFrom('accounts')
        .select((e) => ['id', e.val(now.toISOString()).as('marked_at')])
        .where('archived_at', 'is', null),
    )
    .onConflict(moveMarkForward)
    .execute();
}

const WATERMARK = 'health.timeline_swept_until';
/** Entries may commit a little after their created_at; sweeping with overlap catches them. */
const OVERLAP_MS = 5 * 60_000;

/**
 * Queue the accounts with timeline entries written since the last sweep: imports, tickets,
 * survey answers, contacts leaving and notes all leave one per changed record, so the
 * scoring job sees every change to an account's health inputs without each feature having
 * to tell it.
 */
export async function sweepTimeline(db: Executor, now: Date): Promise<void> {
  const last = await getSetting<string | null>(db, WATERMARK, null);
  const since = new Date((last ? Date.parse(last) : now.getTime()) - OVERLAP_MS).toISOString();
  await db
    .insertInto('health_dirty')
    .columns(['account_id', 'marked_at'])
    .expression((eb) =>
      eb
        .selectFrom('timeline_entries')
        .select((e) => ['account_id', e.val(now.toISOString()).as('marked_at')])
        .where('created_at', '>=', since)
        .where('created_at', '<=', now.toISOString())
        .distinct(),
    )
    .onConflict(moveMarkForward)
    .execute();
  await putSetting(db, WATERMARK, now.toISOString(), now);
}
