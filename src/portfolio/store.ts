import { sql, type QueryCreator, type RawBuilder } from 'kysely';
import type { Dialect, Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { columnOrder } from '../db/keyset.js';
import { TOUCH_KINDS, TREND_DAYS, type OwnerFilter } from './model.js';

/**
 * The portfolio's reads: three set-based queries whatever the size of the book (accounts with
 * owner and last touch; each account's latest snapshot with its trend packed into one
 * value; the alerts that may read as open). A read model over other features' tables;
 * nothing here writes.
 */

/** The live accounts in scope, as `a`. */
function scoped(db: QueryCreator<Database>, f: OwnerFilter) {
  const q = db.selectFrom('accounts as a').where('a.archived_at', 'is', null);
  return f.kind === 'owners' ? q.where('a.owner_id', 'in', [...f.ids]) : q;
}

export interface PortfolioAccountRow {
  id: string;
  name: string;
  segment: string;
  stage: string;
  industry: string | null;
  region: string | null;
  currency: string;
  mrr_minor: number;
  renewal_date: string | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  last_touch_at: string | null;
}

/** Accounts in scope by name (code point order on both databases), with owner and last touch. */
export async function portfolioAccounts(
  db: Executor,
  dialect: Dialect,
  f: OwnerFilter,
  nowIso: string,
): Promise<PortfolioAccountRow[]> {
  const rows = await scoped(db, f)
    .leftJoin('users as u', 'u.id', 'a.owner_id')
    .select([
      'a.id',
      'a.name',
      'a.segment',
      'a.stage',
      'a.industry',
      'a.region',
      'a.currency',
      'a.mrr_minor',
      'a.renewal_date',
      'a.owner_id',
      'u.name as owner_name',
      'u.email as owner_email',
    ])
    .select((eb) =>
      eb
        .selectFrom('timeline_entries as t')
        .select((t) => t.fn.max<string>('t.occurred_at').as('m'))
        .whereRef('t.account_id', '=', 'a.id')
        .where('t.kind', 'in', TOUCH_KINDS)
        // An activity logged ahead (a planned meeting) is not a touch yet.
        .where('t.occurred_at', '<=', nowIso)
        .as('last_touch_at'),
    )
    .orderBy(columnOrder('a.name', dialect, { text: true }))
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({ ...r, mrr_minor: Number(r.mrr_minor) }));
}

export interface LatestSnapshotRow {
  account_id: string;
  /** The latest snapshot's day (on or before today). */
  day: string;
  model_key: string;
  model_version: number;
  /** Its measure values, to score it with its model version. */
  detail: string;
  /**
   * The composites (tenths) of the TREND_DAYS days ending at `day`, packed as
   * "YYYY-MM-DD=tenths" separated by commas, empty tenths for no data: one row per account
   * instead of one per snapshot keeps the transfer small.
   */
  trend: string | null;
}

/** The ISO day `n` days before a day column, as text. */
function daysBefore(dialect: Dialect, column: string, n: number): RawBuilder<string> {
  return dialect === 'postgres'
    ? sql<string>`to_char(cast(${sql.ref(column)} as date) - ${sql.lit(n)}, 'YYYY-MM-DD')`
    : sql<string>`date(${sql.ref(column)}, ${sql.lit(`-${n} days`)})`;
}

/** Text values joined by commas (an aggregate). */
function joined(dialect: Dialect, expr: RawBuilder<string>): RawBuilder<string> {
  return dialect === 'postgres'
    ? sql<string>`string_agg(${expr}, ',')`
    : sql<string>`group_concat(${expr}, ',')`;
}

/** Each scoped account's latest snapshot on or before `today`, with its trend window. */
export async function latestSnapshots(
  db: Executor,
  dialect: Dialect,
  f: OwnerFilter,
  today: string,
): Promise<LatestSnapshotRow[]> {
  const rows = await db
    // Materialized, so each account's latest day is one index seek, not a subquery the
    // planner repeats for every snapshot it joins.
    .with(
      (cte) => cte('l').materialized(),
      (q) =>
        scoped(q, f).select((eb) => [
          'a.id as account_id',
          eb
            .selectFrom('health_snapshots as h')
            .select((h) => h.fn.max<string>('h.day').as('d'))
            .whereRef('h.account_id', '=', 'a.id')
            .where('h.day', '<=', today)
            .as('day'),
        ]),
    )
    .selectFrom('l')
    .innerJoin('health_snapshots as z', (j) =>
      j.onRef('z.account_id', '=', 'l.account_id').onRef('z.day', '=', 'l.day'),
    )
    .select(['z.account_id', 'z.day', 'z.model_key', 'z.model_version', 'z.detail'])
    .select((eb) =>
      eb
        .selectFrom('health_snapshots as s')
        .select(
          joined(
            dialect,
            sql<string>`s.day || '=' || coalesce(cast(s.composite_tenths as text), '')`,
          ).as('t'),
        )
        .whereRef('s.account_id', '=', 'l.account_id')
        .whereRef('s.day', '<=', 'l.day')
        .where('s.day', '>=', daysBefore(dialect, 'l.day', TREND_DAYS - 1))
        .as('trend'),
    )
    .execute();
  return rows.map((r) => ({ ...r, model_version: Number(r.model_version) }));
}

export interface OpenableAlertRow {
  account_id: string;
  status: string;
  snoozed_until: string | null;
}

/**
 * Alerts of scoped accounts that may read as open: the open ones and the snoozed ones (a
 * snooze may have run out). Acknowledged and resolved alerts never read as open.
 */
export async function openableAlerts(db: Executor, f: OwnerFilter): Promise<OpenableAlertRow[]> {
  return db
    .selectFrom('health_alerts')
    .select(['account_id', 'status', 'snoozed_until'])
    .where('status', 'in', ['open', 'snoozed'])
    .where('account_id', 'in', scoped(db, f).select('a.id'))
    .execute();
}
