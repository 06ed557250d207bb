import type { Db, DbHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** Columns that change on sign-in or key use, not on a write of the data. */
const VOLATILE: Partial<Record<keyof Database, readonly string[]>> = {
  api_keys: ['last_used_at', 'last_used_ip'],
  users: ['last_login_at'],
};

export const STORE_TABLES: readonly (keyof Database)[] = [
  'accounts',
  'account_stage_history',
  'contacts',
  'subscriptions',
  'revenue_movements',
  'timeline_entries',
  'users',
  'api_keys',
  'settings',
  'imports',
  'audit_log',
];

/** Every stored row that matters, in a stable order: equal digests mean nothing changed. */
export async function storeDigest(
  h: DbHandle | Db,
  tables: readonly (keyof Database)[] = STORE_TABLES,
): Promise<Record<string, string[]>> {
  const db = 'db' in h ? h.db : h;
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .filter(([k]) => !(VOLATILE[table] ?? []).includes(k))
              .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
          ),
        ),
      )
      .sort();
  }
  return out;
}
