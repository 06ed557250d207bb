import { sql } from 'kysely';
import type { Ctx } from '../../core/context.js';
import { notFound } from '../../core/errors.js';
import { inTx } from '../../db/database.js';
import type { DeadLetterRow } from '../../db/schema.js';
import { recordAudit } from '../../audit/record.js';
import { backlogStatus } from './backlog.js';
import { checkEvent, type EventResult } from './model.js';
import { writeSubmitted, type Submitted } from './service.js';

/** Dead letters, replay, intake statistics and the event catalog: the intake's admin side. */

export interface DeadLetter {
  id: string;
  receivedAt: string;
  sourceId: string;
  batchIndex: number | null;
  messageId: string | null;
  reason: string;
  payload: unknown;
  status: 'open' | 'replayed';
  replayedAt: string | null;
  replayResult: string | null;
}

function toDeadLetter(r: DeadLetterRow): DeadLetter {
  let payload: unknown = r.payload;
  try {
    payload = JSON.parse(r.payload);
  } catch {
    // kept as text
  }
  return {
    id: r.id,
    receivedAt: r.received_at,
    sourceId: r.source_id,
    batchIndex: r.batch_index,
    messageId: r.message_id,
    reason: r.reason,
    payload,
    status: r.status as DeadLetter['status'],
    replayedAt: r.replayed_at,
    replayResult: r.replay_result,
  };
}

export async function listDeadLetters(
  ctx: Ctx,
  opts: { status?: 'open' | 'replayed'; limit?: number } = {},
): Promise<DeadLetter[]> {
  ctx.can('read', 'setting');
  let q = ctx.db.selectFrom('dead_letters').selectAll();
  if (opts.status) q = q.where('status', '=', opts.status);
  const rows = await q
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 100)
    .execute();
  return rows.map(toDeadLetter);
}

/** Correct a refused event's payload before replaying it; the original reason is kept. */
export async function fixDeadLetter(ctx: Ctx, id: string, payload: unknown): Promise<DeadLetter> {
  ctx.can('write', 'setting');
  return inTx(ctx.db, async (trx) => {
    const row = await trx
      .selectFrom('dead_letters')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.status !== 'open') throw notFound('open dead letter', id);
    const text = JSON.stringify(payload);
    await trx.updateTable('dead_letters').set({ payload: text }).where('id', '=', id).execute();
    await recordAudit({ ...ctx, db: trx }, trx, {
      entity: 'dead_letter',
      entityId: id,
      action: 'fix',
      before: { payload: row.payload },
      after: { payload: text },
    });
    return toDeadLetter({ ...row, payload: text });
  });
}

export interface ReplayOutcome {
  id: string;
  status: EventResult['status'];
  reason?: string;
}

/**
 * Check refused events again (after a fix to the sender's data, a mapping or Tenure
 * itself) and store those that now pass, under their original source and receipt time,
 * so a replay of an event that was meanwhile re-sent is a duplicate, not a second copy.
 */
export async function replayDeadLetters(
  ctx: Ctx,
  ids: readonly string[] | 'all',
): Promise<ReplayOutcome[]> {
  ctx.can('write', 'setting');
  let q = ctx.db.selectFrom('dead_letters').selectAll().where('status', '=', 'open');
  if (ids !== 'all') {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', [...ids]);
  }
  const rows = await q.orderBy('received_at').orderBy('id').limit(10_000).execute();
  if (ids !== 'all') {
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw notFound('open dead letter', missing);
  }
  const out: ReplayOutcome[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    await inTx(ctx.db, async (trx) => {
      const tx: Ctx = { ...ctx, db: trx };
      const items: Submitted[] = part.map((r, index) => {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(r.payload);
        } catch {
          // stays unparseable: refused again below
        }
        return {
          index,
          sourceId: r.source_id,
          receivedAt: r.received_at,
          raw: () => r.payload,
          checked: checkEvent(parsed, { receivedAt: new Date(r.received_at) }),
        };
      });
      // Still-bad events are not written as new dead letters: they stay open here.
      const good = items.filter((it) => it.checked.ok);
      const results = good.length ? await writeSubmitted(tx, good) : [];
      const byItem = new Map(good.map((it, k) => [it, results[k]!]));
      const at = ctx.now().toISOString();
      for (const [k, r] of part.entries()) {
        const item = items[k]!;
        const result = byItem.get(item);
        const reason = item.checked.ok ? undefined : item.checked.reason;
        if (result) {
          await trx
            .updateTable('dead_letters')
            .set({ status: 'replayed', replayed_at: at, replay_result: result.status })
            .where('id', '=', r.id)
            .execute();
        } else {
          await trx
            .updateTable('dead_letters')
            .set({ replayed_at: at, replay_result: `still refused: ${reason}` })
            .where('id', '=', r.id)
            .execute();
        }
        out.push({ id: r.id, status: result?.status ?? 'rejected', ...(reason ? { reason } : {}) });
      }
      await recordAudit(
        tx,
        trx,
        part.map((r, k) => ({
          entity: 'dead_letter',
          entityId: r.id,
          action: 'replay',
          changes: { result: [null, out[i + k]!.status] },
        })),
      );
    });
  }
  return out;
}

export interface IntakeStats {
  events: number;
  lastReceivedAt: string | null;
  unattributed: number;
  deadLettersOpen: number;
  catalogEvents: number;
  productUsers: number;
  /** Stored events whose rollups are still to be written (the intake was saturated). */
  rollupBacklog: { events: number; oldestAt: string | null };
  /** Activity per day, from the rollups (kept forever). */
  perDay: { day: string; events: number; activeUsers: number }[];
}

export async function intakeStats(ctx: Ctx, days = 30): Promise<IntakeStats> {
  ctx.can('read', 'setting');
  const count = (n: unknown) => Number(n ?? 0);
  const raw = await ctx.db
    .selectFrom('events')
    .select((e) => [
      e.fn.countAll().as('n'),
      e.fn.max('received_at').as('last'),
      sql<number>`sum(case when account_id is null then 1 else 0 end)`.as('unattributed'),
    ])
    .executeTakeFirstOrThrow();
  const dead = await ctx.db
    .selectFrom('dead_letters')
    .select((e) => e.fn.countAll().as('n'))
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  const catalog = await ctx.db
    .selectFrom('event_catalog')
    .select((e) => e.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const users = await ctx.db
    .selectFrom('product_users')
    .select((e) => e.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const since = new Date(ctx.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const perDay = await ctx.db
    .selectFrom('usage_daily_user')
    .select((e) => [
      'day',
      e.fn.sum<number>('events').as('events'),
      sql<number>`count(distinct ${sql.ref('account_id')} || ':' || ${sql.ref('user_key')})`.as(
        'users',
      ),
    ])
    .where('day', '>=', since)
    .groupBy('day')
    .orderBy('day')
    .execute();
  return {
    events: count(raw.n),
    lastReceivedAt: (raw.last as string | null) ?? null,
    unattributed: count(raw.unattributed),
    deadLettersOpen: count(dead.n),
    catalogEvents: count(catalog.n),
    productUsers: count(users.n),
    rollupBacklog: await backlogStatus(ctx.db),
    perDay: perDay.map((d) => ({
      day: d.day,
      events: count(d.events),
      activeUsers: count(d.users),
    })),
  };
}

export interface CatalogItem {
  key: string;
  type: string;
  name: string;
  firstSeenAt: string;
  lastSeenAt: string;
  volume: number;
  properties: {
    name: string;
    type: string;
    firstSeenAt: string;
    lastSeenAt: string;
    volume: number;
  }[];
}

export async function eventCatalog(ctx: Ctx): Promise<CatalogItem[]> {
  ctx.can('read', 'account');
  const events = await ctx.db
    .selectFrom('event_catalog')
    .selectAll()
    .orderBy('volume', 'desc')
    .orderBy('key')
    .execute();
  const props = await ctx.db
    .selectFrom('event_properties')
    .selectAll()
    .orderBy('property')
    .execute();
  const byEvent = new Map<string, CatalogItem['properties']>();
  for (const p of props) {
    const list = byEvent.get(p.event_key) ?? [];
    list.push({
      name: p.property,
      type: p.value_type,
      firstSeenAt: p.first_seen_at,
      lastSeenAt: p.last_seen_at,
      volume: Number(p.volume),
    });
    byEvent.set(p.event_key, list);
  }
  return events.map((e) => ({
    key: e.key,
    type: e.type,
    name: e.name,
    firstSeenAt: e.first_seen_at,
    lastSeenAt: e.last_seen_at,
    volume: Number(e.volume),
    properties: byEvent.get(e.key) ?? [],
  }));
}
