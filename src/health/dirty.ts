import type { Executor } from '../db/database.js';
import { getSetting, putSetting } from '../settings/service.js';

/**
 * Accounts whose health inputs changed (new events, an import, a manual measure) wait
 * here until the scoring job rescores them. A new mark moves the time forward, so a change
 * made while the job scores the account is not cleared with the older mark.
 */
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
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet((eb) => ({ marked_at: eb.ref('excluded.marked_at') })),
      )
      .execute();
  }
}

/**
 * Queue every account with a timeline entry written at or after `since`: a bulk write (an
 * import) leaves one per changed record, so this finds exactly the accounts it touched.
 */
export async function markDirtySince(
  db: Executor,
  since: string,
  now: Date,
  until?: string,
): Promise<void> {
  await db
    .insertInto('health_dirty')
    .columns(['account_id', 'marked_at'])
    .expression((eb) => {
      let q = eb
        .selectFrom('timeline_entries')
        .select((e) => ['account_id', e.val(now.toISOString()).as('marked_at')])
        .where('created_at', '>=', since);
      if (until) q = q.where('created_at', '<=', until);
      return q.distinct();
    })
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet((eb) => ({ marked_at: eb.ref('excluded.marked_at') })),
    )
    .execute();
}

const WATERMARK = 'health.timeline_swept_until';
/** Entries may commit a little after their created_at; sweeping with overlap catches them. */
const OVERLAP_MS = 5 * 60_000;

/**
 * Queue the accounts with timeline entries written since the last sweep: tickets, survey
 * answers, contacts leaving, notes and imports all leave one, so the scoring job sees every
 * change to an account's health inputs without each feature having to tell it.
 */
export async function sweepTimeline(db: Executor, now: Date): Promise<void> {
  const last = await getSetting<string | null>(db, WATERMARK, null);
  const since = last
    ? new Date(Date.parse(last) - OVERLAP_MS).toISOString()
    : new Date(now.getTime() - OVERLAP_MS).toISOString();
  await markDirtySince(db, since, now, now.toISOString());
  await putSetting(db, WATERMARK, now.toISOString(), now);
}
