import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/** The demo's own reads: whether the book is empty, and counts for the summary. */
export async function hasAccounts(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface DemoCounts {
  accounts: number;
  churnedAccounts: number;
  contacts: number;
  subscriptions: number;
  movements: number;
  timelineEntries: number;
  movementsByKind: Record<string, number>;
  mrrByCurrency: { currency: string; mrrMinor: number }[];
  /** People seen in the product, and rows of the three daily usage rollups. */
  productUsers: number;
  usageUserDays: number;
  usageEventDays: number;
  usageUserEventDays: number;
  tickets: number;
  surveyResponses: number;
}

type Counted =
  | 'accounts'
  | 'contacts'
  | 'subscriptions'
  | 'revenue_movements'
  | 'timeline_entries'
  | 'product_users'
  | 'usage_daily_user'
  | 'usage_daily_event'
  | 'usage_daily_user_event'
  | 'tickets'
  | 'survey_responses';

async function count(db: Executor, table: Counted): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function demoCounts(db: Executor): Promise<DemoCounts> {
  const churned = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('stage', '=', 'churned')
    .executeTakeFirstOrThrow();
  const kinds = await db
    .selectFrom('revenue_movements')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('kind')
    .orderBy('kind')
    .execute();
  const mrr = await db
    .selectFrom('accounts')
    .select(['currency', sql<number>`sum(mrr_minor)`.as('mrr')])
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  return {
    accounts: await count(db, 'accounts'),
    churnedAccounts: Number(churned.n),
    contacts: await count(db, 'contacts'),
    subscriptions: await count(db, 'subscriptions'),
    movements: await count(db, 'revenue_movements'),
    timelineEntries: await count(db, 'timeline_entries'),
    movementsByKind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])),
    mrrByCurrency: mrr.map((r) => ({ currency: r.currency, mrrMinor: Number(r.mrr) })),
    productUsers: await count(db, 'product_users'),
    usageUserDays: await count(db, 'usage_daily_user'),
    usageEventDays: await count(db, 'usage_daily_event'),
    usageUserEventDays: await count(db, 'usage_daily_user_event'),
    tickets: await count(db, 'tickets'),
    surveyResponses: await count(db, 'survey_responses'),
  };
}
