import type { Ctx } from '../../core/context.js';
import { inTxSyncedOffLoop, sqliteNative, type Db } from '../../db/database.js';
import { markDirty } from '../../health/dirty.js';
import {
  claimBacklogRows,
  RollupBacklog,
  strandedGroups,
  type Held,
  type KnownUserEvents,
} from './backlog.js';
import { rollupOf, type Attributed, type UserEventDay } from './rollup.js';
import { eventDayKey, type IntakeStore } from './store.js';
import { pgIntakeStore } from './store-pg.js';
import { sqliteIntakeStore } from './store-sqlite.js';

/** Writing the rollups of stored events: with their group, or later from the backlog. */

export function storeFor(ctx: Ctx, db: Db): IntakeStore {
  if (ctx.dialect === 'postgres') return pgIntakeStore(db);
  const native = sqliteNative(db);
  if (!native) throw new Error('intake: the SQLite database was not opened with openSqlite');
  return sqliteIntakeStore(native);
}

export function mergeTraits(stored: string | undefined, fresh: Record<string, unknown>): string {
  let base: Record<string, unknown> = {};
  try {
    const parsed: unknown = stored ? JSON.parse(stored) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      base = parsed as Record<string, unknown>;
  } catch {
    // a damaged traits column is replaced
  }
  return JSON.stringify({ ...base, ...fresh });
}

/**
 * Roll up stored events (in time order for the users' traits) and queue their rescoring.
 * Returns the who-did-what-today rows it wrote, to remember once committed.
 */
export async function rollUp(
  ctx: Ctx,
  trx: Db,
  st: IntakeStore,
  events: Attributed[],
  known?: KnownUserEvents,
): Promise<UserEventDay[]> {
  if (events.length === 0) return [];
  if (events.some((a) => a.event.type === 'identify'))
    events.sort((a, b) => (a.event.ts < b.event.ts ? -1 : a.event.ts > b.event.ts ? 1 : 0));
  const written = await applyRollups(ctx, st, events, known);
  // Their health is rescored within minutes (the scoring job drains this queue).
  const touched = new Set<string>();
  for (const a of events) if (a.accountId) touched.add(a.accountId);
  await markDirty(trx, [...touched], ctx.now());
  return written;
}

/**
 * The events of held groups whose backlog rows this transaction deletes: only those are
 * rolled up here, since another transaction may have claimed a row first.
 */
export async function claimHeld(trx: Db, groups: readonly Held[]): Promise<Attributed[]> {
  if (groups.length === 0) return [];
  const claimed = await claimBacklogRows(
    trx,
    groups.map((h) => h.id),
  );
  return groups.filter((h) => claimed.has(h.id)).flatMap((h) => h.events);
}

/**
 * Roll up what the backlog holds (the writer, when requests stop queueing) or, given
 * `stranded`, groups a stopped server left behind. One transaction.
 */
export async function flushBacklog(
  ctx: Ctx,
  backlog: RollupBacklog,
  stranded: readonly Held[] = [],
  known?: KnownUserEvents,
): Promise<number> {
  const taken = [...backlog.take(), ...stranded];
  if (taken.length === 0) return 0;
  try {
    const { count, written } = await inTxSyncedOffLoop(ctx.db, async (trx) => {
      const all = await claimHeld(trx, taken);
      const written = await rollUp(ctx, trx, storeFor(ctx, trx), all, known);
      return { count: all.length, written };
    });
    known?.remember(written);
    return count;
  } catch (err) {
    backlog.restore(taken.filter((h) => !stranded.includes(h)));
    throw err;
  }
}

/**
 * Roll up the groups a server left in the backlog table when it stopped or crashed before
 * writing their rollups (`olderThanMs`: leave younger ones to the live server holding them;
 * taking one anyway is safe, only wasted work). Returns how many events.
 */
export async function rollUpStranded(ctx: Ctx, olderThanMs = 0): Promise<number> {
  let events = 0;
  const skip = new Set<number>();
  for (;;) {
    const createdBefore = new Date(ctx.now().getTime() - olderThanMs).toISOString();
    const stranded = await strandedGroups(ctx.db, { createdBefore, skip, limit: 20 });
    if (stranded.length === 0) return events;
    for (const h of stranded) skip.add(h.id);
    events += await flushBacklog(ctx, new RollupBacklog(), stranded);
  }
}

async function applyRollups(
  ctx: Ctx,
  st: IntakeStore,
  stored: readonly Attributed[],
  known?: KnownUserEvents,
): Promise<UserEventDay[]> {
  // Only PostgreSQL has concurrent writers to keep in lock order; SQLite has one writer.
  const delta = rollupOf(stored, ctx.dialect === 'postgres');
  await st.upsertUserDays(delta.userDays);
  const userEvents = known ? known.unknown(delta.userEventDays) : delta.userEventDays;
  const newUsers = await st.insertUserEventDays(userEvents);
  await st.upsertEventDays(
    delta.eventDays.map((d) => ({
      ...d,
      users: newUsers.get(eventDayKey(d.account_id, d.day, d.event)) ?? 0,
    })),
  );
  const identified = new Set<string>();
  for (const a of stored)
    if (a.event.type === 'identify' && a.event.userKey) identified.add(a.event.userKey);
  const users = identified.size > 0 ? await st.existingUsers([...identified]) : new Map();
  await st.upsertUsers(
    delta.users.map((u) => ({
      ...u,
      // Traits come from identify calls; without one the stored traits stay as they are.
      traits: identified.has(u.user_key)
        ? mergeTraits(users.get(u.user_key)?.traits, u.traits)
        : null,
    })),
  );
  await st.upsertCatalog(delta.catalog, delta.properties);
  return userEvents;
}
