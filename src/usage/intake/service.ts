import { ALLOW_ALL } from '../../core/access.js';
import type { Ctx } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inTxSyncedOffLoop } from '../../db/database.js';
import { createAccount } from '../../accounts/account/service.js';
import { claimHeld, rollUpHeld, storeFor } from './apply.js';
import {
  insertBacklogRow,
  seqRanges,
  type Held,
  type RollupBacklog,
  type KnownUserEvents,
} from './backlog.js';
import type { Checked, EventResult, IntakeEvent } from './model.js';
import { newerAccount, type Attributed, type UserEventDay } from './rollup.js';
import { accountsByProductId, eventKey, type DeadLetter, type IntakeStore } from './store.js';

/** One event as submitted: where it sat in its request and what checking it found. */
export interface Submitted {
  index: number;
  sourceId: string;
  receivedAt: string;
  checked: Checked;
  /** The event as sent, for the dead-letter table; only made when the event is refused. */
  raw(): string;
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

export interface WriteOptions {
  /** The writer's backlog: groups stored earlier whose rollups wait for this one. */
  backlog?: RollupBacklog;
  /**
   * Store and acknowledge these events now and leave their rollups in the backlog for a
   * later transaction (the writer does so while requests queue up).
   */
  defer?: boolean;
  /** Who-did-what-today rows already stored, to skip. */
  known?: KnownUserEvents;
}

/**
 * Store a set of submitted events in one transaction: refused ones as dead letters,
 * accepted ones as raw events (a repeated (source, sender's time, messageId) is a duplicate
 * and changes nothing), and the rollups, users and catalog for exactly the new ones —
 * together with the backlog's, or, deferred, a backlog row naming them.
 */
export async function writeSubmitted(
  ctx: Ctx,
  items: readonly Submitted[],
  opts: WriteOptions = {},
): Promise<EventResult[]> {
  const order = new Map(items.map((item, i) => [item, i]));
  const backlog = opts.backlog;
  // While a batch is written slice by slice, later groups wait behind it.
  const defer = Boolean(backlog && (opts.defer || backlog.slicing));
  // Unknown accounts are created first, each in its own transaction, so that concurrent
  // writers racing to create the same one do not abort each other's whole group.
  const accounts = await resolveAccounts(
    writerCtx(ctx, ctx.db),
    items.flatMap((i) => (i.checked.ok ? [i.checked.event] : [])),
  );
  // Held groups this transaction rolls up; taken after attributing its events, for which
  // they still count (see storeEvents), and put back if it fails.
  let taken: Held[] = [];
  let written: UserEventDay[] = [];
  try {
    const { results, held } = await inTxSyncedOffLoop(ctx.db, async (trx) => {
      const st = storeFor(ctx, trx);
      const { results, dead, fresh } = sortOut(items);
      await st.insertDeadLetters(dead);
      const stored = await storeEvents(ctx, st, fresh, accounts, backlog);
      for (const f of stored.all)
        results.push({
          item: f.item,
          index: f.item.index,
          messageId: f.event.messageId,
          status: stored.seqs.has(f.key) ? 'accepted' : 'duplicate',
        });
      const added = stored.all.filter((a) => stored.seqs.has(a.key));
      let held: Held | null = null;
      if (defer && added.length > 0) {
        const seqs = added.map((a) => stored.seqs.get(a.key)!);
        const createdAt = ctx.now().toISOString();
        held = {
          id: await insertBacklogRow(trx, {
            seqs: seqRanges(seqs),
            events: seqs.length,
            createdAt,
          }),
          events: added,
          seqs,
          at: Date.now(),
          createdAt,
          part: 'all',
          slice: 0,
          slices: 1,
        };
      } else if (!defer) {
        taken = backlog?.take() ?? [];
        const claimed = await claimHeld(trx, taken);
        written = await rollUpHeld(ctx, trx, st, claimed, added, opts.known);
      }
      return { results: inOrder(results, order), held };
    });
    if (held) backlog!.hold(held);
    opts.known?.remember(written);
    return results;
  } catch (err) {
    if (taken.length > 0) backlog!.restore(taken);
    throw err;
  }
}

type Fresh = Attributed & { key: string; item: Submitted };
type Sorted = EventResult & { item: Submitted };

/**
 * Refused events (dead letters, with their reason), repeats within the set (duplicates),
 * and the rest, to store.
 */
function sortOut(items: readonly Submitted[]): {
  results: Sorted[];
  dead: DeadLetter[];
  fresh: { item: Submitted; event: IntakeEvent; key: string }[];
} {
  const results: Sorted[] = [];
  const dead: DeadLetter[] = [];
  const fresh: { item: Submitted; event: IntakeEvent; key: string }[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const c = item.checked;
    if (!c.ok) {
      const raw = item.raw();
      const messageId = messageIdOf(raw);
      dead.push({
        id: newId('dlq', Date.parse(item.receivedAt)),
        received_at: item.receivedAt,
        source_id: item.sourceId,
        batch_index: item.index,
        message_id: messageId,
        reason: c.reason,
        payload: raw,
        status: 'open',
        replayed_at: null,
        replay_result: null,
      });
      results.push({ item, index: item.index, messageId, status: 'rejected', reason: c.reason });
      continue;
    }
    const key = eventKey(item.sourceId, c.event.clientMs, c.event.messageId);
    if (seen.has(key)) {
      results.push({ item, index: item.index, messageId: c.event.messageId, status: 'duplicate' });
      continue;
    }
    seen.add(key);
    fresh.push({ item, event: c.event, key });
  }
  return { results, dead, fresh };
}

/** Attribute the fresh events to accounts and store them raw; which were new, with seqs. */
async function storeEvents(
  ctx: Ctx,
  st: IntakeStore,
  fresh: readonly { item: Submitted; event: IntakeEvent; key: string }[],
  accounts: Map<string, string>,
  backlog: RollupBacklog | undefined,
): Promise<{ all: Fresh[]; seqs: Map<string, number> }> {
  if (fresh.length === 0) return { all: [], seqs: new Map() };
  // Stored users matter only for events that name no account (the user's account stands
  // in); most events need neither. Held (not yet rolled up) events know better.
  const userKeys = new Set<string>();
  for (const { event: e } of fresh) if (e.userKey && !e.groupId) userKeys.add(e.userKey);
  const users = await st.existingUsers([...userKeys]);
  // The user's account as the rollups written and held so far have it: the one named by
  // their latest event that named one.
  const userAccount = new Map<string, string | null>();
  for (const k of userKeys) {
    const stored = users.get(k);
    const held = backlog?.accountOf(k);
    userAccount.set(
      k,
      held && newerAccount(held.ts, held.accountId, stored?.account_at, stored?.account_id)
        ? held.accountId
        : (stored?.account_id ?? null),
    );
  }
  const all: Fresh[] = [];
  for (const f of [...fresh].sort((a, b) => (a.event.ts < b.event.ts ? -1 : 1))) {
    const e = f.event;
    // A group call ties its user to the account for later events in the same set.
    const accountId =
      (e.groupId ? accounts.get(e.groupId) : undefined) ??
      (e.userKey ? userAccount.get(e.userKey) : undefined) ??
      null;
    if (e.userKey && e.groupId && accountId) userAccount.set(e.userKey, accountId);
    all.push({ event: e, accountId, key: f.key, item: f.item });
  }
  // In key order on PostgreSQL, where concurrent writers meet on the unique key.
  const toInsert =
    ctx.dialect === 'postgres'
      ? [...all].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      : all;
  const seqs = await st.insertRawEvents(
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
  return { all, seqs };
}

/** Results in the order of the submitted items, without the bookkeeping. */
function inOrder(results: Sorted[], order: Map<Submitted, number>): EventResult[] {
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
