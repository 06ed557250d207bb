import { ALLOW_ALL } from '../../core/access.js';
import type { Ctx } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inTx, sqliteNative, type Db } from '../../db/database.js';
import { createAccount } from '../../accounts/account/service.js';
import { markDirty } from '../../health/dirty.js';
import type { Checked, EventResult, IntakeEvent } from './model.js';
import { rollupOf, type Attributed } from './rollup.js';
import {
  accountsByProductId,
  eventDayKey,
  eventKey,
  type DeadLetter,
  type IntakeStore,
  type StoredUser,
} from './store.js';
import { pgIntakeStore } from './store-pg.js';
import { sqliteIntakeStore } from './store-sqlite.js';

/** One event as submitted: where it sat in its request and what checking it found. */
export interface Submitted {
  index: number;
  sourceId: string;
  receivedAt: string;
  checked: Checked;
  /** The event as sent, for the dead-letter table; only made when the event is refused. */
  raw(): string;
}

function storeFor(ctx: Ctx, db: Db): IntakeStore {
  if (ctx.dialect === 'postgres') return pgIntakeStore(db);
  const native = sqliteNative(db);
  if (!native) throw new Error('intake: the SQLite database was not opened with openSqlite');
  return sqliteIntakeStore(native);
}

/**
 * Intake writes are bookkeeping on the sender's behalf: an ingest key may create the
 * accounts its events name, though it may not touch accounts through the API.
 */
function writerCtx(ctx: Ctx, db: Ctx['db']): Ctx {
  return { ...ctx, db, may: ALLOW_ALL, can: () => undefined };
}

function accountNameOf(e: IntakeEvent): string {
  const n = e.type === 'group' ? e.traits.name : undefined;
  return typeof n === 'string' && n.trim() ? n.trim().slice(0, 200) : `Account ${e.groupId}`;
}

/**
 * Accounts by groupId; unknown ones are created (B4), named by their group call's traits.
 * Runs before the group's transaction, through Kysely, not SQLite's native handle: outside
 * a transaction of our own, a native read could run inside another one open on the shared
 * connection and see its writes.
 */
async function resolveAccounts(
  ctx: Ctx,
  events: readonly IntakeEvent[],
): Promise<Map<string, string>> {
  const wanted = new Map<string, IntakeEvent>();
  for (const e of events) {
    if (!e.groupId) continue;
    const seen = wanted.get(e.groupId);
    if (!seen || (seen.type !== 'group' && e.type === 'group')) wanted.set(e.groupId, e);
  }
  if (wanted.size === 0) return new Map();
  const found = await accountsByProductId(ctx.db, [...wanted.keys()]);
  for (const [groupId, e] of wanted) {
    if (found.has(groupId)) continue;
    try {
      const a = await createAccount(ctx, { name: accountNameOf(e), productId: groupId });
      found.set(groupId, a.id);
    } catch (err) {
      // Another writer (a concurrent group, another server) created it first.
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      const id = (await accountsByProductId(ctx.db, [groupId])).get(groupId);
      if (!id) throw err;
      found.set(groupId, id);
    }
  }
  return found;
}

function mergeTraits(stored: string | undefined, fresh: Record<string, unknown>): string {
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
 * Store a set of submitted events in one transaction: refused ones as dead letters,
 * accepted ones as raw events (a repeated (source, sender's time, messageId) is a duplicate
 * and changes nothing), and the rollups, users and catalog for exactly the new ones.
 */
export async function writeSubmitted(
  ctx: Ctx,
  items: readonly Submitted[],
): Promise<EventResult[]> {
  const order = new Map(items.map((item, i) => [item, i]));
  // Unknown accounts are created first, each in its own transaction, so that concurrent
  // writers racing to create the same one do not abort each other's whole group.
  const accounts = await resolveAccounts(
    writerCtx(ctx, ctx.db),
    items.flatMap((i) => (i.checked.ok ? [i.checked.event] : [])),
  );
  return inTx(ctx.db, async (trx) => {
    const st = storeFor(ctx, trx);
    const results: (EventResult & { item: Submitted })[] = [];
    const dead: DeadLetter[] = [];
    const fresh: { item: Submitted; event: IntakeEvent; key: string }[] = [];
    const seenInBatch = new Set<string>();
    for (const item of items) {
      const c = item.checked;
      if (!c.ok) {
        const raw = item.raw();
        dead.push({
          id: newId('dlq', Date.parse(item.receivedAt)),
          received_at: item.receivedAt,
          source_id: item.sourceId,
          batch_index: item.index,
          message_id: messageIdOf(raw),
          reason: c.reason,
          payload: raw,
          status: 'open',
          replayed_at: null,
          replay_result: null,
        });
        results.push({
          item,
          index: item.index,
          messageId: messageIdOf(raw),
          status: 'rejected',
          reason: c.reason,
        });
        continue;
      }
      const key = eventKey(item.sourceId, c.event.clientMs, c.event.messageId);
      if (seenInBatch.has(key)) {
        results.push({
          item,
          index: item.index,
          messageId: c.event.messageId,
          status: 'duplicate',
        });
        continue;
      }
      seenInBatch.add(key);
      fresh.push({ item, event: c.event, key });
    }
    await st.insertDeadLetters(dead);
    if (fresh.length === 0) return inOrder(results, order);

    // Stored users matter only for traits to merge (identify) and for events that name no
    // account (the user's account stands in); most events need neither.
    const userKeys = new Set<string>();
    for (const { event: e } of fresh)
      if (e.userKey && (e.type === 'identify' || !e.groupId)) userKeys.add(e.userKey);
    const users = await st.existingUsers([...userKeys]);
    // A group call ties its user to the account for later events in the same set.
    const userAccount = new Map<string, string | null>();
    for (const [k, u] of users) userAccount.set(k, u.account_id);
    const attributed: (Attributed & { key: string; item: Submitted })[] = [];
    for (const f of [...fresh].sort((a, b) => (a.event.ts < b.event.ts ? -1 : 1))) {
      const e = f.event;
      const accountId =
        (e.groupId ? accounts.get(e.groupId) : undefined) ??
        (e.userKey ? userAccount.get(e.userKey) : undefined) ??
        null;
      if (e.userKey && e.groupId && accountId) userAccount.set(e.userKey, accountId);
      attributed.push({ event: e, accountId, key: f.key, item: f.item });
    }
    // In key order on PostgreSQL, where concurrent writers meet on the unique key.
    const toInsert =
      ctx.dialect === 'postgres'
        ? [...attributed].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        : attributed;
    const inserted = await st.insertRawEvents(
      toInsert.map((a) => ({
        source_id: a.item.sourceId,
        client_ms: a.event.clientMs,
        message_id: a.event.messageId,
        type: a.event.type,
        event: a.event.name,
        user_key: a.event.userKey,
        account_id: a.accountId,
        ts: a.event.ts,
        received_at: a.item.receivedAt,
        payload: a.event.payload,
      })),
    );
    const stored = attributed.filter((a) => inserted.has(a.key));
    for (const a of attributed) {
      results.push({
        item: a.item,
        index: a.item.index,
        messageId: a.event.messageId,
        status: inserted.has(a.key) ? 'accepted' : 'duplicate',
      });
    }
    if (stored.length > 0) {
      await applyRollups(ctx, st, stored, users);
      // Their health is rescored within minutes (the scoring job drains this queue).
      const touched = new Set<string>();
      for (const a of stored) if (a.accountId) touched.add(a.accountId);
      await markDirty(trx, [...touched], ctx.now());
    }
    return inOrder(results, order);
  });
}

async function applyRollups(
  ctx: Ctx,
  st: IntakeStore,
  stored: readonly Attributed[],
  users: Map<string, StoredUser>,
): Promise<void> {
  // Only PostgreSQL has concurrent writers to keep in lock order; SQLite has one writer.
  const delta = rollupOf(stored, ctx.dialect === 'postgres');
  await st.upsertUserDays(delta.userDays);
  const newUsers = await st.insertUserEventDays(delta.userEventDays);
  await st.upsertEventDays(
    delta.eventDays.map((d) => ({
      ...d,
      users: newUsers.get(eventDayKey(d.account_id, d.day, d.event)) ?? 0,
    })),
  );
  const identified = new Set(
    stored.filter((a) => a.event.type === 'identify').map((a) => a.event.userKey),
  );
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
}

/** Results in the order of the submitted items, without the bookkeeping. */
function inOrder(
  results: (EventResult & { item: Submitted })[],
  order: Map<Submitted, number>,
): EventResult[] {
  return results
    .sort((a, b) => order.get(a.item)! - order.get(b.item)!)
    .map(({ item: _item, ...r }) => r as EventResult);
}

function messageIdOf(raw: string): string | null {
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && 'messageId' in v) {
      const id = (v as { messageId: unknown }).messageId;
      return typeof id === 'string' ? id.slice(0, 200) : null;
    }
  } catch {
    // not JSON at all
  }
  return null;
}
