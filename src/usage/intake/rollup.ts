import { catalogKey, isActivity, valueType, type IntakeEvent } from './model.js';

/**
 * What a set of newly stored events adds to the rollups, computed in memory so the writer
 * makes one upsert per touched row instead of one per event. Pure.
 */

export interface Attributed {
  event: IntakeEvent;
  accountId: string | null;
}

export interface UserDay {
  account_id: string;
  day: string;
  user_key: string;
  events: number;
  session_seconds: number;
  first_at: string;
  last_at: string;
}

export interface EventDay {
  account_id: string;
  day: string;
  event: string;
  events: number;
}

export interface UserEventDay {
  account_id: string;
  day: string;
  event: string;
  user_key: string;
}

export interface UserSeen {
  user_key: string;
  user_id: string | null;
  /** The account named by the latest event that named one. */
  account_id: string | null;
  email: string | null;
  name: string | null;
  traits: Record<string, unknown>;
  first_seen_at: string;
  last_seen_at: string;
  /** Activity events (not identify/group/alias). */
  events: number;
}

export interface CatalogEntry {
  key: string;
  type: string;
  name: string;
  first_seen_at: string;
  last_seen_at: string;
  volume: number;
}

export interface PropertyEntry {
  event_key: string;
  property: string;
  value_type: string;
  first_seen_at: string;
  last_seen_at: string;
  volume: number;
}

export interface RollupDelta {
  userDays: UserDay[];
  eventDays: EventDay[];
  userEventDays: UserEventDay[];
  users: UserSeen[];
  catalog: CatalogEntry[];
  properties: PropertyEntry[];
}

const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 320) : null;
}

export function rollupOf(events: readonly Attributed[], ordered = true): RollupDelta {
  const userDays = new Map<string, UserDay>();
  const eventDays = new Map<string, EventDay>();
  const userEventDays = new Map<string, UserEventDay>();
  const users = new Map<string, UserSeen>();
  const catalog = new Map<string, CatalogEntry>();
  const properties = new Map<string, PropertyEntry>();
  for (const { event: e, accountId } of events) {
    const day = e.ts.slice(0, 10);
    if (isActivity(e) && accountId && e.userKey && e.name) {
      const uk = `${accountId}\0${day}\0${e.userKey}`;
      const ud = userDays.get(uk);
      if (ud) {
        ud.events += 1;
        ud.session_seconds += e.sessionSeconds;
        ud.first_at = min(ud.first_at, e.ts);
        ud.last_at = max(ud.last_at, e.ts);
      } else {
        userDays.set(uk, {
          account_id: accountId,
          day,
          user_key: e.userKey,
          events: 1,
          session_seconds: e.sessionSeconds,
          first_at: e.ts,
          last_at: e.ts,
        });
      }
      const ek = `${accountId}\0${day}\0${e.name}`;
      const ed = eventDays.get(ek);
      if (ed) ed.events += 1;
      else eventDays.set(ek, { account_id: accountId, day, event: e.name, events: 1 });
      const uek = `${ek}\0${e.userKey}`;
      if (!userEventDays.has(uek))
        userEventDays.set(uek, { account_id: accountId, day, event: e.name, user_key: e.userKey });
    }
    if (e.userKey) {
      const u = users.get(e.userKey);
      const traits = e.type === 'identify' ? e.traits : {};
      if (u) {
        u.first_seen_at = min(u.first_seen_at, e.ts);
        if (e.ts >= u.last_seen_at && accountId) u.account_id = accountId;
        u.last_seen_at = max(u.last_seen_at, e.ts);
        u.events += isActivity(e) ? 1 : 0;
        u.traits = { ...u.traits, ...traits };
        if (e.userId) u.user_id = e.userId;
      } else {
        users.set(e.userKey, {
          user_key: e.userKey,
          user_id: e.userId,
          account_id: accountId,
          email: null,
          name: null,
          traits: { ...traits },
          first_seen_at: e.ts,
          last_seen_at: e.ts,
          events: isActivity(e) ? 1 : 0,
        });
      }
    }
    const { key, name } = catalogKey(e);
    const c = catalog.get(key);
    if (c) {
      c.volume += 1;
      c.first_seen_at = min(c.first_seen_at, e.ts);
      c.last_seen_at = max(c.last_seen_at, e.ts);
    } else {
      catalog.set(key, {
        key,
        type: e.type,
        name,
        first_seen_at: e.ts,
        last_seen_at: e.ts,
        volume: 1,
      });
    }
    const props = e.type === 'identify' || e.type === 'group' ? e.traits : e.properties;
    for (const [name, value] of Object.entries(props).slice(0, 200)) {
      const prop = name.slice(0, 200);
      const pk = `${key}\0${prop}`;
      const p = properties.get(pk);
      if (p) {
        p.volume += 1;
        p.value_type = valueType(value);
        p.first_seen_at = min(p.first_seen_at, e.ts);
        p.last_seen_at = max(p.last_seen_at, e.ts);
      } else {
        properties.set(pk, {
          event_key: key,
          property: prop,
          value_type: valueType(value),
          first_seen_at: e.ts,
          last_seen_at: e.ts,
          volume: 1,
        });
      }
    }
  }
  for (const u of users.values()) {
    u.email = str(u.traits.email);
    u.name = str(u.traits.name);
  }
  // Rows in key order: concurrent writers (several servers on one PostgreSQL) then lock
  // shared rollup rows in the same order and cannot deadlock.
  const sorted = <T>(m: Map<string, T>): T[] =>
    ordered
      ? [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v)
      : [...m.values()];
  return {
    userDays: sorted(userDays),
    eventDays: sorted(eventDays),
    userEventDays: sorted(userEventDays),
    users: sorted(users),
    catalog: sorted(catalog),
    properties: sorted(properties),
  };
}
