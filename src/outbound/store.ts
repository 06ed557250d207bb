import type { Selectable } from 'kysely';
import type { Dialect, Executor } from '../db/database.js';
import type { OutboundEndpointsTable, OutboxTable } from '../db/schema.js';

export type OutboxRow = Selectable<OutboxTable>;
export type EndpointRow = Selectable<OutboundEndpointsTable>;

/** Add a message; false when its de-duplication key was taken (it was queued before). */
export async function insertOutbox(db: Executor, row: OutboxRow): Promise<boolean> {
  const r = await db
    .insertInto('outbox')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Take due messages: pending ones whose time has come, and ones a dead sender left in
 * `sending` (lease passed) with attempts left. As the job queue does: SKIP LOCKED on
 * PostgreSQL, the single writer on SQLite.
 */
export async function claimDue(
  db: Executor,
  dialect: Dialect,
  o: { now: Date; leaseMs: number; limit: number },
): Promise<OutboxRow[]> {
  const now = o.now.toISOString();
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([
          eb('status', '=', 'sending'),
          eb('lease_until', '<', now),
          eb('attempts', '<', eb.ref('max_attempts')),
        ]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(o.limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'sending',
      attempts: eb('attempts', '+', 1),
      lease_until: new Date(o.now.getTime() + o.leaseMs).toISOString(),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/** Messages a dead sender left mid-way on their last attempt: failed, saying so. */
export async function failAbandoned(db: Executor, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .updateTable('outbox')
    .set({
      status: 'failed',
      lease_until: null,
      last_error: 'the sender stopped during the last attempt',
    })
    .where('status', '=', 'sending')
    .where('lease_until', '<', at)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .execute();
}

export async function finish(
  db: Executor,
  id: string,
  end:
    | { status: 'sent'; response: string; at: Date }
    | { status: 'failed'; error: string; response: string | null; at: Date }
    | { status: 'pending'; error: string; response: string | null; retryAt: Date },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: end.status,
      lease_until: null,
      response: end.response?.slice(0, 2000) ?? null,
      ...(end.status === 'sent' ? { sent_at: end.at.toISOString(), last_error: null } : {}),
      ...(end.status !== 'sent' ? { last_error: end.error.slice(0, 2000) } : {}),
      ...(end.status === 'pending' ? { next_attempt_at: end.retryAt.toISOString() } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

export interface OutboxFilter {
  status?: string;
  channel?: string;
  accountId?: string;
}

export async function listOutboxRows(
  db: Executor,
  f: OutboxFilter,
  limit: number,
): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function getOutboxRow(db: Executor, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function requeue(db: Executor, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function endpointRows(db: Executor): Promise<EndpointRow[]> {
  return db
    .selectFrom('outbound_endpoints')
    .selectAll()
    .where('archived_at', 'is', null)
    .orderBy('name')
    .execute();
}

export async function endpointById(db: Executor, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('outbound_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertEndpoint(db: Executor, row: EndpointRow): Promise<void> {
  await db.insertInto('outbound_endpoints').values(row).execute();
}

export async function archiveEndpoint(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('outbound_endpoints')
    .set({ archived_at: at })
    .where('id', '=', id)
    .execute();
}
