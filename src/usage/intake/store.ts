import type { Executor } from '../../db/database.js';
import type { CatalogEntry, EventDay, PropertyEntry, UserDay, UserEventDay } from './rollup.js';

/**
 * Where the intake writes, behind one interface with an implementation per database:
 * SQLite runs cached prepared statements synchronously, PostgreSQL sends one statement
 * per table per group with the rows as arrays. Both run inside the caller's transaction.
 */

export interface RawEvent {
  source_id: string;
  client_ms: number;
  message_id: string;
  type: string;
  event: string | null;
  user_key: string | null;
  account_id: string | null;
  ts: string;
  received_at: string;
  payload: string;
}

export interface DeadLetter {
  id: string;
  received_at: string;
  source_id: string;
  batch_index: number | null;
  message_id: string | null;
  reason: string;
  payload: string;
  status: string;
  replayed_at: string | null;
  replay_result: string | null;
}

export interface StoredUser {
  traits: string;
  account_id: string | null;
  account_at: string | null;
}

/** A product user to upsert; `traits` null keeps the stored ones. */
export interface UserRow {
  user_key: string;
  user_id: string | null;
  account_id: string | null;
  account_at: string | null;
  email: string | null;
  name: string | null;
  traits: string | null;
  first_seen_at: string;
  last_seen_at: string;
  events: number;
}

export type EventDayRow = EventDay & { users: number };

export interface IntakeStore {
  insertDeadLetters(rows: readonly DeadLetter[]): Promise<void>;
  existingUsers(keys: readonly string[]): Promise<Map<string, StoredUser>>;
  /**
   * Insert raw events; a stored (source, clientMs, messageId) is skipped. Returns the
   * `eventKey`s that were new with their seq, so only they count in the rollups:
   * de-duplication is exact.
   */
  insertRawEvents(rows: readonly RawEvent[]): Promise<Map<string, number>>;
  upsertUserDays(rows: readonly UserDay[]): Promise<void>;
  /** Record who did what each day; returns how many (account, day, event) users were new. */
  insertUserEventDays(rows: readonly UserEventDay[]): Promise<Map<string, number>>;
  upsertEventDays(rows: readonly EventDayRow[]): Promise<void>;
  upsertUsers(rows: readonly UserRow[]): Promise<void>;
  upsertCatalog(
    catalog: readonly CatalogEntry[],
    properties: readonly PropertyEntry[],
  ): Promise<void>;
}

/** The de-duplication key of a raw event, as a string. */
export const eventKey = (sourceId: string, clientMs: number, messageId: string): string =>
  `${sourceId}\0${clientMs}\0${messageId}`;

export const eventDayKey = (accountId: string, day: string, event: string): string =>
  `${accountId}\0${day}\0${event}`;

/** Account ids by product id through Kysely (either database, inside or outside a transaction). */
export async function accountsByProductId(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('accounts')
      .select(['id', 'product_id'])
      .where('product_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.product_id) out.set(r.product_id, r.id);
  }
  return out;
}
