import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
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
 * The intake's PostgreSQL writes: one statement per table per group, its rows sent as one
 * array per column and expanded with unnest, so a group of thousands of events costs a
 * handful of round trips and no per-row SQL. Rows arrive in key order (rollupOf sorts them),
 * so concurrent writers lock shared rollup rows in the same order and cannot deadlock.
 */

const col = <T, K extends keyof T>(rows: readonly T[], k: K): T[K][] => rows.map((r) => r[k]);

export function pgIntakeStore(db: Executor): IntakeStore {
  return {
    async insertDeadLetters(rows: readonly DeadLetter[]) {
      for (let i = 0; i < rows.length; i += 200)
        await db
          .insertInto('dead_letters')
          .values(rows.slice(i, i + 200))
          .execute();
    },
    async existingUsers(keys: readonly string[]) {
      const out = new Map<string, StoredUser>();
      if (keys.length === 0) return out;
      const { rows } = await sql<StoredUser & { user_key: string }>`
        select user_key, traits, account_id, account_at from product_users
        where user_key = any(${keys}::text[])`.execute(db);
      for (const r of rows)
        out.set(r.user_key, {
          traits: r.traits,
          account_id: r.account_id,
          account_at: r.account_at,
        });
      return out;
    },
    async insertRawEvents(rows: readonly RawEvent[]) {
      const inserted = new Map<string, number>();
      if (rows.length === 0) return inserted;
      const out = await sql<{
        seq: number;
        source_id: string;
        client_ms: number;
        message_id: string;
      }>`
        insert into events (source_id, client_ms, message_id, type, event, user_key,
          account_id, ts, received_at, payload)
        select * from unnest(${col(rows, 'source_id')}::text[], ${col(rows, 'client_ms')}::bigint[],
          ${col(rows, 'message_id')}::text[], ${col(rows, 'type')}::text[],
          ${col(rows, 'event')}::text[], ${col(rows, 'user_key')}::text[],
          ${col(rows, 'account_id')}::text[], ${col(rows, 'ts')}::text[],
          ${col(rows, 'received_at')}::text[], ${col(rows, 'payload')}::text[])
        on conflict (source_id, client_ms, message_id) do nothing
        returning seq, source_id, client_ms, message_id`.execute(db);
      for (const r of out.rows)
        inserted.set(eventKey(r.source_id, r.client_ms, r.message_id), Number(r.seq));
      return inserted;
    },
    async upsertUserDays(rows: readonly UserDay[]) {
      if (rows.length === 0) return;
      await sql`
        insert into usage_daily_user as u (account_id, day, user_key, events, session_seconds,
          first_at, last_at)
        select * from unnest(${col(rows, 'account_id')}::text[], ${col(rows, 'day')}::text[],
          ${col(rows, 'user_key')}::text[], ${col(rows, 'events')}::bigint[],
          ${col(rows, 'session_seconds')}::bigint[], ${col(rows, 'first_at')}::text[],
          ${col(rows, 'last_at')}::text[])
        on conflict (account_id, day, user_key) do update set
          events = u.events + excluded.events,
          session_seconds = u.session_seconds + excluded.session_seconds,
          first_at = least(u.first_at, excluded.first_at),
          last_at = greatest(u.last_at, excluded.last_at)`.execute(db);
    },
    async insertUserEventDays(rows: readonly UserEventDay[]) {
      const fresh = new Map<string, number>();
      if (rows.length === 0) return fresh;
      const out = await sql<{ account_id: string; day: string; event: string }>`
        insert into usage_daily_user_event (account_id, day, event, user_key)
        select * from unnest(${col(rows, 'account_id')}::text[], ${col(rows, 'day')}::text[],
          ${col(rows, 'event')}::text[], ${col(rows, 'user_key')}::text[])
        on conflict do nothing
        returning account_id, day, event`.execute(db);
      for (const r of out.rows) {
        const k = eventDayKey(r.account_id, r.day, r.event);
        fresh.set(k, (fresh.get(k) ?? 0) + 1);
      }
      return fresh;
    },
    async upsertEventDays(rows: readonly EventDayRow[]) {
      if (rows.length === 0) return;
      await sql`
        insert into usage_daily_event as d (account_id, day, event, events, users)
        select * from unnest(${col(rows, 'account_id')}::text[], ${col(rows, 'day')}::text[],
          ${col(rows, 'event')}::text[], ${col(rows, 'events')}::bigint[],
          ${col(rows, 'users')}::bigint[])
        on conflict (account_id, day, event) do update set
          events = d.events + excluded.events, users = d.users + excluded.users`.execute(db);
    },
    async upsertUsers(rows: readonly UserRow[]) {
      if (rows.length === 0) return;
      // No traits to write ('{}' from a null) keeps the stored ones.
      await sql`
        insert into product_users as p (user_key, user_id, account_id, account_at, email, name,
          traits, first_seen_at, last_seen_at, events)
        select k, uid, acc, acc_at, em, nm, coalesce(tr, '{}'), f, l, ev
        from unnest(${col(rows, 'user_key')}::text[], ${col(rows, 'user_id')}::text[],
          ${col(rows, 'account_id')}::text[], ${col(rows, 'account_at')}::text[],
          ${col(rows, 'email')}::text[],
          ${col(rows, 'name')}::text[], ${col(rows, 'traits')}::text[],
          ${col(rows, 'first_seen_at')}::text[], ${col(rows, 'last_seen_at')}::text[],
          ${col(rows, 'events')}::bigint[]) as t(k, uid, acc, acc_at, em, nm, tr, f, l, ev)
        on conflict (user_key) do update set
          user_id = coalesce(excluded.user_id, p.user_id),
          account_id = case when excluded.account_id is not null and (p.account_at is null
            or p.account_id is null or excluded.account_at > p.account_at
            or (excluded.account_at = p.account_at and excluded.account_id > p.account_id))
            then excluded.account_id else p.account_id end,
          account_at = case when excluded.account_id is not null and (p.account_at is null
            or p.account_id is null or excluded.account_at > p.account_at
            or (excluded.account_at = p.account_at and excluded.account_id > p.account_id))
            then excluded.account_at else p.account_at end,
          email = coalesce(excluded.email, p.email),
          name = coalesce(excluded.name, p.name),
          traits = case when excluded.traits = '{}' then p.traits else excluded.traits end,
          first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
          last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at),
          events = p.events + excluded.events`.execute(db);
    },
    async upsertCatalog(catalog: readonly CatalogEntry[], properties: readonly PropertyEntry[]) {
      if (catalog.length > 0)
        await sql`
          insert into event_catalog as c (key, type, name, first_seen_at, last_seen_at, volume)
          select * from unnest(${col(catalog, 'key')}::text[], ${col(catalog, 'type')}::text[],
            ${col(catalog, 'name')}::text[], ${col(catalog, 'first_seen_at')}::text[],
            ${col(catalog, 'last_seen_at')}::text[], ${col(catalog, 'volume')}::bigint[])
          on conflict (key) do update set
            volume = c.volume + excluded.volume,
            first_seen_at = least(c.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(c.last_seen_at, excluded.last_seen_at)`.execute(db);
      if (properties.length > 0)
        await sql`
          insert into event_properties as p (event_key, property, value_type, first_seen_at,
            last_seen_at, volume)
          select * from unnest(${col(properties, 'event_key')}::text[],
            ${col(properties, 'property')}::text[], ${col(properties, 'value_type')}::text[],
            ${col(properties, 'first_seen_at')}::text[], ${col(properties, 'last_seen_at')}::text[],
            ${col(properties, 'volume')}::bigint[])
          on conflict (event_key, property) do update set
            volume = p.volume + excluded.volume,
            value_type = excluded.value_type,
            first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at)`.execute(db);
    },
  };
}
