import { sql, type RawBuilder } from 'kysely';
import type { Dialect, Executor } from '../../db/database.js';
import type {
  CatalogEntry,
  EventDay,
  PropertyEntry,
  UserDay,
  UserEventDay,
  UserSeen,
} from './rollup.js';

/** Rows per statement: well under SQLite's 32,766 bound parameters for every table here. */
const CHUNK = 400;

function chunks<T>(rows: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const least = (d: Dialect, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<string> =>
  d === 'postgres' ? sql<string>`least(${a}, ${b})` : sql<string>`min(${a}, ${b})`;
const greatest = (
  d: Dialect,
  a: RawBuilder<unknown>,
  b: RawBuilder<unknown>,
): RawBuilder<string> =>
  d === 'postgres' ? sql<string>`greatest(${a}, ${b})` : sql<string>`max(${a}, ${b})`;

export interface RawEvent {
  source_id: string;
  message_id: string;
  type: string;
  event: string | null;
  user_key: string | null;
  account_id: string | null;
  ts: string;
  received_at: string;
  payload: string;
}

/**
 * Insert raw events; a (source, messageId) already stored is skipped. Returns the keys
 * that were new, so only they count in the rollups: de-duplication is exact.
 */
export async function insertRawEvents(
  db: Executor,
  rows: readonly RawEvent[],
): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunks(rows)) {
    const out = await db
      .insertInto('events')
      .values(part)
      .onConflict((oc) => oc.columns(['source_id', 'message_id']).doNothing())
      .returning(['source_id', 'message_id'])
      .execute();
    for (const r of out) inserted.add(`${r.source_id}\0${r.message_id}`);
  }
  return inserted;
}

export async function upsertUserDays(
  db: Executor,
  d: Dialect,
  rows: readonly UserDay[],
): Promise<void> {
  for (const part of chunks(rows)) {
    await db
      .insertInto('usage_daily_user')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['account_id', 'day', 'user_key']).doUpdateSet({
          events: sql`usage_daily_user.events + excluded.events`,
          session_seconds: sql`usage_daily_user.session_seconds + excluded.session_seconds`,
          first_at: least(d, sql.ref('usage_daily_user.first_at'), sql.ref('excluded.first_at')),
          last_at: greatest(d, sql.ref('usage_daily_user.last_at'), sql.ref('excluded.last_at')),
        }),
      )
      .execute();
  }
}

/** Record who did what each day; returns how many (account, day, event) users were new. */
export async function insertUserEventDays(
  db: Executor,
  rows: readonly UserEventDay[],
): Promise<Map<string, number>> {
  const fresh = new Map<string, number>();
  for (const part of chunks(rows)) {
    const out = await db
      .insertInto('usage_daily_user_event')
      .values(part)
      .onConflict((oc) => oc.columns(['account_id', 'day', 'event', 'user_key']).doNothing())
      .returning(['account_id', 'day', 'event'])
      .execute();
    for (const r of out) {
      const k = `${r.account_id}\0${r.day}\0${r.event}`;
      fresh.set(k, (fresh.get(k) ?? 0) + 1);
    }
  }
  return fresh;
}

export async function upsertEventDays(
  db: Executor,
  rows: readonly (EventDay & { users: number })[],
): Promise<void> {
  for (const part of chunks(rows)) {
    await db
      .insertInto('usage_daily_event')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['account_id', 'day', 'event']).doUpdateSet({
          events: sql`usage_daily_event.events + excluded.events`,
          users: sql`usage_daily_event.users + excluded.users`,
        }),
      )
      .execute();
  }
}

export async function existingUsers(
  db: Executor,
  keys: readonly string[],
): Promise<Map<string, { traits: string; account_id: string | null; last_seen_at: string }>> {
  const out = new Map<
    string,
    { traits: string; account_id: string | null; last_seen_at: string }
  >();
  for (const part of chunks(keys, 500)) {
    const rows = await db
      .selectFrom('product_users')
      .select(['user_key', 'traits', 'account_id', 'last_seen_at'])
      .where('user_key', 'in', part)
      .execute();
    for (const r of rows) out.set(r.user_key, r);
  }
  return out;
}

export async function upsertUsers(
  db: Executor,
  d: Dialect,
  rows: readonly (Omit<UserSeen, 'traits'> & { traits: string })[],
): Promise<void> {
  for (const part of chunks(rows, 200)) {
    await db
      .insertInto('product_users')
      .values(part)
      .onConflict((oc) =>
        oc.column('user_key').doUpdateSet({
          user_id: sql`coalesce(excluded.user_id, product_users.user_id)`,
          account_id: sql`coalesce(excluded.account_id, product_users.account_id)`,
          email: sql`coalesce(excluded.email, product_users.email)`,
          name: sql`coalesce(excluded.name, product_users.name)`,
          traits: sql`excluded.traits`,
          first_seen_at: least(
            d,
            sql.ref('product_users.first_seen_at'),
            sql.ref('excluded.first_seen_at'),
          ),
          last_seen_at: greatest(
            d,
            sql.ref('product_users.last_seen_at'),
            sql.ref('excluded.last_seen_at'),
          ),
          events: sql`product_users.events + excluded.events`,
        }),
      )
      .execute();
  }
}

export async function upsertCatalog(
  db: Executor,
  d: Dialect,
  catalog: readonly CatalogEntry[],
  properties: readonly PropertyEntry[],
): Promise<void> {
  for (const part of chunks(catalog)) {
    await db
      .insertInto('event_catalog')
      .values(part)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          volume: sql`event_catalog.volume + excluded.volume`,
          first_seen_at: least(
            d,
            sql.ref('event_catalog.first_seen_at'),
            sql.ref('excluded.first_seen_at'),
          ),
          last_seen_at: greatest(
            d,
            sql.ref('event_catalog.last_seen_at'),
            sql.ref('excluded.last_seen_at'),
          ),
        }),
      )
      .execute();
  }
  for (const part of chunks(properties)) {
    await db
      .insertInto('event_properties')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['event_key', 'property']).doUpdateSet({
          volume: sql`event_properties.volume + excluded.volume`,
          value_type: sql`excluded.value_type`,
          first_seen_at: least(
            d,
            sql.ref('event_properties.first_seen_at'),
            sql.ref('excluded.first_seen_at'),
          ),
          last_seen_at: greatest(
            d,
            sql.ref('event_properties.last_seen_at'),
            sql.ref('excluded.last_seen_at'),
          ),
        }),
      )
      .execute();
  }
}

export async function accountsByProductId(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(ids, 500)) {
    const rows = await db
      .selectFrom('accounts')
      .select(['id', 'product_id'])
      .where('product_id', 'in', part)
      .execute();
    for (const r of rows) if (r.product_id) out.set(r.product_id, r.id);
  }
  return out;
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

export async function insertDeadLetters(db: Executor, rows: readonly DeadLetter[]): Promise<void> {
  for (const part of chunks(rows, 200)) await db.insertInto('dead_letters').values(part).execute();
}
