import type { DbHandle } from '../db/database.js';

/** Columns that change on reads (last seen, last used) and say nothing about the data. */
const VOLATILE = new Set(['last_seen_at', 'last_used_at', 'last_used_ip', 'last_login_at']);

const TABLES = [
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
] as const;

/** Every stored row that matters, in a stable order: equal digests mean nothing changed. */
export async function storeDigest(h: DbHandle): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = (await h.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .filter(([k]) => !VOLATILE.has(k))
              .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
          ),
        ),
      )
      .sort();
  }
  return out;
}
