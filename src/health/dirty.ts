import type { Executor } from '../db/database.js';

/**
 * Accounts whose health inputs changed (new events, an import, a manual measure) wait
 * here until the scoring job rescores them; marking twice is the same as once.
 */
export async function markDirty(
  db: Executor,
  accountIds: readonly string[],
  now: Date,
): Promise<void> {
  const ids = [...new Set(accountIds)];
  const at = now.toISOString();
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insertInto('health_dirty')
      .values(ids.slice(i, i + 500).map((account_id) => ({ account_id, marked_at: at })))
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
  }
}
