import type SQLite from 'better-sqlite3';
import type { CatalogEntry, PropertyEntry, UserDay, UserEventDay } from './rollup.js';
import {
  eventDayKey,
  eventKey,
  type DeadLetter,
  type EventDayRow,
  type IntakeStore,
  type RawEvent,
  type StoredUser,
  type UserRow,
} from './store.js';

/**
 * The intake's SQLite writes as prepared statements, prepared once per database and run
 * synchronously inside the caller's (Kysely-opened) transaction on the same connection.
 * Building and preparing SQL per group cost more than the writes themselves.
 */

const SQL = {
  event: `insert into events (source_id, client_ms, message_id, type, event, user_key,
      account_id, ts, received_at, payload) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    on conflict (source_id, client_ms, message_id) do nothing`,
  user: `select traits, account_id, account_at from product_users where user_key = ?`,
  userDay: `insert into usage_daily_user (account_id, day, user_key, events, session_seconds,
      first_at, last_at) values (?, ?, ?, ?, ?, ?, ?)
    on conflict (account_id, day, user_key) do update set
      events = events + excluded.events,
      session_seconds = session_seconds + excluded.session_seconds,
      first_at = min(first_at, excluded.first_at),
      last_at = max(last_at, excluded.last_at)`,
  userEventDay: `insert into usage_daily_user_event (account_id, day, event, user_key)
    values (?, ?, ?, ?) on conflict do nothing`,
  eventDay: `insert into usage_daily_event (account_id, day, event, events, users)
    values (?, ?, ?, ?, ?)
    on conflict (account_id, day, event) do update set
      events = events + excluded.events, users = users + excluded.users`,
  user_: `insert into product_users (user_key, user_id, account_id, account_at, email, name,
      traits, first_seen_at, last_seen_at, events)
      values (?, ?, ?, ?, ?, ?, coalesce(?, '{}'), ?, ?, ?)
    on conflict (user_key) do update set
      user_id = coalesce(excluded.user_id, user_id),
      account_id = case when excluded.account_id is not null and (account_at is null
        or account_id is null or excluded.account_at > account_at
        or (excluded.account_at = account_at and excluded.account_id > account_id))
        then excluded.account_id else account_id end,
      account_at = case when excluded.account_id is not null and (account_at is null
        or account_id is null or excluded.account_at > account_at
        or (excluded.account_at = account_at and excluded.account_id > account_id))
        then excluded.account_at else account_at end,
      email = coalesce(excluded.email, email),
      name = coalesce(excluded.name, name),
      traits = coalesce(?, traits),
      first_seen_at = min(first_seen_at, excluded.first_seen_at),
      last_seen_at = max(last_seen_at, excluded.last_seen_at),
      events = events + excluded.events`,
  catalog: `insert into event_catalog (key, type, name, first_seen_at, last_seen_at, volume)
    values (?, ?, ?, ?, ?, ?)
    on conflict (key) do update set
      volume = volume + excluded.volume,
      first_seen_at = min(first_seen_at, excluded.first_seen_at),
      last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
  property: `insert into event_properties (event_key, property, value_type, first_seen_at,
      last_seen_at, volume) values (?, ?, ?, ?, ?, ?)
    on conflict (event_key, property) do update set
      volume = volume + excluded.volume,
      value_type = excluded.value_type,
      first_seen_at = min(first_seen_at, excluded.first_seen_at),
      last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
  deadLetter: `insert into dead_letters (id, received_at, source_id, batch_index, message_id,
      reason, payload, status, replayed_at, replay_result)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
} as const;

type Statements = { [K in keyof typeof SQL]: SQLite.Statement };

const prepared = new WeakMap<SQLite.Database, Statements>();

function statements(db: SQLite.Database): Statements {
  let s = prepared.get(db);
  if (!s) {
    const entries = Object.entries(SQL).map(([k, text]) => [k, db.prepare(text)]);
    s = Object.fromEntries(entries) as Statements;
    prepared.set(db, s);
  }
  return s;
}

export function sqliteIntakeStore(db: SQLite.Database): IntakeStore {
  const s = statements(db);
  return {
    async insertDeadLetters(rows: readonly DeadLetter[]) {
      for (const r of rows) {
        s.deadLetter.run(
          r.id,
          r.received_at,
          r.source_id,
          r.batch_index,
          r.message_id,
          r.reason,
          r.payload,
          r.status,
          r.replayed_at,
          r.replay_result,
        );
      }
    },
    async existingUsers(keys: readonly string[]) {
      const out = new Map<string, StoredUser>();
      for (const k of keys) {
        const row = s.user.get(k) as StoredUser | undefined;
        if (row) out.set(k, row);
      }
      return out;
    },
    async insertRawEvents(rows: readonly RawEvent[]) {
      const inserted = new Map<string, number>();
      for (const r of rows) {
        const { changes, lastInsertRowid } = s.event.run(
          r.source_id,
          r.client_ms,
          r.message_id,
          r.type,
          r.event,
          r.user_key,
          r.account_id,
          r.ts,
          r.received_at,
          r.payload,
        );
        if (changes === 1)
          inserted.set(eventKey(r.source_id, r.client_ms, r.message_id), Number(lastInsertRowid));
      }
      return inserted;
    },
    async upsertUserDays(rows: readonly UserDay[]) {
      for (const r of rows) {
        s.userDay.run(
          r.account_id,
          r.day,
          r.user_key,
          r.events,
          r.session_seconds,
          r.first_at,
          r.last_at,
        );
      }
    },
    async insertUserEventDays(rows: readonly UserEventDay[]) {
      const fresh = new Map<string, number>();
      for (const r of rows) {
        if (s.userEventDay.run(r.account_id, r.day, r.event, r.user_key).changes !== 1) continue;
        const k = eventDayKey(r.account_id, r.day, r.event);
        fresh.set(k, (fresh.get(k) ?? 0) + 1);
      }
      return fresh;
    },
    async upsertEventDays(rows: readonly EventDayRow[]) {
      for (const r of rows) s.eventDay.run(r.account_id, r.day, r.event, r.events, r.users);
    },
    async upsertUsers(rows: readonly UserRow[]) {
      for (const r of rows) {
        s.user_.run(
          r.user_key,
          r.user_id,
          r.account_id,
          r.account_at,
          r.email,
          r.name,
          r.traits,
          r.first_seen_at,
          r.last_seen_at,
          r.events,
          r.traits,
        );
      }
    },
    async upsertCatalog(catalog: readonly CatalogEntry[], properties: readonly PropertyEntry[]) {
      for (const c of catalog)
        s.catalog.run(c.key, c.type, c.name, c.first_seen_at, c.last_seen_at, c.volume);
      for (const p of properties) {
        s.property.run(
          p.event_key,
          p.property,
          p.value_type,
          p.first_seen_at,
          p.last_seen_at,
          p.volume,
        );
      }
    },
  };
}
