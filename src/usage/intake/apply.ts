import type { Ctx } from '../../core/context.js';
import { inTxSyncedOffLoop, sqliteNative, type Db } from '../../db/database.js';
import { markDirty } from '../../health/dirty.js';
import {
  claimBacklogRows,
  insertBacklogRow,
  RollupBacklog,
  seqRanges,
  strandedGroups,
  type Held,
  type KnownUserEvents,
} from './backlog.js';
import {
  ALL_PARTS,
  rollupOf,
  sliceOf,
  type Attributed,
  type RollupPart,
  type UserEventDay,
} from './rollup.js';
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
 * Roll up stored events (in time order for the users' traits) and queue their rescoring:
 * every part, or just those given. Returns the who-did-what-today rows it wrote, to
 * remember once committed.
 */
export async function rollUp(
  ctx: Ctx,
  trx: Db,
  st: IntakeStore,
  events: Attributed[],
  known?: KnownUserEvents,
  parts: ReadonlySet<RollupPart> = ALL_PARTS,
): Promise<UserEventDay[]> {
  if (events.length === 0) return [];
  if (parts.has('users') && events.some((a) => a.event.type === 'identify'))
    events.sort((a, b) => (a.event.ts < b.event.ts ? -1 : a.event.ts > b.event.ts ? 1 : 0));
  const written = await applyRollups(ctx, st, events, known, parts);
  if (!parts.has('account')) return written;
  // Their health is rescored within minutes (the scoring job drains this queue).
  const touched = new Set<string>();
  for (const a of events) if (a.accountId) touched.add(a.accountId);
  await markDirty(trx, [...touched], ctx.now());
  return written;
}

/**
 * Held groups and slices whose backlog rows this transaction deletes: only those are
 * rolled up here, since another transaction may have claimed a row first.
 */
export async function claimHeld(trx: Db, groups: readonly Held[]): Promise<Held[]> {
  if (groups.length === 0) return [];
  const claimed = await claimBacklogRows(
    trx,
    groups.map((h) => h.id),
  );
  return groups.filter((h) => claimed.has(h.id));
}

/**
 * Roll up claimed backlog rows, oldest first, and then `own` events: a whole group in every
 * part, a slice in its one part.
 */
export async function rollUpHeld(
  ctx: Ctx,
  trx: Db,
  st: IntakeStore,
  held: readonly Held[],
  own: readonly Attributed[],
  known?: KnownUserEvents,
): Promise<UserEventDay[]> {
  if (held.every((h) => h.part === 'all'))
    return rollUp(ctx, trx, st, [...held.flatMap((h) => h.events), ...own], known);
  const written: UserEventDay[] = [];
  for (const part of ALL_PARTS) {
    const events = held.filter((h) => h.part === 'all' || h.part === part).flatMap((h) => h.events);
    for (const a of own) events.push(a);
    for (const r of await rollUp(ctx, trx, st, events, known, new Set([part]))) written.push(r);
  }
  return written;
}

/** Events claimed rows count for, as the stats do (see insertBacklogRow). */
function counted(held: readonly Held[]): number {
  return held.reduce(
    (n, h) => n + (h.part === 'all' || h.part === 'catalog' ? h.events.length : 0),
    0,
  );
}

/**
 * Cuts and slices answer nobody, so they do not wait for the disk: if a crash loses one,
 * the backlog rows it would have deleted are still there, and recovery writes them.
 */
const UNSYNCED = { awaitSync: false } as const;

/** The most slices of each part a batch is cut into. */
const MAX_SLICES = 8;

/**
 * Cut the held groups into slices, in one short transaction that swaps their backlog rows
 * for one row per slice: the account part dealt by account, the users' part by user, and
 * the catalog. Each slice is then written in a transaction of its own (`writeSlice`), with
 * requests' groups in between, so no transaction holds the writer for long; and since the
 * parts touch disjoint rows, writing them apart adds up to the same rollups.
 */
export async function cutIntoSlices(
  ctx: Ctx,
  backlog: RollupBacklog,
  eventsPerSlice: number,
): Promise<void> {
  const groups = backlog.take();
  if (groups.length === 0) return;
  try {
    const { slices, events } = await inTxSyncedOffLoop(
      ctx.db,
      async (trx) => {
        const claimed = await claimHeld(trx, groups);
        // Another server took them over: written already.
        if (claimed.length === 0) return { slices: [], events: 0 };
        const seqs: number[] = [];
        for (const h of claimed) for (const q of h.seqs) seqs.push(q);
        const events = seqs.length;
        const n = Math.max(1, Math.min(MAX_SLICES, Math.ceil(events / eventsPerSlice)));
        const at = claimed.reduce((t, h) => Math.min(t, h.at), Number.POSITIVE_INFINITY);
        const createdAt = claimed.map((h) => h.createdAt).reduce((a, b) => (a < b ? a : b));
        const slice = (part: RollupPart, k: number, m: number): Held => ({
          id: 0,
          events: [],
          seqs: [],
          at,
          createdAt,
          part,
          slice: k,
          slices: m,
        });
        const accounts = Array.from({ length: n }, (_, k) => slice('account', k, n));
        const users = Array.from({ length: n }, (_, k) => slice('users', k, n));
        const catalog = slice('catalog', 0, 1);
        // Dealt as inSlice reads them back after a crash (by the same sliceOf).
        const accountSlice = new Map<string, number>();
        const userSlice = new Map<string, number>();
        for (const h of claimed)
          for (const a of h.events) {
            if (a.accountId) {
              let k = accountSlice.get(a.accountId);
              if (k === undefined) accountSlice.set(a.accountId, (k = sliceOf(a.accountId, n)));
              accounts[k]!.events.push(a);
            }
            const user = a.event.userKey;
            if (user) {
              let k = userSlice.get(user);
              if (k === undefined) userSlice.set(user, (k = sliceOf(user, n)));
              users[k]!.events.push(a);
            }
            catalog.events.push(a);
          }
        // Every slice's row names the whole batch (its events are found again by slice).
        // The catalog slice goes last and carries the batch's count for the stats.
        const slices = [...accounts, ...users, catalog].filter((b) => b.events.length > 0);
        const ranges = seqRanges(seqs);
        for (const b of slices)
          b.id = await insertBacklogRow(trx, {
            seqs: ranges,
            events: b.part === 'catalog' ? events : 0,
            createdAt,
            part: b.part,
            slice: b.slice,
            slices: b.slices,
          });
        return { slices, events };
      },
      UNSYNCED,
    );
    backlog.startSlices(slices, events);
  } catch (err) {
    backlog.restore(groups);
    throw err;
  }
}

/** Write the backlog's next slice in a transaction of its own. */
export async function writeSlice(
  ctx: Ctx,
  backlog: RollupBacklog,
  known?: KnownUserEvents,
): Promise<void> {
  const slice = backlog.nextSlice();
  if (!slice) return;
  try {
    const written = await inTxSyncedOffLoop(
      ctx.db,
      async (trx) => {
        // Another server may have taken it over; then it is written already.
        if ((await claimHeld(trx, [slice])).length === 0) return [];
        const parts = slice.part === 'all' ? ALL_PARTS : new Set([slice.part]);
        return rollUp(ctx, trx, storeFor(ctx, trx), slice.events, known, parts);
      },
      UNSYNCED,
    );
    known?.remember(written);
    backlog.sliceDone(slice);
  } catch (err) {
    // The rows stay in the table; the intake.rollups job or the next start writes them.
    backlog.takeSlices();
    throw err;
  }
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
  // Slices of a batch in progress are older than any held group.
  const slices = backlog.takeSlices();
  const groups = backlog.take();
  const taken = [...slices.slices, ...groups, ...stranded];
  if (taken.length === 0) return 0;
  try {
    const { count, written } = await inTxSyncedOffLoop(ctx.db, async (trx) => {
      const claimed = await claimHeld(trx, taken);
      const written = await rollUpHeld(ctx, trx, storeFor(ctx, trx), claimed, [], known);
      return { count: counted(claimed), written };
    });
    known?.remember(written);
    return count;
  } catch (err) {
    backlog.restore(groups);
    backlog.restoreSlices(slices);
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
  known: KnownUserEvents | undefined,
  parts: ReadonlySet<RollupPart>,
): Promise<UserEventDay[]> {
  // Only PostgreSQL has concurrent writers to keep in lock order; SQLite has one writer.
  const delta = rollupOf(stored, ctx.dialect === 'postgres', parts);
  await st.upsertUserDays(delta.userDays);
  const userEvents = known ? known.unknown(delta.userEventDays) : delta.userEventDays;
  const newUsers = await st.insertUserEventDays(userEvents);
  await st.upsertEventDays(
    delta.eventDays.map((d) => ({
      ...d,
      users: newUsers.get(eventDayKey(d.account_id, d.day, d.event)) ?? 0,
    })),
  );
  if (!parts.has('users')) {
    await st.upsertCatalog(delta.catalog, delta.properties);
    return userEvents;
  }
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
