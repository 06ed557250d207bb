import { sql } from 'kysely';
import type { Dialect, Executor } from '../../db/database.js';
import type { MovementRow, SubscriptionRow } from '../../db/schema.js';
import type { Page } from '../../core/pagination.js';
import { keysetPage, sortBy } from '../../db/keyset.js';
import type { SubscriptionSort } from './schemas.js';

export async function getSubscription(
  db: Executor,
  id: string,
): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getSubscriptionForUpdate(
  db: Executor,
  dialect: Dialect,
  id: string,
): Promise<SubscriptionRow | undefined> {
  const q = db.selectFrom('subscriptions').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

/** The effective date of a subscription's latest revenue movement. */
export async function lastMovementDate(
  db: Executor,
  subscriptionId: string,
): Promise<string | null> {
  const r = await db
    .selectFrom('revenue_movements')
    .select((eb) => eb.fn.max('effective_date').as('d'))
    .where('subscription_id', '=', subscriptionId)
    .executeTakeFirst();
  return (r?.d as string | null | undefined) ?? null;
}

/** An account's MRR on a day, and whether it had any revenue movement by then. */
export async function accountMrrOn(
  db: Executor,
  accountId: string,
  day: string,
): Promise<{ mrr: number; ever: boolean }> {
  const r = await db
    .selectFrom('revenue_movements')
    .select([sql<number | null>`sum(mrr_delta_minor)`.as('mrr'), sql<number>`count(*)`.as('n')])
    .where('account_id', '=', accountId)
    .where('effective_date', '<=', day)
    .executeTakeFirstOrThrow();
  return { mrr: Number(r.mrr ?? 0), ever: Number(r.n) > 0 };
}

export async function findByExternalId(
  db: Executor,
  externalId: string,
): Promise<SubscriptionRow | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function insertSubscription(db: Executor, row: SubscriptionRow): Promise<void> {
  await db.insertInto('subscriptions').values(row).execute();
}

export async function updateSubscription(
  db: Executor,
  id: string,
  patch: Partial<SubscriptionRow>,
): Promise<void> {
  await db.updateTable('subscriptions').set(patch).where('id', '=', id).execute();
}

export async function insertMovement(db: Executor, row: MovementRow): Promise<void> {
  await db.insertInto('revenue_movements').values(row).execute();
}

export async function hasMovements(db: Executor, accountId: string): Promise<boolean> {
  const r = await db
    .selectFrom('revenue_movements')
    .select('id')
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** Earliest end date among the account's live subscriptions: its next renewal. */
export async function nextRenewal(db: Executor, accountId: string): Promise<string | null> {
  const r = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.min('end_date').as('d'))
    .where('account_id', '=', accountId)
    .where('status', 'in', ['active', 'past_due'])
    .executeTakeFirst();
  return (r?.d as string | null | undefined) ?? null;
}

const SUBSCRIPTION_SORT_COLUMN = {
  createdAt: 'created_at',
  startDate: 'start_date',
  endDate: 'end_date',
  mrr: 'mrr_minor',
} as const;

export async function listSubscriptions(
  db: Executor,
  dialect: Dialect,
  f: { accountId?: string; status?: string; renewsBefore?: string },
  sort: SubscriptionSort,
  limit: number,
  cursor?: string,
): Promise<Page<SubscriptionRow>> {
  let q = db.selectFrom('subscriptions').selectAll();
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.renewsBefore) q = q.where('end_date', '<=', f.renewsBefore);
  return keysetPage(
    q,
    sortBy<SubscriptionRow>(sort, SUBSCRIPTION_SORT_COLUMN, dialect, { nullable: ['endDate'] }),
    limit,
    cursor,
  );
}

export async function listMovements(db: Executor, accountId: string): Promise<MovementRow[]> {
  return db
    .selectFrom('revenue_movements')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('effective_date')
    .orderBy('id')
    .execute();
}

/** MRR by currency on a day, from movements alone (exact for any past date). */
export async function mrrByCurrencyAt(
  db: Executor,
  day: string,
  accountId?: string,
): Promise<{ currency: string; mrr: number }[]> {
  let q = db
    .selectFrom('revenue_movements')
    .select(['currency', sql<number>`sum(mrr_delta_minor)`.as('mrr')])
    .where('effective_date', '<=', day);
  if (accountId) q = q.where('account_id', '=', accountId);
  const rows = await q.groupBy('currency').orderBy('currency').execute();
  return rows.map((r) => ({ currency: r.currency, mrr: Number(r.mrr) }));
}
