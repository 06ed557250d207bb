import { isActivity, valueType, type IntakeEvent } from './model.js';

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
  /** The account named by the latest event that named one (see newerAccount), and its time. */
  account_id: string | null;
  account_at: string | null;
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

/**
 * The three independent parts of the rollups: per account (daily user, event and
 * who-did-what rows, and rescoring), per user (product_users) and the event catalog. A
 * deferred batch is written part by part, in slices, so that no one transaction is long.
 */
export type RollupPart = 'account' | 'users' | 'catalog';
export const ALL_PARTS: ReadonlySet<RollupPart> = new Set(['account', 'users', 'catalog']);

/**
 * Whether an event at `ts` naming `accountId` says more about a user's account than what is
 * known (the account named at `knownAt`): it is later, or at the same time and the greater
 * id, so the answer never depends on the order events are applied in. Anything beats an
 * account of unknown time. Pure; the stores' upserts compare alike.
 */
export function newerAccount(
  ts: string,
  accountId: string,
  knownAt: string | null | undefined,
  known: string | null | undefined,
): boolean {
  if (!known || !knownAt) return true;
  return ts > knownAt || (ts === knownAt && accountId > known);
}

/**
 * A slice in [0, n) for a key (an account id, a user key): FNV-1a. Pure, and frozen:
 * backlog rows written by a server that stopped are read back with it.
 */
export function sliceOf(key: string, n: number): number {
  if (n <= 1) return 0;
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % n;
}

export interface RollupDelta {
  userDays: UserDay[];
  eventDays: EventDay[];
  userEventDays: UserEventDay[];
  users: UserSeen[];
  catalog: CatalogEntry[];
  properties: PropertyEntry[];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 320) : null;
}

/** A map's value for `k`, made by `make` the first time. */
function at<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

interface DayCells {
  users: Map<string, UserDay>;
  events: Map<string, { row: EventDay; users: Map<string, UserEventDay> }>;
}

interface CatalogCell {
  entry: CatalogEntry;
  properties: Map<string, PropertyEntry>;
}

const MAX_PROPERTIES = 200;

/**
 * Nested maps (account → day → user, event name → property) instead of composite string
 * keys: this runs for every stored event, and building and hashing a key string per map
 * per event cost more than the rest of it.
 */
export function rollupOf(
  events: readonly Attributed[],
  ordered = true,
  parts: ReadonlySet<RollupPart> = ALL_PARTS,
): RollupDelta {
  const doAccounts = parts.has('account');
  const doUsers = parts.has('users');
  const doCatalog = parts.has('catalog');
  const cells = new Map<string, Map<string, DayCells>>();
  const users = new Map<string, UserSeen>();
  const catalog = new Map<string, Map<string, CatalogCell>>();
  for (const { event: e, accountId } of events) {
    const ts = e.ts;
    if (doAccounts && accountId && e.userKey && e.name && isActivity(e)) {
      const day = ts.slice(0, 10);
      const c = at(
        at(cells, accountId, () => new Map<string, DayCells>()),
        day,
        () => ({
          users: new Map(),
          events: new Map(),
        }),
      );
      const ud = c.users.get(e.userKey);
      if (ud) {
        ud.events += 1;
        ud.session_seconds += e.sessionSeconds;
        if (ts < ud.first_at) ud.first_at = ts;
        if (ts > ud.last_at) ud.last_at = ts;
      } else {
        c.users.set(e.userKey, {
          account_id: accountId,
          day,
          user_key: e.userKey,
          events: 1,
          session_seconds: e.sessionSeconds,
          first_at: ts,
          last_at: ts,
        });
      }
      const name = e.name;
      const ed = at(c.events, name, () => ({
        row: { account_id: accountId, day, event: name, events: 0 },
        users: new Map<string, UserEventDay>(),
      }));
      ed.row.events += 1;
      if (!ed.users.has(e.userKey))
        ed.users.set(e.userKey, { account_id: accountId, day, event: name, user_key: e.userKey });
    }
    if (doUsers && e.userKey) {
      const u = users.get(e.userKey);
      const traits = e.type === 'identify' ? e.traits : null;
      if (u) {
        if (ts < u.first_seen_at) u.first_seen_at = ts;
        if (accountId && newerAccount(ts, accountId, u.account_at, u.account_id)) {
          u.account_id = accountId;
          u.account_at = ts;
        }
        if (ts > u.last_seen_at) u.last_seen_at = ts;
        if (isActivity(e)) u.events += 1;
        if (traits) u.traits = { ...u.traits, ...traits };
        if (e.userId) u.user_id = e.userId;
      } else {
        users.set(e.userKey, {
          user_key: e.userKey,
          user_id: e.userId,
          account_id: accountId,
          account_at: accountId ? ts : null,
          email: null,
          name: null,
          traits: { ...traits },
          first_seen_at: ts,
          last_seen_at: ts,
          events: isActivity(e) ? 1 : 0,
        });
      }
    }
    if (!doCatalog) continue;
    const name = e.name ?? `$${e.type}`;
    const cell = at(
      at(catalog, e.type, () => new Map<string, CatalogCell>()),
      name,
      () => ({
        entry: {
          key: `${e.type}:${name}`,
          type: e.type,
          name,
          first_seen_at: ts,
          last_seen_at: ts,
          volume: 0,
        },
        properties: new Map<string, PropertyEntry>(),
      }),
    );
    const entry = cell.entry;
    entry.volume += 1;
    if (ts < entry.first_seen_at) entry.first_seen_at = ts;
    if (ts > entry.last_seen_at) entry.last_seen_at = ts;
    const props = e.type === 'identify' || e.type === 'group' ? e.traits : e.properties;
    let n = 0;
    for (const key in props) {
      if (!Object.hasOwn(props, key)) continue;
      if (++n > MAX_PROPERTIES) break;
      const prop = key.length > 200 ? key.slice(0, 200) : key;
      const type = valueType(props[key]);
      const p = cell.properties.get(prop);
      if (p) {
        p.volume += 1;
        p.value_type = type;
        if (ts < p.first_seen_at) p.first_seen_at = ts;
        if (ts > p.last_seen_at) p.last_seen_at = ts;
      } else {
        cell.properties.set(prop, {
          event_key: entry.key,
          property: prop,
          value_type: type,
          first_seen_at: ts,
          last_seen_at: ts,
          volume: 1,
        });
      }
    }
  }
  const userDays: UserDay[] = [];
  const eventDays: EventDay[] = [];
  const userEventDays: UserEventDay[] = [];
  for (const days of cells.values())
    for (const c of days.values()) {
      for (const ud of c.users.values()) userDays.push(ud);
      for (const ed of c.events.values()) {
        eventDays.push(ed.row);
        for (const ued of ed.users.values()) userEventDays.push(ued);
      }
    }
  const catalogRows: CatalogEntry[] = [];
  const propertyRows: PropertyEntry[] = [];
  for (const names of catalog.values())
    for (const cell of names.values()) {
      catalogRows.push(cell.entry);
      for (const p of cell.properties.values()) propertyRows.push(p);
    }
  const userRows = [...users.values()];
  for (const u of userRows) {
    u.email = str(u.traits.email);
    u.name = str(u.traits.name);
  }
  if (!ordered)
    return {
      userDays,
      eventDays,
      userEventDays,
      users: userRows,
      catalog: catalogRows,
      properties: propertyRows,
    };
  // Rows in key order: concurrent writers (several servers on one PostgreSQL) then lock
  // shared rollup rows in the same order and cannot deadlock.
  return {
    userDays: sortBy(userDays, (r) => [r.account_id, r.day, r.user_key]),
    eventDays: sortBy(eventDays, (r) => [r.account_id, r.day, r.event]),
    userEventDays: sortBy(userEventDays, (r) => [r.account_id, r.day, r.event, r.user_key]),
    users: sortBy(userRows, (r) => [r.user_key]),
    catalog: sortBy(catalogRows, (r) => [r.key]),
    properties: sortBy(propertyRows, (r) => [r.event_key, r.property]),
  };
}

/** Rows sorted by a tuple of strings, compared by code unit as the keys used to be. */
function sortBy<T>(rows: T[], key: (r: T) => string[]): T[] {
  const keyed = rows.map((r) => ({ r, k: key(r).join('\0') }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.r);
}
