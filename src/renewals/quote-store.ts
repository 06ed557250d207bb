import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { RenewalQuoteEventsTable, RenewalQuotesTable } from '../db/schema-renewals.js';

export type QuoteRow = Selectable<RenewalQuotesTable>;
export type QuoteEventRow = Selectable<RenewalQuoteEventsTable>;

export async function nextNumber(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('renewal_quotes')
    .select(sql<number | null>`max(number)`.as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0) + 1;
}

export async function insertQuote(db: Executor, row: QuoteRow): Promise<void> {
  await db.insertInto('renewal_quotes').values(row).execute();
}

export async function updateQuote(db: Executor, id: string, patch: Partial<QuoteRow>) {
  await db.updateTable('renewal_quotes').set(patch).where('id', '=', id).execute();
}

export async function quoteById(db: Executor, id: string): Promise<QuoteRow | undefined> {
  return db.selectFrom('renewal_quotes').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertEvent(db: Executor, row: QuoteEventRow): Promise<void> {
  await db.insertInto('renewal_quote_events').values(row).execute();
}

export async function eventsOf(db: Executor, quoteId: string): Promise<QuoteEventRow[]> {
  return db
    .selectFrom('renewal_quote_events')
    .selectAll()
    .where('quote_id', '=', quoteId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export async function listQuotes(
  db: Executor,
  f: { accountId?: string; subscriptionId?: string; status?: string },
  limit: number,
) {
  let q = db
    .selectFrom('renewal_quotes as q')
    .innerJoin('accounts as a', 'a.id', 'q.account_id')
    .selectAll('q')
    .select('a.name as account_name');
  if (f.accountId) q = q.where('q.account_id', '=', f.accountId);
  if (f.subscriptionId) q = q.where('q.subscription_id', '=', f.subscriptionId);
  if (f.status) q = q.where('q.status', '=', f.status);
  return q.orderBy('q.created_at', 'desc').orderBy('q.id', 'desc').limit(limit).execute();
}
