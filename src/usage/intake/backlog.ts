import type { Executor } from '../../db/database.js';
import { restoreEvent } from './model.js';
import {
  newerAccount,
  sliceOf,
  type Attributed,
  type RollupPart,
  type UserEventDay,
} from './rollup.js';

/**
 * Rollups waiting for a later transaction. When requests queue up faster than the writer
 * commits them, the writer stores and acknowledges each group's events at once and rolls
 * them up together with the following groups', a moment later (at most `maxRollupLagMs`):
 * one upsert per touched rollup row per second instead of one per group.
 *
 * A deferred group leaves a row in intake_rollup_backlog in the transaction that stores its
 * events; the transaction that rolls them up deletes the row and uses only the events of
 * rows it deleted. So after a crash the rows say exactly which events still need rolling
 * up, and however many servers try, each group is rolled up once.
 */

/** What a backlog row still has to write: everything (a whole group) or one part. */
export type BacklogPart = 'all' | RollupPart;

/** One deferred group, or one slice of a batch: its backlog row and its stored events. */
export interface Held {
  id: number;
  events: Attributed[];
  /** The events' seq numbers, in the same order (to cut the batch into slices). */
  seqs: number[];
  /** When it was stored (epoch ms); a slice keeps its batch's oldest. */
  at: number;
  /** Its row's created_at (the intake's clock); a slice's is its batch's oldest. */
  createdAt: string;
  part: BacklogPart;
  /** Which slice of its batch, of how many (0 of 1 for a whole group). */
  slice: number;
  slices: number;
}

/**
 * Whether a stored event belongs to a backlog row's slice: the account part is dealt by
 * account, the users' part by user (as cutIntoSlices deals them).
 */
export function inSlice(a: Attributed, part: BacklogPart, slice: number, slices: number): boolean {
  if (part === 'all' || part === 'catalog') return true;
  const key = part === 'account' ? a.accountId : a.event.userKey;
  return key !== null && sliceOf(key, slices) === slice;
}

/**
 * The writer's groups in the backlog, in memory, with what they say about users; and the
 * slices of the batch being written, if one is.
 */
export class RollupBacklog {
  private held: Held[] = [];
  private count = 0;
  /** Slices still to write of the batch in progress, and its events. */
  private slices: Held[] = [];
  private sliced = 0;
  /**
   * The account each user's latest held event tied them to (a group call or groupId),
   * worked out when first asked after a change: most senders name the account on every
   * event and never ask.
   */
  private accounts: Map<string, { ts: string; accountId: string }> | null = null;

  /** Events held, with those of the batch being written in slices. */
  get events(): number {
    return this.count + this.sliced;
  }

  /** Events in groups not yet cut into slices. */
  get groupEvents(): number {
    return this.count;
  }

  /** Events of the batch being written in slices. */
  get batchEvents(): number {
    return this.sliced;
  }

  /** Whether a batch is being written slice by slice (later groups must wait their turn). */
  get slicing(): boolean {
    return this.slices.length > 0;
  }

  /** How long the oldest held group has waited (0 when none). */
  ageMs(now: number): number {
    return this.held.length > 0 ? Math.max(0, now - this.held[0]!.at) : 0;
  }

  /**
   * The account held events tie this user to, and the time of the event that named it:
   * newer than what product_users says, which learns it only when the rollups are written.
   * The latest event naming one wins, as the rollups decide (newerAccount).
   */
  accountOf(userKey: string): { ts: string; accountId: string } | undefined {
    if (this.held.length === 0 && this.slices.length === 0) return undefined;
    if (!this.accounts) {
      const accounts = new Map<string, { ts: string; accountId: string }>();
      // Slices of the users' part hold the batch being written; until then they too say
      // more than product_users.
      const groups = [...this.slices.filter((h) => h.part === 'users'), ...this.held];
      for (const group of groups)
        for (const { event: e, accountId } of group.events) {
          if (!e.userKey || !e.groupId || !accountId) continue;
          const seen = accounts.get(e.userKey);
          if (newerAccount(e.ts, accountId, seen?.ts, seen?.accountId))
            accounts.set(e.userKey, { ts: e.ts, accountId });
        }
      this.accounts = accounts;
    }
    return this.accounts.get(userKey);
  }

  hold(group: Held): void {
    this.held.push(group);
    this.count += group.events.length;
    this.accounts = null;
  }

  /** Everything held, for a transaction to roll up; `restore` puts it back if that fails. */
  take(): Held[] {
    const out = this.held;
    this.held = [];
    this.count = 0;
    this.accounts = null;
    return out;
  }

  restore(groups: readonly Held[]): void {
    this.held = [...groups, ...this.held];
    this.count = this.held.reduce((n, g) => n + g.events.length, 0);
    this.accounts = null;
  }

  /** A batch cut into slices, to write one at a time, in this order. */
  startSlices(slices: readonly Held[], events: number): void {
    this.slices = [...slices];
    this.sliced = slices.length > 0 ? events : 0;
    this.accounts = null;
  }

  /** The next slice to write; `sliceDone` once written (on failure, `takeSlices` drops them). */
  nextSlice(): Held | undefined {
    return this.slices[0];
  }

  sliceDone(slice: Held): void {
    this.slices = this.slices.filter((h) => h !== slice);
    if (this.slices.length === 0) this.sliced = 0;
    if (slice.part === 'users') this.accounts = null;
  }

  /** Every slice left, for a transaction that writes them all; `restoreSlices` on failure. */
  takeSlices(): { slices: Held[]; events: number } {
    const out = { slices: this.slices, events: this.sliced };
    this.slices = [];
    this.sliced = 0;
    this.accounts = null;
    return out;
  }

  restoreSlices(taken: { slices: Held[]; events: number }): void {
    if (taken.slices.length === 0) return;
    this.slices = [...taken.slices, ...this.slices];
    this.sliced += taken.events;
    this.accounts = null;
  }
}

/**
 * Who-did-what-today rows (usage_daily_user_event) known to be stored, so a rollup skips
 * the insert for them: after the first minutes of a day nearly every one is already there,
 * and asking the database each time was the rollups' largest cost. Rows are only added,
 * never deleted, so "known stored" stays true; only committed rows are remembered.
 */
export class KnownUserEvents {
  // account → day → event → users: no key string to build per row.
  private rows = new Map<string, Map<string, Map<string, Set<string>>>>();
  private size = 0;
  constructor(private readonly max = 500_000) {}

  unknown(rows: readonly UserEventDay[]): UserEventDay[] {
    return rows.filter(
      (r) => !this.rows.get(r.account_id)?.get(r.day)?.get(r.event)?.has(r.user_key),
    );
  }

  remember(rows: readonly UserEventDay[]): void {
    // A bounded memory: start over rather than grow without end.
    if (this.size + rows.length > this.max) {
      this.rows = new Map();
      this.size = 0;
    }
    for (const r of rows) {
      let days = this.rows.get(r.account_id);
      if (!days) this.rows.set(r.account_id, (days = new Map()));
      let events = days.get(r.day);
      if (!events) days.set(r.day, (events = new Map()));
      let users = events.get(r.event);
      if (!users) events.set(r.event, (users = new Set()));
      if (!users.has(r.user_key)) {
        users.add(r.user_key);
        this.size += 1;
      }
    }
  }
}

/** Seq numbers as ranges: `[1,2,3,7]` → "1-3,7". Pure. */
export function seqRanges(seqs: readonly number[]): string {
  const sorted = [...seqs].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! <= sorted[j]! + 1) j += 1;
    parts.push(sorted[i] === sorted[j] ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function parseSeqRanges(text: string): [number, number][] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const [a, b] = part.split('-');
    const from = Number(a);
    const to = b === undefined ? from : Number(b);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from)
      throw new Error(`intake backlog: bad seq range "${part}"`);
    return [from, to];
  });
}

/**
 * A backlog row naming stored events by seq ranges (`seqRanges`). `events` is what the
 * intake's stats count: a group's own; for a batch's slices, all of it on its catalog slice
 * (written last) and none on the others, so each event is counted once.
 */
export async function insertBacklogRow(
  db: Executor,
  row: { seqs: string; events: number; createdAt: string } & Partial<
    Pick<Held, 'part' | 'slice' | 'slices'>
  >,
): Promise<number> {
  const inserted = await db
    .insertInto('intake_rollup_backlog')
    .values({
      seqs: row.seqs,
      events: row.events,
      created_at: row.createdAt,
      part: row.part ?? 'all',
      slice: row.slice ?? 0,
      slices: row.slices ?? 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(inserted.id);
}

/** Delete the rows; returns those this transaction deleted (another may have been first). */
export async function claimBacklogRows(db: Executor, ids: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .deleteFrom('intake_rollup_backlog')
      .where('id', 'in', ids.slice(i, i + 500))
      .returning('id')
      .execute();
    for (const r of rows) out.add(Number(r.id));
  }
  return out;
}

/** What the table says is waiting, across every server: for the intake's stats. */
export async function backlogStatus(
  db: Executor,
): Promise<{ events: number; oldestAt: string | null }> {
  const r = await db
    .selectFrom('intake_rollup_backlog')
    .select((eb) => [
      eb.fn.sum<number>('events').as('events'),
      eb.fn.min('created_at').as('oldest'),
    ])
    .executeTakeFirstOrThrow();
  return { events: Number(r.events ?? 0), oldestAt: r.oldest ?? null };
}

/**
 * Backlog rows left behind (by a server that stopped or crashed before rolling them up),
 * with their stored events rebuilt for the rollups; `limit` rows at a time.
 */
export async function strandedGroups(
  db: Executor,
  /** `createdBefore` is inclusive. */
  opts: { createdBefore?: string; skip?: ReadonlySet<number>; limit?: number } = {},
): Promise<Held[]> {
  let q = db
    .selectFrom('intake_rollup_backlog')
    .selectAll()
    .orderBy('id')
    .limit(opts.limit ?? 50);
  if (opts.createdBefore) q = q.where('created_at', '<=', opts.createdBefore);
  const rows = (await q.execute()).filter((r) => !opts.skip?.has(Number(r.id)));
  const out: Held[] = [];
  // A batch's slices all name the whole batch: read its events once.
  const batches = new Map<string, { a: Attributed; seq: number }[]>();
  for (const r of rows) {
    let stored = batches.get(r.seqs);
    if (!stored) batches.set(r.seqs, (stored = await storedEvents(db, r.seqs)));
    const events: Attributed[] = [];
    const seqs: number[] = [];
    for (const { a, seq } of stored) {
      if (!inSlice(a, r.part, r.slice, r.slices)) continue;
      events.push(a);
      seqs.push(seq);
    }
    out.push({
      id: Number(r.id),
      events,
      seqs,
      at: Date.parse(r.created_at),
      createdAt: r.created_at,
      part: r.part,
      slice: r.slice,
      slices: r.slices,
    });
  }
  return out;
}

/** The stored events a backlog row's seq ranges name, rebuilt for the rollups. */
async function storedEvents(
  db: Executor,
  ranges: string,
): Promise<{ a: Attributed; seq: number }[]> {
  const out: { a: Attributed; seq: number }[] = [];
  for (const [from, to] of parseSeqRanges(ranges)) {
    const stored = await db
      .selectFrom('events')
      .select(['seq', 'type', 'event', 'user_key', 'account_id', 'ts', 'received_at', 'payload'])
      .where('seq', '>=', from)
      .where('seq', '<=', to)
      .orderBy('seq')
      .execute();
    for (const s of stored) {
      const event = restoreEvent(s);
      // An event the retention job already deleted is past caring about.
      if (event) out.push({ a: { event, accountId: s.account_id }, seq: Number(s.seq) });
    }
  }
  return out;
}
