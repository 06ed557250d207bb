import type { Executor } from '../../db/database.js';

/** The account ids a page of contacts or subscriptions refers to, as they appear in exports. */
export async function accountRefs(
  db: Executor,
  ids: readonly string[],
): Promise<
  Map<string, { id: string; name: string; crm_id: string | null; billing_id: string | null }>
> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'crm_id', 'billing_id'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
